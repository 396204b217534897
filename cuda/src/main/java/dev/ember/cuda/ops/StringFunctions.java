package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.StringFunctionKernels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Spark 3.5's string functions (ANSI off) on STRING columns, each returning a new column; a null
 * input row gives a null output row unless stated. Scalars are UTF-8 byte strings, null for a SQL
 * NULL literal. "Characters" are what {@code UTF8String} steps over: one per code point for valid
 * UTF-8, one per byte for malformed bytes except lead bytes 0xC2..0xF4, which take their declared
 * length (see {@code strfuncs.cu}).
 *
 * <p>String results are sized exactly before they are allocated and throw {@link
 * StringSizeLimitException} past {@code maxBytes} (at most {@link Strings#MAX_BYTES}); the overloads
 * without a limit use {@link Strings#MAX_BYTES}. They wait for the stream (to read the total).
 */
public final class StringFunctions {
    /** Which end {@link #trim} removes characters from. */
    public enum TrimSide {
        /** {@code trim}/{@code btrim}: StringTrim. */
        BOTH(3),
        /** {@code ltrim}: StringTrimLeft. */
        LEADING(1),
        /** {@code rtrim}: StringTrimRight. */
        TRAILING(2);

        private final int mode;

        TrimSide(int mode) {
            this.mode = mode;
        }
    }

    /** One input of {@link #concat}: a STRING column or a scalar (null scalar: a NULL literal). */
    public record ConcatInput(Column column, byte[] scalar) {
        public static ConcatInput column(Column column) {
            Strings.requireStrings(column, "column");
            return new ConcatInput(column, null);
        }

        public static ConcatInput scalar(byte[] utf8) {
            return new ConcatInput(null, utf8);
        }
    }

    private static final byte[] SPACE = {' '};

    private StringFunctions() {}

    /** Length: the number of characters ({@code UTF8String.numChars}) as INT32. */
    public static Column length(Device device, Column input, Stream stream) {
        check(device, input, stream);
        long n = input.rowCount();
        return StringResults.fixed(device, DType.INT32, n, StringFunctionKernels.LENGTH, (out, v) -> rowArgs(out, v, input)
                .i64(n), stream);
    }

    /** {@link #substring(Device, Column, int, int, long, Stream)} with the limit {@link Strings#MAX_BYTES}. */
    public static Column substring(Device device, Column input, int pos, int len, Stream stream) {
        return substring(device, input, pos, len, Strings.MAX_BYTES, stream);
    }

    /**
     * Substring(str, pos, len) with literal pos and len: {@code UTF8String.substringSQL(pos, len)}.
     * pos is 1-based; 0 acts as 1; a negative pos counts from the end ({@code -1} is the last
     * character); len {@code <= 0} or a start past the end gives "". {@code substring(str, pos)} is
     * len {@link Integer#MAX_VALUE}. A NULL pos or len literal makes every row null: the caller uses
     * {@link #allNullStrings}.
     */
    public static Column substring(Device device, Column input, int pos, int len, long maxBytes, Stream stream) {
        check(device, input, stream);
        return ranges(device, input, maxBytes, "substring", StringFunctionKernels.SUBSTRING_RANGES,
                (starts, sizes, validity, total) -> KernelArgs.create().ptr(starts).ptr(sizes).ptr(validity)
                        .ptr(total).ptr(input.offsetsAddress()).ptr(input.dataAddress())
                        .ptr(input.validityAddress()).i32(pos).i32(len).i64(input.rowCount()),
                null, stream);
    }

    /** {@link #trim(Device, Column, TrimSide, byte[], long, Stream)} of ASCII spaces only (Spark's trim()). */
    public static Column trim(Device device, Column input, TrimSide side, Stream stream) {
        return trim(device, input, side, SPACE, Strings.MAX_BYTES, stream);
    }

    /**
     * StringTrim / StringTrimLeft / StringTrimRight. With {@code trimChars} = {@code " "} exactly
     * Spark's {@code trim()}, {@code trimLeft()}, {@code trimRight()}: only ASCII spaces (0x20) go,
     * not tabs or other white space. With another trim string ({@code TRIM(BOTH 'xy' FROM s)}), the
     * characters whose bytes occur in it are removed ({@code UTF8String.trim(trimString)}); a null
     * trim string gives null rows.
     */
    public static Column trim(Device device, Column input, TrimSide side, byte[] trimChars, long maxBytes,
            Stream stream) {
        check(device, input, stream);
        requireNonNull(side, "side is null");
        if (trimChars == null) {
            return allNullStrings(device, input.rowCount(), stream);
        }
        DeviceBuffer set = DeviceArrays.upload(device, trimChars);
        return ranges(device, input, maxBytes, "trim", StringFunctionKernels.TRIM_RANGES,
                (starts, sizes, validity, total) -> KernelArgs.create().ptr(starts).ptr(sizes).ptr(validity)
                        .ptr(total).ptr(input.offsetsAddress()).ptr(input.dataAddress())
                        .ptr(input.validityAddress()).ptr(set.address()).i32(trimChars.length).i32(side.mode)
                        .i64(input.rowCount()),
                set, stream);
    }

    /** Upper: {@code UTF8String.toUpperCase}. See {@link #lower} for the cost of non-ASCII rows. */
    public static Column upper(Device device, Column input, Stream stream) {
        return changeCase(device, input, true, Strings.MAX_BYTES, stream);
    }

    /**
     * Lower: {@code UTF8String.toLowerCase}. Rows of ASCII (and malformed bytes outside 0xC2..0xF4)
     * are mapped on the GPU; Spark converts a row holding any multi-byte character with
     * {@code String.toLowerCase()} in the JVM's default locale, which may change its length, so those
     * rows are gathered, copied to the host, converted there with the same Java call and merged back
     * (a compaction, two small gathers and a concatenation on the device, plus a host round trip of
     * only those rows). Columns without such rows cost one kernel and one 8-byte read.
     */
    public static Column lower(Device device, Column input, Stream stream) {
        return changeCase(device, input, false, Strings.MAX_BYTES, stream);
    }

    /** Upper or lower with a byte limit for the result. */
    public static Column changeCase(Device device, Column input, boolean upper, long maxBytes, Stream stream) {
        check(device, input, stream);
        long n = input.rowCount();
        try (DeviceBuffer flags = device.allocate(n, stream); DeviceBuffer count = device.allocate(8, stream)) {
            device.memset(count.address(), (byte) 0, 8, stream);
            Column ascii = asciiCase(device, input, flags, count, upper, stream);
            long flagged;
            try {
                flagged = StringResults.readLong(device, count.address(), stream);
            } catch (RuntimeException | Error e) {
                ascii.close();
                throw e;
            }
            if (flagged == 0) {
                return ascii;
            }
            try (Column owned = ascii) {
                return patchRows(device, input, owned, flags, upper, maxBytes, stream);
            }
        }
    }

    /** The GPU pass: same offsets and validity, ASCII letters mapped, flags for rows Java converts. */
    private static Column asciiCase(Device device, Column input, DeviceBuffer flags, DeviceBuffer count,
            boolean upper, Stream stream) {
        long n = input.rowCount();
        DeviceBuffer chars = device.allocate(input.dataBytes(), stream);
        DeviceBuffer offsets = null;
        DeviceBuffer validity = null;
        try {
            offsets = device.allocate(Column.offsetsBytes(n), stream);
            device.copyDeviceToDevice(input.offsetsAddress(), offsets.address(), Column.offsetsBytes(n), stream);
            validity = StringResults.copyValidity(device, input, stream);
            if (n > 0) {
                device.kernel(StringFunctionKernels.CASE_ASCII).launch(
                        LaunchConfig.gridStride(n, device.multiProcessorCount()),
                        KernelArgs.create().ptr(chars.address()).ptr(flags.address()).ptr(count.address())
                                .ptr(input.offsetsAddress()).ptr(input.dataAddress()).ptr(input.validityAddress())
                                .i32(upper ? 1 : 0).i64(n), stream);
            }
        } catch (RuntimeException | Error e) {
            StringResults.closeAll(e, chars, offsets, validity);
            throw e;
        }
        long nulls = validity == null ? 0 : input.isNullCountKnown() ? input.nullCount() : Column.UNKNOWN_NULL_COUNT;
        return Column.createStrings(n, offsets, chars, input.dataBytes(), validity, nulls);
    }

    /** Replaces the flagged rows of {@code ascii} by Java's case mapping of the same rows of {@code input}. */
    private static Column patchRows(Device device, Column input, Column ascii, DeviceBuffer flags, boolean upper,
            long maxBytes, Stream stream) {
        long n = input.rowCount();
        return StringResults.onHost(device, input, flags.address(), stream, (rows, values) -> {
            for (int i = 0; i < values.length; i++) {
                String s = new String(values[i], StandardCharsets.UTF_8);
                // UTF8String.toUpperCaseSlow / toLowerCaseSlow: the default locale, as Spark.
                values[i] = (upper ? s.toUpperCase(Locale.getDefault()) : s.toLowerCase(Locale.getDefault()))
                        .getBytes(StandardCharsets.UTF_8);
            }
            try (Column patched = StringResults.upload(device, values);
                    Column both = Strings.concat(device, List.of(ascii, patched), stream);
                    DeviceBuffer map = Fill.sequenceInt(device, n, 0, 1, stream);
                    DeviceBuffer targets = Fill.sequenceInt(device, rows.count(), (int) n, 1, stream)) {
                Scatter.scatter(device, targets.address(), 0, rows.count(), 4, rows.indices().address(),
                        map.address(), 0, n, stream);
                // The upload is freed on the default stream: the gather waits for the stream (its
                // total) after the concatenation that reads it was queued, so it is done with it.
                return Strings.gather(device, both, map, n, maxBytes, stream);
            }
        });
    }

    /** StartsWith(str, literal): byte prefix; a null pattern gives null rows. BOOL8. */
    public static Column startsWith(Device device, Column input, byte[] pattern, Stream stream) {
        return match(device, input, pattern, 0, stream);
    }

    /** EndsWith(str, literal): byte suffix; a null pattern gives null rows. BOOL8. */
    public static Column endsWith(Device device, Column input, byte[] pattern, Stream stream) {
        return match(device, input, pattern, 1, stream);
    }

    /** Contains(str, literal): byte substring ("" is in every row); a null pattern gives null rows. BOOL8. */
    public static Column contains(Device device, Column input, byte[] pattern, Stream stream) {
        return match(device, input, pattern, 2, stream);
    }

    /** {@code str = literal} as BOOL8 (the EQUALS kind of {@link LikePattern#classify()}). */
    public static Column equalTo(Device device, Column input, byte[] literal, Stream stream) {
        List<byte[]> list = new ArrayList<>();
        list.add(literal);
        return in(device, input, list, stream);
    }

    private static Column match(Device device, Column input, byte[] pattern, int mode, Stream stream) {
        check(device, input, stream);
        long n = input.rowCount();
        if (pattern == null) {
            return StringResults.allNull(device, DType.BOOL8, n, stream);
        }
        try (DeviceBuffer pat = DeviceArrays.upload(device, pattern)) {
            Column out = StringResults.fixed(device, DType.BOOL8, n, StringFunctionKernels.MATCH,
                    (o, v) -> rowArgs(o, v, input).ptr(pat.address()).i32(pattern.length).i32(mode).i64(n), stream);
            // The pattern is freed on the default stream: the kernel must be done with it first.
            stream.synchronize();
            return out;
        }
    }

    /**
     * Like(str, pattern) with a literal pattern (see {@link LikePattern} for the rules; parse errors
     * come from {@link LikePattern#parse}). BOOL8. Prefer the operation {@link LikePattern#classify()}
     * names when there is one.
     */
    public static Column like(Device device, Column input, LikePattern pattern, Stream stream) {
        check(device, input, stream);
        requireNonNull(pattern, "pattern is null");
        long n = input.rowCount();
        int[] program = pattern.program();
        try (DeviceBuffer prog = DeviceArrays.upload(device, program.length == 0 ? new int[1] : program)) {
            Column out = StringResults.fixed(device, DType.BOOL8, n, StringFunctionKernels.LIKE,
                    (o, v) -> rowArgs(o, v, input).ptr(prog.address()).i32(pattern.tokenCount()).i64(n), stream);
            stream.synchronize();
            return out;
        }
    }

    /**
     * In(str, literals): BOOL8, SQL semantics: a null row gives null; a row equal (bytes) to a
     * literal gives true; otherwise false, or null when the list holds a null ({@code null}
     * elements of {@code literals}). An empty list gives false for every non-null row.
     */
    public static Column in(Device device, Column input, List<byte[]> literals, Stream stream) {
        check(device, input, stream);
        requireNonNull(literals, "literals is null");
        long n = input.rowCount();
        List<byte[]> values = new ArrayList<>();
        boolean hasNull = false;
        for (byte[] v : literals) {
            if (v == null) {
                hasNull = true;
            } else {
                values.add(v);
            }
        }
        boolean listHasNull = hasNull;
        try (Column list = StringResults.upload(device, values.toArray(new byte[0][]))) {
            Column out = StringResults.fixed(device, DType.BOOL8, n, StringFunctionKernels.IN_LIST,
                    (o, v) -> rowArgs(o, v, input).ptr(list.offsetsAddress()).ptr(list.dataAddress())
                            .i32(values.size()).i32(listHasNull ? 1 : 0).i64(n), stream);
            stream.synchronize();
            return out;
        }
    }

    /** {@link #concat(Device, List, long, Stream)} with the limit {@link Strings#MAX_BYTES}. */
    public static Column concat(Device device, List<ConcatInput> inputs, Stream stream) {
        return concat(device, inputs, Strings.MAX_BYTES, stream);
    }

    /**
     * Concat(inputs...): the parts of each row one after the other; null when any input is null (a
     * NULL literal makes every row null). At least one input must be a column; all columns have the
     * same row count.
     */
    public static Column concat(Device device, List<ConcatInput> inputs, long maxBytes, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        List<ConcatInput> parts = List.copyOf(requireNonNull(inputs, "inputs is null"));
        long n = -1;
        boolean nullLiteral = false;
        for (ConcatInput p : parts) {
            if (p.column() != null) {
                if (n >= 0 && p.column().rowCount() != n) {
                    throw new IllegalArgumentException("concatenated columns need the same row count, not " + n
                            + " and " + p.column().rowCount());
                }
                n = p.column().rowCount();
            } else if (p.scalar() == null) {
                nullLiteral = true;
            }
        }
        if (n < 0) {
            throw new IllegalArgumentException("concat needs at least one column input; fold literals on the host");
        }
        if (nullLiteral) {
            return allNullStrings(device, n, stream);
        }
        List<DeviceBuffer> scalars = new ArrayList<>();
        long[] desc = new long[parts.size() * 4];
        try {
            for (int k = 0; k < parts.size(); k++) {
                ConcatInput p = parts.get(k);
                if (p.column() != null) {
                    desc[4 * k] = p.column().offsetsAddress();
                    desc[4 * k + 1] = p.column().dataAddress();
                    desc[4 * k + 2] = p.column().validityAddress();
                } else {
                    DeviceBuffer s = DeviceArrays.upload(device, p.scalar());
                    scalars.add(s);
                    desc[4 * k + 1] = s.address();
                    desc[4 * k + 3] = p.scalar().length;
                }
            }
            long rows = n;
            try (DeviceBuffer d = DeviceArrays.upload(device, desc)) {
                DeviceBuffer validity = device.allocate(Bitmaps.bitmapBytes(rows), stream);
                Column out = StringResults.twoPass(device, rows, maxBytes, "concat",
                        StringResults.ballotLaunch(device, rows), StringFunctionKernels.CONCAT_SIZES,
                        (sizes, total) -> KernelArgs.create().ptr(sizes).ptr(validity.address()).ptr(total)
                                .ptr(d.address()).i32(parts.size()).i64(rows),
                        StringFunctionKernels.CONCAT_CHARS,
                        (chars, offsets) -> KernelArgs.create().ptr(chars).ptr(offsets).ptr(d.address())
                                .i32(parts.size()).i64(rows),
                        validity, stream);
                stream.synchronize();
                return out;
            }
        } finally {
            for (DeviceBuffer s : scalars) {
                s.close();
            }
        }
    }

    /** A STRING column of n null rows (for a NULL literal argument). */
    public static Column allNullStrings(Device device, long n, Stream stream) {
        return StringResults.allNull(device, DType.STRING, n, stream);
    }

    private interface RangeArgs {
        KernelArgs of(long starts, long sizes, long validity, long total);
    }

    /** A ranges kernel, then the copy of each row's range; {@code scratch} (may be null) is closed at the end. */
    private static Column ranges(Device device, Column input, long maxBytes, String what, String kernel,
            RangeArgs args, DeviceBuffer scratch, Stream stream) {
        long n = input.rowCount();
        try (DeviceBuffer owned = scratch; DeviceBuffer starts = device.allocate(n * 4, stream)) {
            DeviceBuffer validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
            Column out = StringResults.twoPass(device, n, maxBytes, what, StringResults.ballotLaunch(device, n),
                    kernel, (sizes, total) -> args.of(starts.address(), sizes, validity.address(), total),
                    StringFunctionKernels.COPY_RANGES,
                    (chars, offsets) -> KernelArgs.create().ptr(chars).ptr(offsets).ptr(input.dataAddress())
                            .ptr(starts.address()).i64(n),
                    validity, stream);
            stream.synchronize();
            return out;
        }
    }

    private static KernelArgs rowArgs(long out, long validity, Column input) {
        return KernelArgs.create().ptr(out).ptr(validity).ptr(input.offsetsAddress()).ptr(input.dataAddress())
                .ptr(input.validityAddress());
    }

    private static void check(Device device, Column input, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        Strings.requireStrings(input, "input");
    }
}
