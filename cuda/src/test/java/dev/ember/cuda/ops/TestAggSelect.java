package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.AggSelect.Rule;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link AggSelect} on hand-made slots against a reference that sorts each slot's rows. */
class TestAggSelect {
    private static final DType DEC = DType.decimal128(38, 4);
    private final Device device = TestDevices.device();

    /** Each row's slot (-1: skipped) and the groups' slots (every slot once, shuffled). */
    record Layout(int[] rowSlot, int capacity, int[] groupSlots) {
        static Layout random(Random r, int n, int capacity, double skipped) {
            int[] rowSlot = new int[n];
            for (int i = 0; i < n; i++) {
                // Half the rows in slot 0: one hot slot that many threads update at once.
                rowSlot[i] = r.nextDouble() < skipped ? -1 : r.nextBoolean() ? 0 : r.nextInt(capacity);
            }
            List<Integer> slots = new ArrayList<>(IntStream.range(0, capacity).boxed().toList());
            java.util.Collections.shuffle(slots, r);
            return new Layout(rowSlot, capacity, slots.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void firstAndLastRowsAmongTheMaskedRows() {
        Random r = new Random(1);
        int n = 6000;
        Layout layout = Layout.random(r, n, 400, 0.1);
        byte[] mask = RandomData.validity(r, n, 0.7);
        for (Rule rule : List.of(Rule.FIRST, Rule.LAST)) {
            assertThat(select(rule, null, mask, layout)).as("%s masked", rule)
                    .isEqualTo(expected(rule, null, mask, layout));
            assertThat(select(rule, null, null, layout)).as("%s", rule).isEqualTo(expected(rule, null, null, layout));
        }
        // Some slots have no masked row: they report -1.
        assertThat(select(Rule.FIRST, null, mask, layout)).contains(-1);
    }

    @Test
    void minAndMaxStringsInSparksByteOrderWithTiesOnTheSmallerRow() {
        Random r = new Random(2);
        int n = 20_000;
        RowValues values = RowValues.strings(strings(r, n, 3000));
        Layout layout = Layout.random(r, n, 500, 0.05);
        for (Rule rule : List.of(Rule.MIN, Rule.MAX)) {
            assertThat(select(rule, values, null, layout)).as("%s", rule).isEqualTo(expected(rule, values, null, layout));
        }
    }

    @Test
    void minAndMaxDecimal128AsSigned128BitValues() {
        Random r = new Random(3);
        int n = 20_000;
        RowValues values = decimals(r, n);
        Layout layout = Layout.random(r, n, 700, 0.05);
        for (Rule rule : List.of(Rule.MIN, Rule.MAX)) {
            assertThat(select(rule, values, null, layout)).as("%s", rule).isEqualTo(expected(rule, values, null, layout));
        }
    }

    @Test
    void allNullSlotsEmptySlotsOneRowSlotsAndTies() {
        // slot 0: only nulls; slot 1: one row; slot 2: no rows; slot 3: ties; slot 4: prefixes and bytes >= 0x80.
        byte[][] rows = {null, utf8("x"), null, utf8("b"), utf8("a"), utf8("a"), utf8("b"), utf8("ab"), utf8(""),
            utf8("\u00e9"), utf8("z"), utf8("a"), utf8("\u00e9")};
        int[] rowSlot = {0, 1, 0, 3, 3, 3, 3, 4, 4, 4, 4, -1, 4};
        Layout layout = new Layout(rowSlot, 5, new int[] {4, 3, 2, 1, 0});
        RowValues values = RowValues.strings(rows);
        assertThat(select(Rule.MIN, values, null, layout)).containsExactly(8, 4, -1, 1, -1);
        assertThat(select(Rule.MAX, values, null, layout)).containsExactly(9, 3, -1, 1, -1);
        assertThat(select(Rule.FIRST, null, null, layout)).containsExactly(7, 3, -1, 1, 0);
        assertThat(select(Rule.LAST, null, null, layout)).containsExactly(12, 6, -1, 1, 2);
        BigInteger max = RandomDecimals.MAX_38;
        RowValues decimals = RowValues.decimals(DEC, new BigInteger[] {null, BigInteger.ONE, null, max.negate(),
            max, max.negate(), BigInteger.valueOf(-1), BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).negate(),
            BigInteger.valueOf(Long.MAX_VALUE), BigInteger.ONE.shiftLeft(64), max, BigInteger.valueOf(-2)});
        assertThat(select(Rule.MIN, decimals, null, layout)).containsExactly(8, 3, -1, 1, -1);
        assertThat(select(Rule.MAX, decimals, null, layout)).containsExactly(10, 4, -1, 1, -1);
    }

    @Test
    void manyGroups() {
        Random r = new Random(4);
        int n = 400_000;
        Layout layout = Layout.random(r, n, 150_000, 0.01);
        RowValues strings = RowValues.strings(strings(r, n, 100));
        RowValues decimals = decimals(r, n);
        byte[] mask = RandomData.validity(r, n, 0.5);
        for (Rule rule : List.of(Rule.MIN, Rule.MAX)) {
            assertThat(select(rule, strings, null, layout)).as("%s strings", rule)
                    .isEqualTo(expected(rule, strings, null, layout));
            assertThat(select(rule, decimals, null, layout)).as("%s decimals", rule)
                    .isEqualTo(expected(rule, decimals, null, layout));
        }
        for (Rule rule : List.of(Rule.FIRST, Rule.LAST)) {
            assertThat(select(rule, null, mask, layout)).as("%s", rule).isEqualTo(expected(rule, null, mask, layout));
        }
    }

    @Test
    void noRowsGiveMinusOneForEveryGroup() {
        Layout layout = new Layout(new int[0], 3, new int[] {2, 0, 1});
        assertThat(select(Rule.LAST, null, null, layout)).containsExactly(-1, -1, -1);
        assertThat(select(Rule.MAX, RowValues.strings(new byte[0][]), null, layout)).containsExactly(-1, -1, -1);
        assertThat(select(Rule.FIRST, null, null, new Layout(new int[0], 0, new int[0]))).isEmpty();
    }

    @Test
    void gatherByTheRowMapGivesNullForMinusOne() {
        RowValues longs = RowValues.of(HostValues.longs(DType.INT64, new long[] {7, 8, 9}, new byte[] {5, 0, 0, 0,
            0, 0, 0, 0}));
        RowValues strings = RowValues.strings(new byte[][] {utf8("p"), null, utf8("\u00e9\u00e9")});
        RowValues decimals = RowValues.decimals(DEC, new BigInteger[] {BigInteger.TEN, RandomDecimals.MAX_38.negate(),
            null});
        int[] map = {2, -1, 0, 1, 0};
        for (RowValues values : List.of(longs, strings, decimals)) {
            try (Column column = values.upload(device); DeviceBuffer rows = DeviceArrays.upload(device, map);
                    Column out = AggSelect.gather(device, column, rows, map.length, device.defaultStream())) {
                RowValues got = RowValues.download(out);
                assertThat(got.type()).isEqualTo(values.type());
                for (int g = 0; g < map.length; g++) {
                    assertThat(got.hex(g)).as("%s row %d", values.type(), g)
                            .isEqualTo(map[g] < 0 ? null : values.hex(map[g]));
                }
            }
        }
    }

    @Test
    void conditionMaskHoldsTheValidTrueRows() {
        byte[] flags = {0, 1, 2, 1, 0, -1, 1};
        byte[] validity = {0b1100111, 0, 0, 0, 0, 0, 0, 0};
        boolean[] expected = {false, true, true, false, false, true, true};
        for (byte[] bitmap : new byte[][] {validity, null}) {
            try (Column condition = HostValues.of(DType.BOOL8, flags, bitmap).upload(device);
                    DeviceBuffer mask = AggSelect.conditionMask(device, condition, device.defaultStream())) {
                byte[] bits = DeviceArrays.downloadBytes(mask, 0, 8);
                for (int i = 0; i < flags.length; i++) {
                    boolean want = bitmap == null ? flags[i] != 0 : expected[i];
                    assertThat(RandomData.isValid(bits, i)).as("row %d", i).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void refusesWhatItCannotSelect() {
        Layout layout = new Layout(new int[] {0}, 1, new int[] {0});
        RowValues ints = RowValues.of(HostValues.ints(DType.INT32, new int[] {1}, null));
        assertThatThrownBy(() -> select(Rule.MIN, ints, null, layout)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRING or DECIMAL128");
        RowValues strings = RowValues.strings(new byte[][] {utf8("a")});
        assertThatThrownBy(() -> select(Rule.MAX, strings, new byte[8], layout))
                .hasMessageContaining("rowMask 0");
        try (Column condition = ints.upload(device)) {
            assertThatThrownBy(() -> AggSelect.conditionMask(device, condition, device.defaultStream()))
                    .hasMessageContaining("BOOL8");
        }
    }

    // ---- reference and helpers ----

    /** Runs the selection on the device; values only for MIN/MAX, mask only for FIRST/LAST. */
    private int[] select(Rule rule, RowValues values, byte[] mask, Layout layout) {
        int n = layout.rowSlot.length;
        int groups = layout.groupSlots.length;
        try (DeviceBuffer rowSlot = DeviceArrays.upload(device, layout.rowSlot);
                DeviceBuffer groupSlots = DeviceArrays.upload(device, layout.groupSlots);
                DeviceBuffer maskBuffer = mask == null ? null : DeviceArrays.upload(device, mask);
                Column column = values == null ? null : values.upload(device);
                DeviceBuffer rows = AggSelect.selectRows(device, rule, column, maskBuffer == null ? 0
                        : maskBuffer.address(), rowSlot.address(), n, layout.capacity, groupSlots.address(), groups,
                        device.defaultStream())) {
            return DeviceArrays.downloadInts(rows, 0, groups);
        }
    }

    /** Per group: its slot's rows that qualify, ordered as the rule orders them; the first, or -1. */
    private static int[] expected(Rule rule, RowValues values, byte[] mask, Layout layout) {
        List<List<Integer>> bySlot = new ArrayList<>();
        for (int s = 0; s < layout.capacity; s++) {
            bySlot.add(new ArrayList<>());
        }
        for (int i = 0; i < layout.rowSlot.length; i++) {
            int s = layout.rowSlot[i];
            boolean qualifies = values != null ? values.rows()[i] != null : RandomData.isValid(mask, i);
            if (s >= 0 && qualifies) {
                bySlot.get(s).add(i);
            }
        }
        Comparator<Integer> byIndex = Comparator.naturalOrder();
        Comparator<Integer> order = switch (rule) {
            case FIRST -> byIndex;
            case LAST -> byIndex.reversed();
            case MIN -> ((Comparator<Integer>) values::compare).thenComparing(byIndex);
            case MAX -> ((Comparator<Integer>) values::compare).reversed().thenComparing(byIndex);
        };
        int[] out = new int[layout.groupSlots.length];
        for (int g = 0; g < out.length; g++) {
            out[g] = bySlot.get(layout.groupSlots[g]).stream().min(order).orElse(-1);
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Strings drawn from a small pool (so groups have ties) of shared prefixes, empty strings, bytes
     * >= 0x80, 4-byte code points and rows of {@code longLength}+ bytes differing only at their end;
     * about 5% null.
     */
    static byte[][] strings(Random r, int n, int longLength) {
        String longPrefix = "l".repeat(longLength);
        String[] pool = {"", "a", "ab", "abc", "abd", "b", "\u007f", "\u0080", "\u00e9", "\u00e9t\u00e9", "\uffff",
            "\ud83d\ude00", "z\u0000", "z", longPrefix, longPrefix + "a", longPrefix + "\u00e9", longPrefix + "a\u0000"};
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(pool.length + 3);
            out[i] = pick < pool.length ? utf8(pool[pick]) : pick == pool.length ? null
                    : utf8(Integer.toString(r.nextInt(1000), 36));
        }
        return out;
    }

    /** DECIMAL128 values: random ones, extremes and negatives, a small pool for ties, 10% null. */
    static RowValues decimals(Random r, int n) {
        BigInteger[] pool = {RandomDecimals.MAX_38, RandomDecimals.MAX_38.negate(), BigInteger.ZERO,
            BigInteger.ONE.negate(), BigInteger.ONE.shiftLeft(64), BigInteger.ONE.shiftLeft(64).negate(),
            BigInteger.valueOf(Long.MIN_VALUE)};
        BigInteger[] values = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(10);
            values[i] = pick == 0 ? null : pick < 4 ? pool[r.nextInt(pool.length)] : RandomDecimals.next(r);
        }
        return RowValues.decimals(DEC, values);
    }
}
