package dev.ember.cuda.expr;

import dev.ember.cuda.column.DType;
import java.util.List;

/**
 * Reference semantics written with Java's own operators on boxed values, independent of the
 * emulation: what Spark 3.5 (ANSI off) computes, operation by operation. Arguments are non-null
 * unless a method says otherwise.
 */
final class JavaRef {
    private JavaRef() {}

    static Object add(Object a, Object b) {
        if (a instanceof Byte x) {
            return (byte) (x + (Byte) b);
        }
        if (a instanceof Short x) {
            return (short) (x + (Short) b);
        }
        if (a instanceof Integer x) {
            return x + (Integer) b;
        }
        if (a instanceof Long x) {
            return x + (Long) b;
        }
        if (a instanceof Float x) {
            return x + (Float) b;
        }
        return (Double) a + (Double) b;
    }

    static Object subtract(Object a, Object b) {
        if (a instanceof Byte x) {
            return (byte) (x - (Byte) b);
        }
        if (a instanceof Short x) {
            return (short) (x - (Short) b);
        }
        if (a instanceof Integer x) {
            return x - (Integer) b;
        }
        if (a instanceof Long x) {
            return x - (Long) b;
        }
        if (a instanceof Float x) {
            return x - (Float) b;
        }
        return (Double) a - (Double) b;
    }

    static Object multiply(Object a, Object b) {
        if (a instanceof Byte x) {
            return (byte) (x * (Byte) b);
        }
        if (a instanceof Short x) {
            return (short) (x * (Short) b);
        }
        if (a instanceof Integer x) {
            return x * (Integer) b;
        }
        if (a instanceof Long x) {
            return x * (Long) b;
        }
        if (a instanceof Float x) {
            return x * (Float) b;
        }
        return (Double) a * (Double) b;
    }

    static Object divide(Object a, Object b) {
        if (a instanceof Float x) {
            return x / (Float) b;
        }
        return (Double) a / (Double) b;
    }

    /** Spark's divisor test: {@code b == 0} numerically, so -0.0 counts. */
    static boolean isZero(Object b) {
        return ((Number) b).doubleValue() == 0;
    }

    static Object remainder(Object a, Object b) {
        if (a instanceof Byte x) {
            return (byte) (x % (Byte) b);
        }
        if (a instanceof Short x) {
            return (short) (x % (Short) b);
        }
        if (a instanceof Integer x) {
            return x % (Integer) b;
        }
        if (a instanceof Long x) {
            return x % (Long) b;
        }
        if (a instanceof Float x) {
            return x % (Float) b;
        }
        return (Double) a % (Double) b;
    }

    /** Spark's {@code Pmod.pmod} overloads, transcribed. */
    static Object pmod(Object a, Object b) {
        if (a instanceof Byte x) {
            byte n = (Byte) b;
            int r = x % n;
            return r < 0 ? (byte) ((r + n) % n) : (byte) r;
        }
        if (a instanceof Short x) {
            short n = (Short) b;
            int r = x % n;
            return r < 0 ? (short) ((r + n) % n) : (short) r;
        }
        if (a instanceof Integer x) {
            int n = (Integer) b;
            int r = x % n;
            return r < 0 ? (r + n) % n : r;
        }
        if (a instanceof Long x) {
            long n = (Long) b;
            long r = x % n;
            return r < 0 ? (r + n) % n : r;
        }
        if (a instanceof Float x) {
            float n = (Float) b;
            float r = x % n;
            return r < 0 ? (r + n) % n : r;
        }
        double n = (Double) b;
        double r = (Double) a % n;
        return r < 0 ? (r + n) % n : r;
    }

    static Object negate(Object a) {
        if (a instanceof Byte x) {
            return (byte) -x;
        }
        if (a instanceof Short x) {
            return (short) -x;
        }
        if (a instanceof Integer x) {
            return -x;
        }
        if (a instanceof Long x) {
            return -x;
        }
        if (a instanceof Float x) {
            return -x;
        }
        return -(Double) a;
    }

    static Object abs(Object a) {
        if (a instanceof Byte x) {
            return (byte) Math.abs(x);
        }
        if (a instanceof Short x) {
            return (short) Math.abs(x);
        }
        if (a instanceof Integer x) {
            return Math.abs(x);
        }
        if (a instanceof Long x) {
            return Math.abs(x);
        }
        if (a instanceof Float x) {
            return Math.abs(x);
        }
        return Math.abs((Double) a);
    }

    /**
     * Spark's ordering: adding +0.0 turns -0.0 into 0.0, and the boxed compareTo puts NaN above
     * everything and equal to itself.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a instanceof Float x) {
            return Float.valueOf(x + 0.0f).compareTo((Float) b + 0.0f);
        }
        if (a instanceof Double x) {
            return Double.valueOf(x + 0.0).compareTo((Double) b + 0.0);
        }
        return ((Comparable) a).compareTo(b);
    }

    /** Three-valued AND; either may be null. */
    static Boolean and(Boolean p, Boolean q) {
        if (Boolean.FALSE.equals(p) || Boolean.FALSE.equals(q)) {
            return false;
        }
        return p == null || q == null ? null : Boolean.TRUE;
    }

    /** Three-valued OR; either may be null. */
    static Boolean or(Boolean p, Boolean q) {
        if (Boolean.TRUE.equals(p) || Boolean.TRUE.equals(q)) {
            return true;
        }
        return p == null || q == null ? null : Boolean.FALSE;
    }

    /** Spark's {@code In.eval}; {@code value} may be null, the list may hold nulls. */
    static Boolean in(Object value, List<?> list) {
        if (value == null) {
            return null;
        }
        boolean hasNull = false;
        for (Object literal : list) {
            if (literal == null) {
                hasNull = true;
            } else if (compare(value, literal) == 0) {
                return true;
            }
        }
        return hasNull ? null : Boolean.FALSE;
    }

    /** Spark's non-ANSI cast between boolean and the fixed-width numbers: the JVM's conversions, narrow through int. */
    static Object cast(Object v, DType to) {
        if (v instanceof Float || v instanceof Double) {
            double x = ((Number) v).doubleValue();
            return switch (to.id()) {
                case BOOL8 -> x != 0;
                case INT8 -> (byte) (int) x;
                case INT16 -> (short) (int) x;
                case INT32 -> (int) x;
                case INT64 -> (long) x;
                case FLOAT32 -> (float) x;
                case FLOAT64 -> x;
                default -> throw new IllegalArgumentException(to.toString());
            };
        }
        long x = v instanceof Boolean bool ? (bool ? 1 : 0) : ((Number) v).longValue();
        return switch (to.id()) {
            case BOOL8 -> x != 0;
            case INT8 -> (byte) x;
            case INT16 -> (short) x;
            case INT32 -> (int) x;
            case INT64 -> x;
            case FLOAT32 -> (float) x;
            case FLOAT64 -> (double) x;
            default -> throw new IllegalArgumentException(to.toString());
        };
    }
}
