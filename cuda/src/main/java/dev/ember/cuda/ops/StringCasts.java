package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceArrays;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.StringCastKernels;
import dev.ember.cuda.kernel.StringFloatKernels;
import java.nio.charset.StandardCharsets;

/**
 * Spark 3.5's casts between STRING and INT8..INT64 and DATE32 with ANSI off: an input that does not
 * parse gives null, never an error. Null rows stay null.
 *
 * <ul>
 *   <li>string → integral: {@code UTF8String.toLong/toInt/toShort/toByte}. Bytes 0x00..0x20 and 0x7F
 *       are trimmed at both ends (not other Unicode white space); one optional sign; digits; an
 *       optional {@code .} followed by digits only, which are dropped ({@code "1.9"} → 1, {@code
 *       "1."} → 1, and as in Spark {@code "."} → 0 and {@code "-.5"} → 0); no exponent, no hex;
 *       a value outside the target type → null (TINYINT/SMALLINT parse as INT first).
 *   <li>string → date: {@code DateTimeUtils.stringToDate}: the same trimming, an optional sign,
 *       {@code yyyy} (4 to 7 digits), {@code yyyy-[m]m}, {@code yyyy-[m]m-[d]d}, after a full date
 *       anything following {@code ' '} or {@code 'T'}; an impossible date → null.
 *   <li>integral → string: {@code Long.toString}.
 *   <li>date → string: {@code yyyy-MM-dd}, proleptic Gregorian, as java.time's {@code uuuu-MM-dd}
 *       (Spark's default date formatter): years 0..9999 with 4 digits, later years with a {@code +}
 *       sign, years before 0 (1 BC is year 0) with {@code -} and at least 4 digits.
 *   <li>string → double / float: {@code Double.parseDouble} / {@code Float.parseFloat} of the decoded
 *       text (which trims code units up to 0x20 and takes Java's syntax: signs, {@code "1."}, {@code
 *       ".5"}, exponents, {@code d}/{@code f} suffixes, hex floats, {@code "NaN"}, {@code
 *       "Infinity"}), else Spark's special literals {@code inf}, {@code infinity}, {@code nan} in any
 *       case ({@code inf}/{@code infinity} with an optional sign), else null. See {@link #toFloating}.
 * </ul>
 *
 * <p>Not provided: FLOAT/DOUBLE to STRING (Java's shortest-representation {@code Double.toString} is
 * not reproduced here); the planner keeps that cast on the CPU.
 */
public final class StringCasts {
    private StringCasts() {}

    /** Cast(string AS TINYINT/SMALLINT/INT/BIGINT); {@code target} one of INT8..INT64. */
    public static Column toIntegral(Device device, Column input, DType target, Stream stream) {
        check(device, input, stream);
        int width = integralWidth(target);
        long n = input.rowCount();
        return StringResults.fixed(device, target, n, StringCastKernels.toIntegral(width),
                (out, v) -> args(out, v, input).i64(n), stream);
    }

    /** Cast(string AS DATE). */
    public static Column toDate(Device device, Column input, Stream stream) {
        check(device, input, stream);
        long n = input.rowCount();
        return StringResults.fixed(device, DType.DATE32, n, StringCastKernels.TO_DATE32,
                (out, v) -> args(out, v, input).i64(n), stream);
    }

    /**
     * Cast(string AS DOUBLE) ({@code target} FLOAT64) or Cast(string AS FLOAT) (FLOAT32), always
     * Spark's result. A kernel decides the rows whose result it can prove: the special literals,
     * text no Java parse can accept, and plain decimals on Clinger's fast path (at most 15
     * significant digits and a decimal exponent within ±22 for double, 7 and ±10 for float, where
     * one correctly rounded multiply or divide is exact rounding). It flags every other row (more
     * digits, larger exponents, suffixes, hex floats, non-ASCII text); when there are any, those rows
     * are copied to the host, parsed with Java's own parser and scattered back. Costs one kernel and
     * an 8-byte read, plus a compaction, a gather and a small round trip when rows are flagged.
     */
    public static Column toFloating(Device device, Column input, DType target, Stream stream) {
        check(device, input, stream);
        requireNonNull(target, "target is null");
        boolean f64 = switch (target.id()) {
            case FLOAT64 -> true;
            case FLOAT32 -> false;
            default -> throw new IllegalArgumentException("toFloating casts to FLOAT32 or FLOAT64, not " + target);
        };
        long n = input.rowCount();
        try (DeviceBuffer flags = device.allocate(n, stream); DeviceBuffer count = device.allocate(8, stream)) {
            device.memset(count.address(), (byte) 0, 8, stream);
            Column out = StringResults.fixed(device, target, n, f64 ? StringFloatKernels.TO_F64
                    : StringFloatKernels.TO_F32, (o, v) -> KernelArgs.create().ptr(o).ptr(v).ptr(flags.address())
                            .ptr(count.address()).ptr(input.offsetsAddress()).ptr(input.dataAddress())
                            .ptr(input.validityAddress()).i64(n), stream);
            try {
                if (StringResults.readLong(device, count.address(), stream) > 0) {
                    StringResults.onHost(device, input, flags.address(), stream,
                            (rows, values) -> patchFloating(device, out, rows, values, f64, stream));
                }
                return out;
            } catch (RuntimeException | Error e) {
                out.close();
                throw e;
            }
        }
    }

    /** Java's parse of the flagged rows, scattered into {@code out} (data and validity). */
    private static Void patchFloating(Device device, Column out, Compaction.Selected rows, byte[][] values,
            boolean f64, Stream stream) {
        int count = values.length;
        byte[] bits = new byte[Math.toIntExact(Bitmaps.bitmapBytes(count))];
        double[] doubles = new double[count];
        float[] floats = new float[count];
        for (int i = 0; i < count; i++) {
            String text = new String(values[i], StandardCharsets.UTF_8);
            // Not a conditional expression: it would unbox a null result.
            Number v;
            if (f64) {
                v = SparkFloatParsing.toDouble(text);
            } else {
                v = SparkFloatParsing.toFloat(text);
            }
            if (v != null) {
                bits[i >>> 3] |= (byte) (1 << (i & 7));
                doubles[i] = v.doubleValue();
                floats[i] = v.floatValue();
            }
        }
        try (DeviceBuffer data = f64 ? DeviceArrays.upload(device, doubles) : DeviceArrays.upload(device, floats);
                DeviceBuffer validity = DeviceArrays.upload(device, bits)) {
            Scatter.scatter(device, data.address(), validity.address(), count, f64 ? 8 : 4, rows.indices().address(),
                    out.dataAddress(), out.validityAddress(), out.rowCount(), stream);
            // The uploads are freed on the default stream: the scatter must be done with them first.
            stream.synchronize();
        }
        return null;
    }

    /** {@link #fromIntegral(Device, Column, long, Stream)} with the limit {@link Strings#MAX_BYTES}. */
    public static Column fromIntegral(Device device, Column input, Stream stream) {
        return fromIntegral(device, input, Strings.MAX_BYTES, stream);
    }

    /** Cast(INT8..INT64 AS STRING). */
    public static Column fromIntegral(Device device, Column input, long maxBytes, Stream stream) {
        requireNonNull(input, "input is null");
        int width = integralWidth(input.type());
        return toText(device, input, maxBytes, StringCastKernels.integralSizes(width),
                StringCastKernels.integralChars(width), stream);
    }

    /** {@link #fromDate(Device, Column, long, Stream)} with the limit {@link Strings#MAX_BYTES}. */
    public static Column fromDate(Device device, Column input, Stream stream) {
        return fromDate(device, input, Strings.MAX_BYTES, stream);
    }

    /** Cast(DATE AS STRING). */
    public static Column fromDate(Device device, Column input, long maxBytes, Stream stream) {
        requireNonNull(input, "input is null");
        if (input.type().id() != DType.TypeId.DATE32) {
            throw new IllegalArgumentException("fromDate takes a DATE32 column, not " + input);
        }
        return toText(device, input, maxBytes, StringCastKernels.DATE32_SIZES, StringCastKernels.DATE32_CHARS,
                stream);
    }

    private static Column toText(Device device, Column input, long maxBytes, String sizes, String chars,
            Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        if (maxBytes < 0 || maxBytes > Strings.MAX_BYTES) {
            throw new IllegalArgumentException("the byte limit must be 0.." + Strings.MAX_BYTES + ", not " + maxBytes);
        }
        long n = input.rowCount();
        if (n >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a string column has at most " + (Integer.MAX_VALUE - 1)
                    + " rows (int32 offsets), not " + n + ": split the batch");
        }
        DeviceBuffer validity = StringResults.copyValidity(device, input, stream);
        Column out = StringResults.twoPass(device, n, maxBytes, "casting to string",
                StringResults.ballotLaunch(device, n), sizes,
                (s, total) -> KernelArgs.create().ptr(s).ptr(total).ptr(input.dataAddress())
                        .ptr(input.validityAddress()).i64(n),
                chars, (c, offsets) -> KernelArgs.create().ptr(c).ptr(offsets).ptr(input.dataAddress()).i64(n),
                validity, stream);
        return out;
    }

    private static int integralWidth(DType type) {
        requireNonNull(type, "type is null");
        return switch (type.id()) {
            case INT8 -> 1;
            case INT16 -> 2;
            case INT32 -> 4;
            case INT64 -> 8;
            default -> throw new IllegalArgumentException("string casts cover INT8, INT16, INT32 and INT64, not "
                    + type + " (FLOAT32/FLOAT64: toFloating)");
        };
    }

    private static KernelArgs args(long out, long validity, Column input) {
        return KernelArgs.create().ptr(out).ptr(validity).ptr(input.offsetsAddress()).ptr(input.dataAddress())
                .ptr(input.validityAddress());
    }

    private static void check(Device device, Column input, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        Strings.requireStrings(input, "input");
    }
}
