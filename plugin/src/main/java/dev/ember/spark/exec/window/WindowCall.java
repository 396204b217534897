package dev.ember.spark.exec.window;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One column a window operator computes with the window kernels: a ranking function, the value or
 * the gather map of a lag/lead, or an aggregate over a frame. The columns of a {@link WindowPlan}
 * are these results, which its final expressions combine (an average divides its SUM by its COUNT;
 * a lag with a default picks the default where the gather map is -1).
 *
 * @param function what is computed
 * @param input the column the function reads (child columns, then the plan's evaluated inputs), or -1
 * @param parameter ntile's bucket count or lag/lead's row offset (lag negative), else 0
 * @param frame the frame of an aggregate, else null
 */
record WindowCall(Function function, int input, long parameter, Frame frame) implements Serializable {
    /** The functions of the window kernels. */
    enum Function {
        ROW_NUMBER,
        RANK,
        DENSE_RANK,
        PERCENT_RANK,
        CUME_DIST,
        NTILE,
        /** The input's value at the row {@code parameter} rows away in the group, or null. */
        OFFSET_VALUE,
        /** That row's index (INT32, -1 outside the group). */
        OFFSET_MAP,
        SUM,
        COUNT,
        MIN,
        MAX;

        boolean isAggregate() {
            return ordinal() >= SUM.ordinal();
        }

        boolean needsPeers() {
            return this == RANK || this == DENSE_RANK || this == PERCENT_RANK || this == CUME_DIST;
        }
    }

    /**
     * A frame: ROWS (offsets in rows) or RANGE (offsets added to the one order column's value).
     *
     * @param lower null for UNBOUNDED PRECEDING, 0 for CURRENT ROW, else the offset (preceding negative):
     *     a Long for ROWS and for integral, date, timestamp and DECIMAL64 order columns (unscaled), a
     *     Double for float order columns
     * @param upper null for UNBOUNDED FOLLOWING, else as {@code lower}
     */
    record Frame(boolean rows, Number lower, Number upper) implements Serializable {
        boolean isWholeGroup() {
            return lower == null && upper == null;
        }

        /** UNBOUNDED PRECEDING to CURRENT ROW. */
        boolean isRunning() {
            return lower == null && upper != null && upper.doubleValue() == 0.0;
        }

        /** Whether an end is a value offset (not unbounded or current row) of a RANGE frame. */
        boolean hasRangeOffset() {
            return !rows && (isOffset(lower) || isOffset(upper));
        }

        private static boolean isOffset(Number bound) {
            return bound != null && bound.doubleValue() != 0.0;
        }

        @Override
        public String toString() {
            return (rows ? "ROWS" : "RANGE") + " BETWEEN " + (lower == null ? "UNBOUNDED" : lower) + " AND "
                    + (upper == null ? "UNBOUNDED" : upper);
        }
    }

    WindowCall {
        requireNonNull(function, "function is null");
        if (function.isAggregate() && frame == null) {
            throw new IllegalArgumentException(function + " needs a frame");
        }
    }

    boolean needsPeers() {
        return function.needsPeers() || (frame != null && !frame.rows() && !frame.isWholeGroup());
    }
}
