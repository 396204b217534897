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
import dev.ember.cuda.kernel.StringEditKernels;
import dev.ember.cuda.ops.StringFunctions.ConcatInput;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * More of Spark 3.5's string functions (ANSI off) on STRING columns, with literal operands: locate
 * and instr, lpad and rpad, replace, reverse, repeat, substring_index, initcap, concat_ws and an element
 * of a split by a literal ({@code stredit.cu}).
 * Characters are units as in {@link StringFunctions}; searches compare bytes as {@code UTF8String}
 * does. A null input row gives a null output row; a null operand (a SQL NULL literal) gives null
 * rows. String results are sized exactly first and throw {@link StringSizeLimitException} past
 * {@code maxBytes}; they wait for the stream.
 */
public final class StringEdits {
    /** The operations of {@code ember_str_edit_sizes} / {@code ember_str_edit_chars}. */
    private enum Op {
        LPAD, RPAD, REPLACE, REVERSE, REPEAT, SUBSTRING_INDEX, SPLIT_PART
    }

    private StringEdits() {}

    /**
     * StringLocate(substr, str, pos) with literal substr and pos: {@code str.indexOf(substr, pos - 1) + 1},
     * the 1-based character position of the first occurrence of substr starting at or after character
     * pos, 0 when there is none; 1 for an empty substr (whatever pos is, as Spark); 0 for pos {@code < 1}.
     * INT32, null where str is null; a null substr gives null rows. {@code instr(str, substr)} is pos 1.
     * (Spark gives 0 in every row for a NULL pos; the caller handles that literal.)
     */
    public static Column locate(Device device, Column input, byte[] substr, int pos, Stream stream) {
        check(device, input, stream);
        long n = input.rowCount();
        if (substr == null) {
            return StringResults.allNull(device, DType.INT32, n, stream);
        }
        int start = pos < 1 ? -1 : pos - 1;
        try (DeviceBuffer pat = upload(device, substr)) {
            Column out = StringResults.fixed(device, DType.INT32, n, StringEditKernels.LOCATE,
                    (o, v) -> KernelArgs.create().ptr(o).ptr(v).ptr(input.offsetsAddress()).ptr(input.dataAddress())
                            .ptr(input.validityAddress()).ptr(pat.address()).i32(substr.length).i32(start).i64(n),
                    stream);
            // The pattern is freed on the default stream: the kernel must be done with it first.
            stream.synchronize();
            return out;
        }
    }

    /**
     * StringLPad(str, len, pad): {@code UTF8String.lpad}. With c the characters of a row: len {@code <= c}
     * or an empty pad gives the first len characters (empty for len {@code <= 0}); otherwise pad
     * repeated, its last copy cut, to len - c characters, then the row. A null pad gives null rows.
     */
    public static Column lpad(Device device, Column input, int len, byte[] pad, long maxBytes, Stream stream) {
        return edit(device, input, Op.LPAD, pad, new byte[0], len, maxBytes, "lpad", stream);
    }

    /** StringRPad(str, len, pad): {@code UTF8String.rpad}; as {@link #lpad} with the padding after the row. */
    public static Column rpad(Device device, Column input, int len, byte[] pad, long maxBytes, Stream stream) {
        return edit(device, input, Op.RPAD, pad, new byte[0], len, maxBytes, "rpad", stream);
    }

    /**
     * StringReplace(str, search, replace): {@code UTF8String.replace}: every non-overlapping occurrence
     * of the bytes of search, left to right, replaced by replace; an empty search (or row) gives the row
     * itself. A null search or replace gives null rows.
     */
    public static Column replace(Device device, Column input, byte[] search, byte[] replace, long maxBytes,
            Stream stream) {
        if (replace == null) {
            search = null;
        }
        return edit(device, input, Op.REPLACE, search, replace, 0, maxBytes, "replace", stream);
    }

    /** Reverse(str) of a string: {@code UTF8String.reverse}, the characters in reverse order. */
    public static Column reverse(Device device, Column input, Stream stream) {
        return edit(device, input, Op.REVERSE, new byte[0], new byte[0], 0, Strings.MAX_BYTES, "reverse", stream);
    }

    /** StringRepeat(str, times): {@code UTF8String.repeat}: the row times times; empty for times {@code <= 0}. */
    public static Column repeat(Device device, Column input, int times, long maxBytes, Stream stream) {
        return edit(device, input, Op.REPEAT, new byte[0], new byte[0], times, maxBytes, "repeat", stream);
    }

    /**
     * SubstringIndex(str, delim, count): {@code UTF8String.subStringIndex}: empty for an empty delim or
     * count 0; for count {@code > 0} the bytes before the count-th occurrence of delim from the left,
     * for count {@code < 0} those after the |count|-th from the right (occurrences found one byte after
     * the previous one, so they may overlap); the whole row when delim occurs fewer times. A null delim
     * gives null rows. Spark fails for count {@link Integer#MIN_VALUE}, which is rejected here.
     */
    public static Column substringIndex(Device device, Column input, byte[] delim, int count, Stream stream) {
        if (count == Integer.MIN_VALUE) {
            throw new IllegalArgumentException("substring_index with count Integer.MIN_VALUE fails in Spark");
        }
        return edit(device, input, Op.SUBSTRING_INDEX, delim, new byte[0], count, Strings.MAX_BYTES,
                "substring_index", stream);
    }

    /**
     * One element of StringSplit(str, pattern, limit) for a pattern that is a literal string (no regular
     * expression metacharacters; the caller checks): the row cut at the non-overlapping occurrences of
     * the bytes of delimiter, left to right, as {@code String.split(pattern, limit)} with limit 0 taken as
     * -1 (as Spark does): empty pieces, leading and trailing, are kept, and limit {@code > 0} gives at most
     * limit pieces, the last one the rest of the row. The result is piece {@code element}: 0-based from
     * the start when {@code >= 0}, from the end when negative (-1 the last); null when the array has no
     * such element (and for null rows). The delimiter must not be empty (Spark splits into characters).
     */
    public static Column splitPart(Device device, Column input, byte[] delimiter, int limit, int element,
            Stream stream) {
        requireNonNull(delimiter, "delimiter is null");
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("split by an empty delimiter cuts characters; not supported here");
        }
        return edit(device, input, Op.SPLIT_PART, delimiter, new byte[0], limit, element, Strings.MAX_BYTES,
                "split", stream);
    }

    /**
     * InitCap(str): {@code UTF8String.toLowerCase().toTitleCase()}: lower case, then the first byte
     * and every byte after a space ({@code ' '} only) title-cased. Rows of ASCII (and malformed bytes
     * outside 0xC2..0xF4) are mapped on the GPU; Spark maps a row holding a multi-byte character with
     * {@code java.lang.String}'s case mappings (the JVM's default locale for the lower case), so those
     * rows are copied to the host, mapped with the same Java calls and merged back, as {@link
     * StringFunctions#lower} does.
     */
    public static Column initcap(Device device, Column input, Stream stream) {
        check(device, input, stream);
        long n = input.rowCount();
        try (DeviceBuffer flags = device.allocate(n, stream); DeviceBuffer count = device.allocate(8, stream)) {
            device.memset(count.address(), (byte) 0, 8, stream);
            Column ascii = sameShape(device, input, stream);
            long flagged;
            try {
                if (n > 0) {
                    device.kernel(StringEditKernels.INITCAP_ASCII).launch(
                            LaunchConfig.gridStride(n, device.multiProcessorCount()),
                            KernelArgs.create().ptr(ascii.dataAddress()).ptr(flags.address()).ptr(count.address())
                                    .ptr(input.offsetsAddress()).ptr(input.dataAddress()).ptr(input.validityAddress())
                                    .i64(n), stream);
                }
                flagged = StringResults.readLong(device, count.address(), stream);
            } catch (RuntimeException | Error e) {
                ascii.close();
                throw e;
            }
            if (flagged == 0) {
                return ascii;
            }
            try (Column owned = ascii) {
                return patchRows(device, input, owned, flags, stream);
            }
        }
    }

    /** A new STRING column with the input's offsets and validity and uninitialized bytes. */
    private static Column sameShape(Device device, Column input, Stream stream) {
        long n = input.rowCount();
        DeviceBuffer chars = device.allocate(input.dataBytes(), stream);
        DeviceBuffer offsets = null;
        DeviceBuffer validity = null;
        try {
            offsets = device.allocate(Column.offsetsBytes(n), stream);
            device.copyDeviceToDevice(input.offsetsAddress(), offsets.address(), Column.offsetsBytes(n), stream);
            validity = StringResults.copyValidity(device, input, stream);
        } catch (RuntimeException | Error e) {
            StringResults.closeAll(e, chars, offsets, validity);
            throw e;
        }
        long nulls = validity == null ? 0 : input.isNullCountKnown() ? input.nullCount() : Column.UNKNOWN_NULL_COUNT;
        return Column.createStrings(n, offsets, chars, input.dataBytes(), validity, nulls);
    }

    /** Replaces the flagged rows of {@code ascii} by Java's initcap of the same rows of {@code input}. */
    private static Column patchRows(Device device, Column input, Column ascii, DeviceBuffer flags, Stream stream) {
        long n = input.rowCount();
        return StringResults.onHost(device, input, flags.address(), stream, (rows, values) -> {
            for (int i = 0; i < values.length; i++) {
                // UTF8String.toLowerCaseSlow: the default locale, as Spark; then toTitleCase.
                String lower = new String(values[i], StandardCharsets.UTF_8).toLowerCase(Locale.getDefault());
                values[i] = titleCase(lower.getBytes(StandardCharsets.UTF_8));
            }
            try (Column patched = StringResults.upload(device, values);
                    Column both = Strings.concat(device, List.of(ascii, patched), stream);
                    DeviceBuffer map = Fill.sequenceInt(device, n, 0, 1, stream);
                    DeviceBuffer targets = Fill.sequenceInt(device, rows.count(), (int) n, 1, stream)) {
                Scatter.scatter(device, targets.address(), 0, rows.count(), 4, rows.indices().address(),
                        map.address(), 0, n, stream);
                return Strings.gather(device, both, map, n, Strings.MAX_BYTES, stream);
            }
        });
    }

    /** UTF8String.toTitleCase of UTF-8 bytes: title-cases bytes at word starts, or Java chars when one is not ASCII. */
    static byte[] titleCase(byte[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            if (i == 0 || b[i - 1] == ' ') {
                int v = b[i] & 0xff;
                if (v >= 0xC2 && v <= 0xF4) {
                    return titleCaseSlow(b);
                }
                int t = Character.toTitleCase((int) b[i]);
                if (t > 127) {
                    return titleCaseSlow(b);
                }
                out[i] = (byte) t;
            } else {
                out[i] = b[i];
            }
        }
        return out;
    }

    /** UTF8String.toTitleCaseSlow: Character.toTitleCase of the first char and of every char after a space. */
    private static byte[] titleCaseSlow(byte[] b) {
        StringBuilder s = new StringBuilder(new String(b, StandardCharsets.UTF_8));
        for (int i = 0; i < s.length(); i++) {
            if (i == 0 || s.charAt(i - 1) == ' ') {
                s.setCharAt(i, Character.toTitleCase(s.charAt(i)));
            }
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@link #concatWs(Device, byte[], List, long, Stream)} with the limit {@link Strings#MAX_BYTES}. */
    public static Column concatWs(Device device, byte[] separator, List<ConcatInput> inputs, Stream stream) {
        return concatWs(device, separator, inputs, Strings.MAX_BYTES, stream);
    }

    /**
     * ConcatWs(separator, inputs...) of STRING columns and scalars: each row joins its non-null inputs
     * with the separator ("" when all are null); a null scalar is skipped everywhere. Every row is valid,
     * unless the separator is null, which gives null rows. At least one input must be a column; all
     * columns have the same row count.
     */
    public static Column concatWs(Device device, byte[] separator, List<ConcatInput> inputs, long maxBytes,
            Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        List<ConcatInput> parts = new ArrayList<>();
        long n = -1;
        for (ConcatInput p : requireNonNull(inputs, "inputs is null")) {
            if (p.column() != null) {
                if (n >= 0 && p.column().rowCount() != n) {
                    throw new IllegalArgumentException("concat_ws columns need the same row count, not " + n + " and "
                            + p.column().rowCount());
                }
                n = p.column().rowCount();
                parts.add(p);
            } else if (p.scalar() != null) {
                parts.add(p);
            }
        }
        if (n < 0) {
            throw new IllegalArgumentException("concat_ws needs at least one column input; fold literals on the host");
        }
        if (separator == null) {
            return StringFunctions.allNullStrings(device, n, stream);
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
                    DeviceBuffer s = upload(device, p.scalar());
                    scalars.add(s);
                    desc[4 * k + 1] = s.address();
                    desc[4 * k + 3] = p.scalar().length;
                }
            }
            long rows = n;
            try (DeviceBuffer d = DeviceArrays.upload(device, desc); DeviceBuffer sep = upload(device, separator)) {
                DeviceBuffer validity = device.allocate(Bitmaps.bitmapBytes(rows), stream);
                Column out = StringResults.twoPass(device, rows, maxBytes, "concat_ws",
                        StringResults.ballotLaunch(device, rows), StringEditKernels.CONCAT_WS_SIZES,
                        (sizes, total) -> KernelArgs.create().ptr(sizes).ptr(validity.address()).ptr(total)
                                .ptr(d.address()).i32(parts.size()).i32(separator.length).i64(rows),
                        StringEditKernels.CONCAT_WS_CHARS,
                        (chars, offsets) -> KernelArgs.create().ptr(chars).ptr(offsets).ptr(d.address())
                                .i32(parts.size()).ptr(sep.address()).i32(separator.length).i64(rows),
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

    private static Column edit(Device device, Column input, Op op, byte[] a, byte[] b, int k, long maxBytes,
            String what, Stream stream) {
        return edit(device, input, op, a, b, b == null ? 0 : b.length, k, maxBytes, what, stream);
    }

    /** An edit whose b_len argument is {@code bLen} (SPLIT_PART's limit) rather than b's length. */
    private static Column edit(Device device, Column input, Op op, byte[] a, byte[] b, int bLen, int k,
            long maxBytes, String what, Stream stream) {
        check(device, input, stream);
        long n = input.rowCount();
        if (a == null || b == null) {
            return StringFunctions.allNullStrings(device, n, stream);
        }
        try (DeviceBuffer x = upload(device, a); DeviceBuffer y = upload(device, b)) {
            DeviceBuffer validity = device.allocate(Bitmaps.bitmapBytes(n), stream);
            Column out = StringResults.twoPass(device, n, maxBytes, what, StringResults.ballotLaunch(device, n),
                    StringEditKernels.EDIT_SIZES,
                    (sizes, total) -> KernelArgs.create().ptr(sizes).ptr(validity.address()).ptr(total)
                            .ptr(input.offsetsAddress()).ptr(input.dataAddress()).ptr(input.validityAddress())
                            .ptr(x.address()).i32(a.length).ptr(y.address()).i32(bLen).i32(k)
                            .i32(op.ordinal()).i64(n),
                    StringEditKernels.EDIT_CHARS,
                    (chars, offsets) -> KernelArgs.create().ptr(chars).ptr(offsets).ptr(input.offsetsAddress())
                            .ptr(input.dataAddress()).ptr(x.address()).i32(a.length).ptr(y.address())
                            .i32(bLen).i32(k).i32(op.ordinal()).i64(n),
                    validity, stream);
            stream.synchronize();
            return out;
        }
    }

    /** A literal on the device; an empty one as one byte, so that its pointer is never 0. */
    private static DeviceBuffer upload(Device device, byte[] utf8) {
        return DeviceArrays.upload(device, utf8.length == 0 ? new byte[1] : utf8);
    }

    private static void check(Device device, Column input, Stream stream) {
        requireNonNull(device, "device is null");
        requireNonNull(stream, "stream is null");
        Strings.requireStrings(input, "input");
    }
}
