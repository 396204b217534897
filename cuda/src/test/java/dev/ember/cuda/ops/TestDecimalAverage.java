package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.RandomDecimals;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DecimalAverage} against Spark's own two steps done here with BigDecimal: {@code sum / count} to
 * scale 39 rounding down ({@code Decimal./}), then {@code toPrecision(rp, rs, ROUND_HALF_UP)}, null on
 * overflow.
 */
class TestDecimalAverage {
    private final Device device = TestDevices.device();

    /** Spark's result, or null; the sum is unscaled at {@code scale}. */
    private static BigInteger spark(BigInteger sum, int scale, Long count, int precision, int resultScale) {
        if (sum == null || count == null || count == 0) {
            return null;
        }
        BigDecimal q = new BigDecimal(sum, scale).divide(new BigDecimal(count), 39, RoundingMode.DOWN)
                .setScale(resultScale, RoundingMode.HALF_UP);
        return q.unscaledValue().abs().compareTo(BigInteger.TEN.pow(precision)) < 0 ? q.unscaledValue() : null;
    }

    @Test
    void truncatingTo39DigitsThenRoundingHalfUpEqualsRoundingTheExactQuotient() {
        Random r = new Random(10);
        for (int t = 0; t < 200_000; t++) {
            BigInteger sum = t % 2 == 0 ? BigInteger.valueOf(r.nextLong() % 100_000) : RandomDecimals.next(r);
            long count = t % 3 == 0 ? 1 + r.nextInt(16) : t % 3 == 1 ? r.nextLong() : 2L << r.nextInt(62);
            if (count == 0) {
                continue;
            }
            int scale = r.nextInt(39);
            int resultScale = Math.min(38, scale + r.nextInt(5));
            BigDecimal spark = new BigDecimal(sum, scale).divide(new BigDecimal(count), 39, RoundingMode.DOWN)
                    .setScale(resultScale, RoundingMode.HALF_UP);
            BigDecimal exact = new BigDecimal(sum, scale).divide(new BigDecimal(count), resultScale,
                    RoundingMode.HALF_UP);
            assertThat(spark).as("%s e-%d / %d", sum, scale, count).isEqualTo(exact);
        }
    }

    @Test
    void randomSumsAndCountsMatchSpark() {
        Random r = new Random(11);
        int n = 20_000;
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            counts[i] = switch (r.nextInt(6)) {
                case 0 -> 0;
                case 1 -> RandomData.longs(r, 1)[0];
                case 2 -> 2L << r.nextInt(30);
                default -> 1 + r.nextInt(100);
            };
        }
        HostValues count = HostValues.longs(DType.INT64, counts, RandomData.validity(r, n, 0.05));
        long[] longs = RandomData.longs(r, n);
        HostValues sum64 = HostValues.longs(DType.decimal64(18, 3), longs, RandomData.validity(r, n, 0.1));
        long[] words = RandomDecimals.words(r, n);
        HostValues sum128 = HostValues.longs(DType.decimal128(38, 8), words, RandomData.validity(r, n, 0.1));
        // {sum column, precision, scale}: Spark's (p+4, s+4) and wider shifts up to 19.
        int[][] shapes = {{64, 18, 7}, {64, 38, 22}, {64, 12, 3}, {128, 38, 12}, {128, 18, 8}, {128, 38, 27}};
        for (int[] shape : shapes) {
            HostValues sums = shape[0] == 64 ? sum64 : sum128;
            int scale = sums.type().scale();
            List<BigInteger> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                BigInteger s = !sums.isValid(i) ? null : shape[0] == 64 ? BigInteger.valueOf(longs[i])
                        : RandomDecimals.valueAt(words, i);
                expected.add(spark(s, scale, count.isValid(i) ? counts[i] : null, shape[1], shape[2]));
            }
            assertThat(average(sums, count, shape[1], shape[2])).as("shape %s", Arrays.toString(shape))
                    .isEqualTo(expected);
        }
    }

    @Test
    void tiesRoundAwayFromZeroOnBothSides() {
        // decimal(10, 0) sums, result scale 4: the tie 1/20000 = 0.00005 -> 0.0001 and -0.00005 -> -0.0001.
        long[] sums = {1, -1, 3, -3, 1, -1, 7, -7, 0};
        long[] counts = {20_000, 20_000, 80_000, 80_000, 30_000, 30_000, 2, 2, 5};
        assertThat(average(HostValues.longs(DType.decimal64(10, 0), sums, null), longs(counts), 14, 4))
                .containsExactly(BigInteger.valueOf(1), BigInteger.valueOf(-1), BigInteger.valueOf(0),
                        BigInteger.valueOf(0), BigInteger.valueOf(0), BigInteger.valueOf(0),
                        BigInteger.valueOf(35_000), BigInteger.valueOf(-35_000), BigInteger.ZERO);
        // Ties at the sum's own scale (shift 0): 2.5 -> 3, -2.5 -> -3, -3.5 -> -4, 3.5 -> 4.
        assertThat(average(HostValues.longs(DType.decimal64(10, 0), new long[] {5, -5, 7, -7, 3, -3}, null),
                longs(2, 2, -2, -2, 80_000, 80_000), 10, 0))
                .containsExactly(BigInteger.valueOf(3), BigInteger.valueOf(-3), BigInteger.valueOf(-4),
                        BigInteger.valueOf(4), BigInteger.ZERO, BigInteger.ZERO);
    }

    @Test
    void zeroCountsNullSumsAndNullCountsGiveNull() {
        byte[] sumValidity = {0b1011, 0, 0, 0, 0, 0, 0, 0};
        byte[] countValidity = {0b0111, 0, 0, 0, 0, 0, 0, 0};
        HostValues sums = HostValues.longs(DType.decimal64(12, 2), new long[] {100, 200, 300, 400}, sumValidity);
        HostValues counts = HostValues.longs(DType.INT64, new long[] {0, 4, 3, 4}, countValidity);
        assertThat(average(sums, counts, 16, 6)).containsExactly(null, BigInteger.valueOf(500_000), null, null);
    }

    @Test
    void resultsAtOrAboveTenToThePrecisionAreNull() {
        // Precision 4, scale 0: 19997 / 2 = 9998.5 -> 9999 (valid); 19999 / 2 = 9999.5 -> 10000 (null).
        HostValues sums = HostValues.longs(DType.decimal64(10, 0), new long[] {19_997, 19_999, -19_999, 99_999},
                null);
        assertThat(average(sums, longs(2, 2, 2, 1), 4, 0)).containsExactly(BigInteger.valueOf(9999), null, null, null);
        // A 128-bit sum of -2^127 scaled by 10^18 or 10^19 (the widest numerators): overflows for count 1,
        // fits for the largest counts at scale 18.
        BigInteger min = BigInteger.ONE.shiftLeft(127).negate();
        HostValues wide = HostValues.longs(DType.decimal128(38, 0), new long[] {0, Long.MIN_VALUE, 0, Long.MIN_VALUE,
            0, Long.MIN_VALUE}, null);
        for (int scale : new int[] {18, 19}) {
            List<BigInteger> got = average(wide, longs(1, Long.MAX_VALUE, Long.MIN_VALUE), 38, scale);
            assertThat(got).as("scale %d", scale).containsExactly(null, spark(min, 0, Long.MAX_VALUE, 38, scale),
                    spark(min, 0, Long.MIN_VALUE, 38, scale));
            if (scale == 18) {
                assertThat(got.get(1).signum()).isNegative();
                assertThat(got.get(2).signum()).isPositive();
            }
        }
    }

    @Test
    void resultTypeAndValidation() {
        try (Column s = HostValues.longs(DType.decimal64(8, 2), new long[] {1}, null).upload(device);
                Column c = longs(1).upload(device);
                Column bad = HostValues.ints(DType.INT32, new int[] {1}, null).upload(device)) {
            try (Column avg = DecimalAverage.average(device, s, c, 12, 6, device.defaultStream())) {
                assertThat(avg.type()).isEqualTo(DType.decimal64(12, 6));
            }
            try (Column avg = DecimalAverage.average(device, s, c, 22, 6, device.defaultStream())) {
                assertThat(avg.type()).isEqualTo(DType.decimal128(22, 6));
            }
            assertThatThrownBy(() -> DecimalAverage.average(device, s, c, 12, 1, device.defaultStream()))
                    .hasMessageContaining("sum's scale 2 plus 0..19");
            assertThatThrownBy(() -> DecimalAverage.average(device, s, c, 38, 22, device.defaultStream()))
                    .hasMessageContaining("not 22");
            assertThatThrownBy(() -> DecimalAverage.average(device, s, bad, 12, 6, device.defaultStream()))
                    .hasMessageContaining("must be INT64");
            assertThatThrownBy(() -> DecimalAverage.average(device, c, c, 12, 6, device.defaultStream()))
                    .hasMessageContaining("DECIMAL64 or DECIMAL128");
        }
    }

    // ---- helpers ----

    private static HostValues longs(long... values) {
        return HostValues.longs(DType.INT64, values, null);
    }

    private List<BigInteger> average(HostValues sums, HostValues counts, int precision, int scale) {
        List<Column> inputs = new ArrayList<>();
        try {
            inputs.add(sums.upload(device));
            inputs.add(counts.upload(device));
            try (Column avg = DecimalAverage.average(device, inputs.get(0), inputs.get(1), precision, scale,
                    device.defaultStream())) {
                assertThat(avg.type()).isEqualTo(DType.decimal(precision, scale));
                return TestHashAggDecimals.decimals(avg);
            }
        } finally {
            Closeables.closeAll(inputs);
        }
    }
}
