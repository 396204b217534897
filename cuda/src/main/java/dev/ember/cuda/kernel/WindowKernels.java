package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import dev.ember.cuda.column.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code window.cu}: window functions over rows sorted by (partition keys, order keys): segment bounds
 * (partition and peer groups), ranking, lag/lead gather maps, ROWS and RANGE frame bounds, frame
 * aggregates (prefix sums for integer SUM and COUNT, a loop over the frame for float SUM and MIN/MAX), and
 * the chunked segmented scan of running aggregates. The contracts are in {@code window.cu}.
 */
public final class WindowKernels {
    /** Elements per chunk of the segmented scan; must equal {@code WINDOW_SCAN_CHUNK} in window.cu. */
    public static final int SCAN_CHUNK = 64;

    /** Frame bound kinds of the {@code kinds} argument (two bits per bound: lower, then upper). */
    public static final int BOUND_UNBOUNDED = 0;
    public static final int BOUND_CURRENT_ROW = 1;
    public static final int BOUND_OFFSET = 2;
    public static final int RANGE_DESCENDING = 16;
    public static final int RANGE_NULLS_FIRST = 32;

    public static final String BOUNDARIES = "ember_window_boundaries";
    public static final String SEGMENT_STARTS = "ember_window_segment_starts";
    public static final String SEGMENT_BOUNDS = "ember_window_segment_bounds";
    public static final String HEAD_FLAGS = "ember_window_head_flags";
    public static final String ROW_NUMBER = "ember_window_row_number";
    public static final String RANK = "ember_window_rank";
    public static final String DENSE_RANK = "ember_window_dense_rank";
    public static final String PERCENT_RANK = "ember_window_percent_rank";
    public static final String CUME_DIST = "ember_window_cume_dist";
    public static final String NTILE = "ember_window_ntile";
    public static final String OFFSET_MAP = "ember_window_offset_map";
    public static final String LAST_MAP = "ember_window_last_map";
    public static final String ROWS_FRAME = "ember_window_rows_frame";
    public static final String PREFIX_COUNTS = "ember_window_prefix_counts";
    public static final String FRAME_SUM_I64 = "ember_window_frame_sum_i64";
    public static final String FRAME_COUNT = "ember_window_frame_count";
    public static final String SCAN_PREP_SUM_F32 = "ember_window_scan_prep_sum_f32";
    public static final String SCAN_PREP_SUM_F64 = "ember_window_scan_prep_sum_f64";
    public static final String SCAN_CHUNKS_SUM_F64 = "ember_window_scan_chunks_sum_f64";
    public static final String SCAN_FIXUP_SUM_F64 = "ember_window_scan_fixup_sum_f64";
    public static final String STATE_VALIDITY = "ember_window_state_validity";

    /** Type suffixes of the per-type kernels. */
    public static final List<String> RANGE_TYPES = List.of("i8", "i16", "i32", "i64", "dec64", "f32", "f64");
    public static final List<String> INT_TYPES = List.of("i8", "i16", "i32", "i64");
    public static final List<String> FLOAT_TYPES = List.of("f32", "f64");
    public static final List<String> MINMAX_TYPES = List.of("i8", "i16", "i32", "i64", "f32", "f64");

    public static final KernelFamily FAMILY = KernelFamily.of("window", specs());

    private WindowKernels() {}

    public static String rangeFrame(String type) {
        return "ember_window_range_frame_" + type;
    }

    public static String prefixSums(String type) {
        return "ember_window_prefix_sums_" + type;
    }

    public static String frameSum(String floatType) {
        return "ember_window_frame_sum_" + floatType;
    }

    public static String frameMinMax(String type) {
        return "ember_window_frame_minmax_" + type;
    }

    public static String scanPrep(String type) {
        return "ember_window_scan_prep_" + type;
    }

    public static String scanChunksMinMax(String type) {
        return "ember_window_scan_chunks_minmax_" + type;
    }

    public static String scanFixupMinMax(String type) {
        return "ember_window_scan_fixup_minmax_" + type;
    }

    /**
     * The kernel type suffix of a column type for MIN/MAX and RANGE frames: DATE32 as i32, TIMESTAMP_US as
     * i64; DECIMAL64 as i64 for MIN/MAX ({@code rangeType} gives dec64 for RANGE frames); null for types
     * without kernels.
     */
    public static String minMaxType(DType type) {
        return switch (type.id()) {
            case INT8 -> "i8";
            case INT16 -> "i16";
            case INT32, DATE32 -> "i32";
            case INT64, TIMESTAMP_US, DECIMAL64 -> "i64";
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            default -> null;
        };
    }

    /** The RANGE frame kernel suffix of an order column type, or null when RANGE offsets are not supported. */
    public static String rangeType(DType type) {
        return type.id() == DType.TypeId.DECIMAL64 ? "dec64" : minMaxType(type);
    }

    private static List<KernelSpec> specs() {
        List<KernelSpec> s = new ArrayList<>();
        s.add(spec(BOUNDARIES, PTR, PTR, I32, PTR, I64));
        s.add(spec(SEGMENT_STARTS, PTR, PTR, PTR, I64));
        s.add(spec(SEGMENT_BOUNDS, PTR, PTR, PTR, PTR, PTR, I64));
        s.add(spec(HEAD_FLAGS, PTR, PTR, I64));
        s.add(spec(ROW_NUMBER, PTR, PTR, I64));
        s.add(spec(RANK, PTR, PTR, PTR, I64));
        s.add(spec(DENSE_RANK, PTR, PTR, PTR, PTR, I64));
        s.add(spec(PERCENT_RANK, PTR, PTR, PTR, PTR, I64));
        s.add(spec(CUME_DIST, PTR, PTR, PTR, PTR, I64));
        s.add(spec(NTILE, PTR, PTR, PTR, I32, I64));
        s.add(spec(OFFSET_MAP, PTR, PTR, PTR, I64, I64));
        s.add(spec(LAST_MAP, PTR, PTR, I64));
        s.add(spec(ROWS_FRAME, PTR, PTR, PTR, PTR, I64, I64, I32, I64));
        for (String t : RANGE_TYPES) {
            s.add(spec(rangeFrame(t), PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I64, I64, I32, I64));
        }
        for (String t : INT_TYPES) {
            s.add(spec(prefixSums(t), PTR, PTR, PTR, I64));
        }
        s.add(spec(PREFIX_COUNTS, PTR, PTR, I64));
        s.add(spec(FRAME_SUM_I64, PTR, PTR, PTR, PTR, PTR, PTR, I64));
        s.add(spec(FRAME_COUNT, PTR, PTR, PTR, PTR, I64));
        for (String t : FLOAT_TYPES) {
            s.add(spec(frameSum(t), PTR, PTR, PTR, PTR, PTR, PTR, I64));
        }
        for (String t : MINMAX_TYPES) {
            s.add(spec(frameMinMax(t), PTR, PTR, PTR, PTR, PTR, PTR, I32, I64));
            s.add(spec(scanPrep(t), PTR, PTR, PTR, PTR, PTR, I64));
            s.add(spec(scanChunksMinMax(t), PTR, PTR, PTR, PTR, PTR, PTR, I32, I64));
            s.add(spec(scanFixupMinMax(t), PTR, PTR, PTR, PTR, I32, I64));
        }
        s.add(spec(SCAN_PREP_SUM_F32, PTR, PTR, PTR, PTR, PTR, I64));
        s.add(spec(SCAN_PREP_SUM_F64, PTR, PTR, PTR, PTR, PTR, I64));
        s.add(spec(SCAN_CHUNKS_SUM_F64, PTR, PTR, PTR, PTR, PTR, PTR, I64));
        s.add(spec(SCAN_FIXUP_SUM_F64, PTR, PTR, PTR, PTR, I64));
        s.add(spec(STATE_VALIDITY, PTR, PTR, I64));
        return List.copyOf(s);
    }

    private static KernelSpec spec(String name, ArgType... args) {
        return KernelSpec.of("window", name, args);
    }
}
