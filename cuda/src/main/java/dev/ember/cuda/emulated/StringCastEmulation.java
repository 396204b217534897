package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.StringCastKernels.DATE32_CHARS;
import static dev.ember.cuda.kernel.StringCastKernels.DATE32_SIZES;
import static dev.ember.cuda.kernel.StringCastKernels.TO_DATE32;

import dev.ember.cuda.emulated.EmulatedStrings.Rows;
import dev.ember.cuda.kernel.KernelArgs;
import dev.ember.cuda.kernel.LaunchConfig;
import dev.ember.cuda.kernel.StringCastKernels;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Emulations of {@code strcast.cu}, sequentially. */
final class StringCastEmulation {
    private StringCastEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        Map<String, KernelEmulation> map = new HashMap<>();
        for (int width : new int[] {1, 2, 4, 8}) {
            map.put(StringCastKernels.toIntegral(width), (cfg, a, m) -> toIntegral(a, m, width));
            map.put(StringCastKernels.integralSizes(width), (cfg, a, m) -> sizes(a, m, width, false));
            map.put(StringCastKernels.integralChars(width), (cfg, a, m) -> chars(a, m, width, false));
        }
        map.put(TO_DATE32, StringCastEmulation::toDate);
        map.put(DATE32_SIZES, (cfg, a, m) -> sizes(a, m, 4, true));
        map.put(DATE32_CHARS, (cfg, a, m) -> chars(a, m, 4, true));
        return Map.copyOf(map);
    }

    private static boolean space(byte b) {
        return (b >= 0 && b <= 0x20) || b == 0x7f;
    }

    /** UTF8String.toLong / toInt with allowDecimal into [lo, hi], or null. */
    static Long parseIntegral(byte[] s, int from, int len, long lo, long hi) {
        int p = from;
        int last = from + len;
        while (p < last && space(s[p])) {
            p++;
        }
        if (p == last) {
            return null;
        }
        int end = last - 1;
        while (end > p && space(s[end])) {
            end--;
        }
        boolean negative = s[p] == '-';
        if (negative || s[p] == '+') {
            if (end == p) {
                return null;
            }
            p++;
        }
        long stop = lo / 10;
        long result = 0;
        while (p <= end) {
            byte b = s[p++];
            if (b == '.') {
                break;
            }
            if (b < '0' || b > '9') {
                return null;
            }
            int digit = b - '0';
            if (result < stop || result * 10 < lo + digit) {
                return null;
            }
            result = result * 10 - digit;
        }
        for (; p <= end; p++) {
            if (s[p] < '0' || s[p] > '9') {
                return null;
            }
        }
        if (!negative) {
            if (result < -hi) {
                return null;
            }
            result = -result;
        }
        return result;
    }

    private static void toIntegral(KernelArgs a, EmulatedMemory m, int width) {
        long out = a.ptrAt(0), outValidity = a.ptrAt(1), n = a.i64At(5);
        if (n == 0) {
            return;
        }
        Rows rows = EmulatedStrings.read(m, a.ptrAt(2), a.ptrAt(3), a.ptrAt(4), n);
        long lo = width == 8 ? Long.MIN_VALUE : Integer.MIN_VALUE;
        long hi = width == 8 ? Long.MAX_VALUE : Integer.MAX_VALUE;
        long narrowLo = width == 1 ? Byte.MIN_VALUE : width == 2 ? Short.MIN_VALUE : lo;
        long narrowHi = width == 1 ? Byte.MAX_VALUE : width == 2 ? Short.MAX_VALUE : hi;
        m.check(out, n * width);
        boolean[] valid = new boolean[(int) n];
        for (int i = 0; i < n; i++) {
            Long v = rows.valid()[i] ? parseIntegral(rows.chars(), rows.start(i), rows.length(i), lo, hi) : null;
            valid[i] = v != null && v >= narrowLo && v <= narrowHi;
            long value = valid[i] ? v : 0;
            switch (width) {
                case 1 -> m.putByte(out + i, (byte) value);
                case 2 -> m.putShort(out + i * 2L, (short) value);
                case 4 -> m.putInt(out + i * 4L, (int) value);
                default -> m.putLong(out + i * 8L, value);
            }
        }
        EmulatedStrings.writeValidity(m, outValidity, valid);
    }

    private static boolean isLeap(long y) {
        return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    }

    private static long daysInMonth(long y, long m) {
        if (m == 2) {
            return isLeap(y) ? 29 : 28;
        }
        return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
    }

    static long daysFromCivil(long y, long m, long d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    /** DateTimeUtils.stringToDate as strcast.cu documents it, or null. */
    static Integer parseDate(byte[] s, int from, int len) {
        int j = from;
        int end = from + len;
        while (j < end && space(s[j])) {
            j++;
        }
        while (end > j && space(s[end - 1])) {
            end--;
        }
        if (j == end) {
            return null;
        }
        long sign = 1;
        if (s[j] == '-' || s[j] == '+') {
            sign = s[j] == '-' ? -1 : 1;
            j++;
        }
        long[] seg = {1, 1, 1};
        long value = 0;
        int segment = 0;
        int digits = 0;
        for (; j < end && s[j] != ' ' && s[j] != 'T'; j++) {
            byte b = s[j];
            if (segment < 2 && b == '-') {
                if (!validDigits(segment, digits)) {
                    return null;
                }
                seg[segment++] = value;
                value = 0;
                digits = 0;
            } else {
                if (b < '0' || b > '9') {
                    return null;
                }
                if (digits < 8) {
                    value = value * 10 + (b - '0');
                }
                digits++;
            }
        }
        if (!validDigits(segment, digits) || (segment < 2 && j < end)) {
            return null;
        }
        seg[segment] = value;
        long y = seg[0] * sign;
        long mo = seg[1];
        long d = seg[2];
        if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
            return null;
        }
        // localDateToDays: Math.toIntExact of the epoch day; past the int32 range (years beyond
        // about +5881580 / -5877641) Spark's overflow is caught and the cast gives null.
        long days = daysFromCivil(y, mo, d);
        if (days < Integer.MIN_VALUE || days > Integer.MAX_VALUE) {
            return null;
        }
        return (int) days;
    }

    private static boolean validDigits(int segment, int digits) {
        return segment == 0 ? digits >= 4 && digits <= 7 : digits >= 1 && digits <= 2;
    }

    private static void toDate(LaunchConfig cfg, KernelArgs a, EmulatedMemory m) {
        long out = a.ptrAt(0), outValidity = a.ptrAt(1), n = a.i64At(5);
        if (n == 0) {
            return;
        }
        Rows rows = EmulatedStrings.read(m, a.ptrAt(2), a.ptrAt(3), a.ptrAt(4), n);
        m.check(out, n * 4);
        boolean[] valid = new boolean[(int) n];
        for (int i = 0; i < n; i++) {
            Integer v = rows.valid()[i] ? parseDate(rows.chars(), rows.start(i), rows.length(i)) : null;
            valid[i] = v != null;
            m.putInt(out + i * 4L, valid[i] ? v : 0);
        }
        EmulatedStrings.writeValidity(m, outValidity, valid);
    }

    private static long read(EmulatedMemory m, long in, long i, int width) {
        return switch (width) {
            case 1 -> m.getByte(in + i);
            case 2 -> m.getShort(in + i * 2);
            case 4 -> m.getInt(in + i * 4);
            default -> m.getLong(in + i * 8);
        };
    }

    /** The text of a value: Long.toString, or for dates the proleptic "uuuu-MM-dd" (strcast.cu). */
    static byte[] text(long v, boolean date) {
        if (!date) {
            return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        }
        long z = v + 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long mo = mp < 10 ? mp + 3 : mp - 9;
        long y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
        String year = String.format("%04d", Math.abs(y));
        String sign = y < 0 ? "-" : y > 9999 ? "+" : "";
        return String.format("%s%s-%02d-%02d", sign, year, mo, d).getBytes(StandardCharsets.US_ASCII);
    }

    private static void sizes(KernelArgs a, EmulatedMemory m, int width, boolean date) {
        long sizes = a.ptrAt(0), total = a.ptrAt(1), in = a.ptrAt(2), validity = a.ptrAt(3), n = a.i64At(4);
        m.check(sizes, (n + 1) * 4);
        m.putInt(sizes + n * 4, 0);
        if (n == 0) {
            return;
        }
        m.check(in, n * width);
        boolean[] valid = EmulatedStrings.readValidity(m, validity, (int) n);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            int size = valid[i] ? text(read(m, in, i, width), date).length : 0;
            m.putInt(sizes + i * 4L, size);
            sum += size;
        }
        EmulatedStrings.addLong(m, total, sum);
    }

    private static void chars(KernelArgs a, EmulatedMemory m, int width, boolean date) {
        long outChars = a.ptrAt(0), outOffsets = a.ptrAt(1), in = a.ptrAt(2), n = a.i64At(3);
        if (n == 0) {
            return;
        }
        m.check(outOffsets, (n + 1) * 4);
        m.check(in, n * width);
        for (long i = 0; i < n; i++) {
            int at = m.getInt(outOffsets + i * 4);
            int len = m.getInt(outOffsets + i * 4 + 4) - at;
            if (len > 0) {
                byte[] t = text(read(m, in, i, width), date);
                if (t.length != len) {
                    throw new IllegalStateException("row " + i + " has " + len + " bytes for a text of " + t.length);
                }
                EmulatedStrings.writeBytes(m, outChars + at, t);
            }
        }
    }
}
