// Window functions over a table whose rows are sorted by (partition keys, order keys)
// (dev.ember.cuda.ops.WindowSegments, WindowFunctions, WindowAggregates). Every kernel is a grid-stride
// loop (any launch configuration) unless its contract says otherwise; n is the row count (< 2^31, int32
// row indices); n == 0 writes nothing.
//
// Segments: a segment is a run of adjacent rows; each row i has start[i] (its segment's first row) and
// end[i] (one past its last row), int32. Partition groups and peer groups are segments.
//
// ember_window_boundaries(int32_t* flags, const int64_t* keys, int32_t num_keys, const int32_t* parent_start,
//                         int64_t n)
//   flags[i] = 1 when row i starts a segment: i == 0, or parent_start (may be null) has parent_start[i] == i,
//   or row i differs from row i - 1 on some key column (ember_keys.cuh: null equals null, NaN equals NaN,
//   -0.0 equals 0.0, strings bytewise); else 0. keys: the descriptor of ember_keys.cuh (num_keys >= 0
//   columns; with none only i == 0 and the parent's starts begin segments).
// ember_window_segment_starts(int32_t* seg_start, const int32_t* flags, const int32_t* excl, int64_t n)
//   excl: the exclusive prefix sum of flags. For each i with flags[i] == 1: seg_start[excl[i]] = i; and
//   seg_start[excl[n - 1] + flags[n - 1]] = n (so seg_start has segments + 1 entries).
// ember_window_segment_bounds(int32_t* start, int32_t* end, const int32_t* flags, const int32_t* excl,
//                             const int32_t* seg_start, int64_t n)
//   s = excl[i] + flags[i] - 1 (row i's segment): start[i] = seg_start[s], end[i] = seg_start[s + 1].
// ember_window_head_flags(int32_t* flags, const int32_t* start, int64_t n)
//   flags[i] = start[i] == i ? 1 : 0.
//
// Ranking (gs/ge: the partition group's start/end, ps/pe: the peer group's):
// ember_window_row_number(int32_t* out, const int32_t* gs, int64_t n)      out[i] = i - gs[i] + 1
// ember_window_rank(int32_t* out, const int32_t* gs, const int32_t* ps, int64_t n)   out[i] = ps[i] - gs[i] + 1
// ember_window_dense_rank(int32_t* out, const int32_t* gs, const int32_t* flags, const int32_t* excl, int64_t n)
//   flags: the head flags of the peer groups, excl their exclusive prefix sum:
//   out[i] = excl[i] + flags[i] - excl[gs[i]] (the peer groups from the group's first row to row i).
// ember_window_percent_rank(double* out, const int32_t* gs, const int32_t* ge, const int32_t* ps, int64_t n)
//   out[i] = ge - gs > 1 ? (double)(ps - gs) / (double)(ge - gs - 1) : 0.0.
// ember_window_cume_dist(double* out, const int32_t* gs, const int32_t* ge, const int32_t* pe, int64_t n)
//   out[i] = (double)(pe - gs) / (double)(ge - gs).
// ember_window_ntile(int32_t* out, const int32_t* gs, const int32_t* ge, int32_t k, int64_t n)
//   Spark 3.5's NTile(k), k > 0: size = ge - gs, q = size / k, r = size % k, row j = i - gs: the first r
//   buckets have q + 1 rows, the others q; out[i] = j < r * (q + 1) ? j / (q + 1) + 1 : r + (j - r * (q + 1)) / q + 1.
//
// Offsets:
// ember_window_offset_map(int32_t* out, const int32_t* gs, const int32_t* ge, int64_t offset, int64_t n)
//   j = i + offset (64-bit): out[i] = gs[i] <= j < ge[i] ? j : -1 (lag: offset < 0, lead: offset > 0).
// ember_window_last_map(int32_t* out, const int32_t* end, int64_t n)      out[i] = end[i] - 1.
//
// Frames: a frame is [fs[i], fe[i]) within row i's group; fs >= fe is an empty frame (the kernels write
// fe = max(fs, fe)). Bound kinds in `kinds`: bits 0-1 the lower bound, bits 2-3 the upper bound, each 0
// unbounded (group start / group end), 1 current row, 2 offset.
// ember_window_rows_frame(int32_t* fs, int32_t* fe, const int32_t* gs, const int32_t* ge, int64_t lower,
//                         int64_t upper, int32_t kinds, int64_t n)
//   ROWS frame: fs = clamp(i + lower, gs, ge), fe = clamp(i + upper + 1, gs, ge) (current row: offset 0).
// ember_window_range_frame_<t>(int32_t* fs, int32_t* fe, const int32_t* gs, const int32_t* ge,
//                              const int32_t* ps, const int32_t* pe, const T* values, const uint8_t* validity,
//                              int64_t lower, int64_t upper, int32_t kinds, int64_t n)
//   RANGE frame over one order column, sorted within each group (kinds bit 4: descending, bit 5: nulls
//   first). <t>: i8, i16, i32 (DATE32), i64 (TIMESTAMP_US), dec64 (DECIMAL64), f32, f64. Offsets: the
//   integer value for the integer types (the column's unit or unscaled value), the bits of a double for
//   f32 / f64 (f32 rounds it to float). Current-row bounds are the peer bounds ps / pe. An unbounded
//   lower bound is gs, an unbounded upper bound ge. Offset bounds, as Spark's RangeBoundOrdering: the
//   bound value is b = v_i + (descending ? -offset : offset) (wrapping in the type's width for i8..i64
//   like Spark's non-ANSI Add, exact for dec64, float / double addition for f32 / f64); the lower frame
//   bound is the first row j of the group's non-null rows whose value is not before b in the column's
//   direction, the upper bound the first such row after b (values ordered as Spark: NaN greatest and
//   equal to NaN, -0.0 equal to 0.0). A row with a null value (its bound value is null too) has for an
//   offset bound the bounds of the null rows of its group (nulls sort together, first or last).
//
// Aggregates over frames (results: a value array plus a validity bitmap written as whole 32-bit words
// up to (n + 63) / 64 * 8 bytes; these kernels need blockDim.x a multiple of 32):
// ember_window_prefix_sums_<t>(int64_t* sums, const T* values, const uint8_t* validity, int64_t n)
//   <t>: i8, i16, i32, i64. sums[i] = the value sign-extended to 64 bits (0 when null), i < n; sums[n] = 0
//   (so an exclusive scan of n + 1 entries gives every prefix and the total).
// ember_window_prefix_counts(int32_t* counts, const uint8_t* validity, int64_t n)
//   counts[i] = row i is valid ? 1 : 0, i < n; counts[n] = 0.
// ember_window_frame_sum_i64(int64_t* out, uint32_t* out_validity, const int64_t* psums, const int32_t* pcounts,
//                            const int32_t* fs, const int32_t* fe, int64_t n)
//   psums / pcounts: exclusive scans (n + 1 entries). With s = fs[i], e = max(s, fe[i]): valid when
//   pcounts[e] - pcounts[s] > 0, then out[i] = psums[e] - psums[s] (wrapping: the exact wrapped sum);
//   else null with out[i] = 0.
// ember_window_frame_count(int64_t* out, const int32_t* pcounts, const int32_t* fs, const int32_t* fe, int64_t n)
//   out[i] = pcounts[e] - pcounts[s] (never null).
// ember_window_frame_sum_<t>(double* out, uint32_t* out_validity, const T* values, const uint8_t* validity,
//                            const int32_t* fs, const int32_t* fe, int64_t n)
//   <t>: f32, f64. acc = 0.0, then acc = acc + (double)v for each valid row of [s, e) in row order (Spark's
//   Sum: coalesce(sum, 0) + v), a NaN written as the canonical NaN; null (out 0) when the frame has no valid row.
// ember_window_frame_minmax_<t>(T* out, uint32_t* out_validity, const T* values, const uint8_t* validity,
//                               const int32_t* fs, const int32_t* fe, int32_t is_max, int64_t n)
//   <t>: i8, i16, i32, i64, f32, f64. The least / greatest valid value of the frame in Spark's order
//   (floats: NaN greatest, -0.0 equal to 0.0), the first met among equal ones (as Spark's Least /
//   Greatest keep the buffer on ties); a NaN result is written as the canonical NaN; null (out 0) when the
//   frame has no valid row.
//
// Running aggregates (frame = group start .. current row) by a segmented scan in three phases without
// inter-block waiting, over chunks of WINDOW_SCAN_CHUNK consecutive elements. An element is an
// accumulator A (double for sums, T for min/max) plus a state byte: bit 0 valid, bit 1 open (the element
// continues the segment of the element before it; an element without bit 1 starts a segment).
// ember_window_scan_prep_sum_<t>(double* acc, uint8_t* state, const T* values, const uint8_t* validity,
//                                const int32_t* gs, int64_t n)          <t>: f32, f64
//   acc[i] = 0.0 + (double)v (so -0.0 becomes 0.0, as Spark's first addition to 0 does; a NaN as the
//   canonical NaN), 0 when null;
//   state[i] = valid | (gs[i] != i ? 2 : 0).
// ember_window_scan_prep_<t>(T* acc, uint8_t* state, const T* values, const uint8_t* validity, const int32_t* gs,
//                            int64_t n)                               <t>: i8, i16, i32, i64, f32, f64
//   For min / max: acc[i] = v (a NaN as the canonical NaN), 0 when null; state as above.
// ember_window_scan_chunks_<op>(A* acc_out, uint8_t* state_out, A* chunk_acc, uint8_t* chunk_state,
//                               const A* acc_in, const uint8_t* state_in, [int32_t is_max,] int64_t n)
//   <op>: sum_f64 (A double), minmax_<t> (A = T, with is_max). For each chunk c (elements
//   [c * CHUNK, min(n, (c + 1) * CHUNK))), in order: x = element's own accumulator when it starts a
//   segment or is the chunk's first element, else combine(previous x, element); acc_out / state_out[i] = x
//   with bit 1 set when no element of the chunk up to i starts a segment. chunk_acc / chunk_state[c] = the
//   chunk's last x. combine(a, b): valid if either is; sum: a + b when both valid; min / max: b replaces
//   a only when strictly less / greater in Spark's order; a NaN sum is written as the canonical NaN (NaN
//   payloads of additions differ between processors). Inputs and outputs must not overlap.
// ember_window_scan_fixup_<op>(A* acc, uint8_t* state, const A* carry_acc, const uint8_t* carry_state,
//                              [int32_t is_max,] int64_t n)
//   carry: the fully scanned chunk results. For every element i of a chunk c > 0 whose state has bit 1:
//   (acc[i], state[i] & 1) = combine(carry[c - 1], (acc[i], state[i] & 1)); bit 1 is kept.
// ember_window_state_validity(uint32_t* out_validity, const uint8_t* state, int64_t n)
//   The validity bitmap of state bit 0 (whole 32-bit words; blockDim.x a multiple of 32).
#include "ember.cuh"
#include "ember_keys.cuh"
#include <type_traits>

// Must equal WindowKernels.SCAN_CHUNK in Java.
constexpr int WINDOW_SCAN_CHUNK = 64;

namespace {

constexpr uint64_t WIN_NAN_F64 = 0x7ff8000000000000ull;
constexpr uint32_t WIN_NAN_F32 = 0x7fc00000u;

// Spark's order of values: -1, 0, 1. Floats: NaN greatest and equal to NaN, -0.0 equal to 0.0.
template <typename T>
__device__ __forceinline__ int win_cmp(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}
template <>
__device__ __forceinline__ int win_cmp<float>(float a, float b) {
  const bool na = a != a, nb = b != b;
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}
template <>
__device__ __forceinline__ int win_cmp<double>(double a, double b) {
  const bool na = a != a, nb = b != b;
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

template <typename T>
__device__ __forceinline__ T win_canonical(T v) {
  return v;
}
template <>
__device__ __forceinline__ float win_canonical<float>(float v) {
  return v != v ? __uint_as_float(WIN_NAN_F32) : v;
}
template <>
__device__ __forceinline__ double win_canonical<double>(double v) {
  return v != v ? __longlong_as_double(static_cast<long long>(WIN_NAN_F64)) : v;
}

// Writes one validity bit per row as whole 32-bit words: every lane of a warp calls it together.
__device__ __forceinline__ void win_store_valid(uint32_t* out_validity, int64_t i, bool valid) {
  const uint32_t word = __ballot_sync(0xffffffffu, valid);
  if ((threadIdx.x & 31) == 0) out_validity[i >> 5] = word;
}

__device__ __forceinline__ int64_t win_rows_in_words(int64_t n) { return ((n + 63) / 64) * 64; }

__device__ __forceinline__ int32_t win_clamp(int64_t v, int32_t lo, int32_t hi) {
  return static_cast<int32_t>(v < lo ? lo : (v > hi ? hi : v));
}

// ---- Range frames: the bound value of a row, by type. ----
template <typename T>
struct RangeInt {
  using V = T;
  // Wrapping addition in T's width (Spark's non-ANSI Add); negation wraps too.
  __device__ static T bound(T v, int64_t offset, bool negate) {
    using U = typename std::make_unsigned<T>::type;
    U o = static_cast<U>(static_cast<uint64_t>(offset));
    if (negate) o = static_cast<U>(U(0) - o);
    return static_cast<T>(static_cast<U>(static_cast<U>(v) + o));
  }
  __device__ static int cmp(T a, T b) { return win_cmp<T>(a, b); }
};
// DECIMAL64: the unscaled long, bound computed exactly in 128 bits.
struct RangeDec64 {
  using V = __int128;
  __device__ static __int128 bound(int64_t v, int64_t offset, bool negate) {
    const __int128 o = negate ? -static_cast<__int128>(offset) : static_cast<__int128>(offset);
    return static_cast<__int128>(v) + o;
  }
  __device__ static int cmp(int64_t a, __int128 b) {
    const __int128 x = a;
    return x < b ? -1 : (x > b ? 1 : 0);
  }
};
template <typename T>
struct RangeFloat {
  using V = T;
  __device__ static T bound(T v, int64_t offset_bits, bool negate) {
    const T o = static_cast<T>(__longlong_as_double(static_cast<long long>(offset_bits)));
    return negate ? v + (-o) : v + o;
  }
  __device__ static int cmp(T a, T b) { return win_cmp<T>(a, b); }
};

// The first j in [lo, hi) with pred(j) true, pred being monotone (false ... true); hi if none.
template <typename Pred>
__device__ __forceinline__ int32_t win_first(int32_t lo, int32_t hi, Pred pred) {
  while (lo < hi) {
    const int32_t mid = lo + (hi - lo) / 2;
    if (pred(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

template <typename R, typename T>
__device__ void range_frame(int32_t* fs, int32_t* fe, const int32_t* gs, const int32_t* ge, const int32_t* ps,
                            const int32_t* pe, const T* values, const uint8_t* validity, int64_t lower, int64_t upper,
                            int32_t kinds, int64_t n) {
  const int lower_kind = kinds & 3;
  const int upper_kind = (kinds >> 2) & 3;
  const bool descending = (kinds & 16) != 0;
  const bool nulls_first = (kinds & 32) != 0;
  EMBER_GRID_STRIDE(i, n) {
    const int32_t g0 = gs[i], g1 = ge[i];
    int32_t s = g0, e = g1;
    if (lower_kind == 1) s = ps[i];
    if (upper_kind == 1) e = pe[i];
    if (lower_kind == 2 || upper_kind == 2) {
      // The group's non-null rows [v0, v1): nulls are a block at the group's start or end.
      int32_t v0 = g0, v1 = g1;
      if (validity != nullptr) {
        if (nulls_first) {
          v0 = win_first(g0, g1, [&](int32_t j) { return ember_is_valid(validity, j); });
        } else {
          v1 = win_first(g0, g1, [&](int32_t j) { return !ember_is_valid(validity, j); });
        }
      }
      if (!ember_is_valid(validity, i)) {
        const int32_t n0 = nulls_first ? g0 : v1;
        const int32_t n1 = nulls_first ? v0 : g1;
        if (lower_kind == 2) s = n0;
        if (upper_kind == 2) e = n1;
      } else {
        const T v = values[i];
        const int dir = descending ? -1 : 1;
        if (lower_kind == 2) {
          const typename R::V b = R::bound(v, lower, descending);
          s = win_first(v0, v1, [&](int32_t j) { return dir * R::cmp(values[j], b) >= 0; });
        }
        if (upper_kind == 2) {
          const typename R::V b = R::bound(v, upper, descending);
          e = win_first(v0, v1, [&](int32_t j) { return dir * R::cmp(values[j], b) > 0; });
        }
      }
    }
    fs[i] = s;
    fe[i] = e > s ? e : s;
  }
}

// ---- Frame aggregates by a loop over the frame. ----
template <typename T>
__device__ void frame_sum_float(double* out, uint32_t* out_validity, const T* values, const uint8_t* validity,
                                const int32_t* fs, const int32_t* fe, int64_t n) {
  EMBER_WARP_STRIDE(i, win_rows_in_words(n)) {
    bool valid = false;
    if (i < n) {
      double acc = 0.0;
      for (int32_t j = fs[i], e = fe[i]; j < e; j++) {
        if (ember_is_valid(validity, j)) {
          acc = acc + static_cast<double>(values[j]);
          valid = true;
        }
      }
      out[i] = valid ? win_canonical<double>(acc) : 0.0;
    }
    win_store_valid(out_validity, i, valid);
  }
}

template <typename T>
__device__ void frame_minmax(T* out, uint32_t* out_validity, const T* values, const uint8_t* validity,
                             const int32_t* fs, const int32_t* fe, int32_t is_max, int64_t n) {
  EMBER_WARP_STRIDE(i, win_rows_in_words(n)) {
    bool valid = false;
    if (i < n) {
      T best = T(0);
      const int want = is_max != 0 ? 1 : -1;
      for (int32_t j = fs[i], e = fe[i]; j < e; j++) {
        if (ember_is_valid(validity, j)) {
          const T v = values[j];
          if (!valid || win_cmp<T>(v, best) == want) best = v;
          valid = true;
        }
      }
      out[i] = valid ? win_canonical<T>(best) : T(0);
    }
    win_store_valid(out_validity, i, valid);
  }
}

// ---- Segmented scans. ----
struct ScanSum {
  using A = double;
};
template <typename T>
struct ScanMinMax {
  using A = T;
};

// combine((a, va), (b, vb)) into (a, va).
__device__ __forceinline__ void win_combine(double& a, bool& va, double b, bool vb, int32_t /*is_max*/, ScanSum*) {
  if (vb) {
    a = win_canonical<double>(va ? a + b : b);
    va = true;
  }
}
template <typename T>
__device__ __forceinline__ void win_combine(T& a, bool& va, T b, bool vb, int32_t is_max, ScanMinMax<T>*) {
  if (vb) {
    if (!va || win_cmp<T>(b, a) == (is_max != 0 ? 1 : -1)) a = b;
    va = true;
  }
}

template <typename Op>
__device__ void scan_chunks(typename Op::A* acc_out, uint8_t* state_out, typename Op::A* chunk_acc,
                            uint8_t* chunk_state, const typename Op::A* acc_in, const uint8_t* state_in,
                            int32_t is_max, int64_t n) {
  using A = typename Op::A;
  const int64_t chunks = (n + WINDOW_SCAN_CHUNK - 1) / WINDOW_SCAN_CHUNK;
  EMBER_GRID_STRIDE(c, chunks) {
    const int64_t begin = c * WINDOW_SCAN_CHUNK;
    const int64_t end = begin + WINDOW_SCAN_CHUNK < n ? begin + WINDOW_SCAN_CHUNK : n;
    A x = A(0);
    bool vx = false;
    bool open = true;
    for (int64_t i = begin; i < end; i++) {
      const uint8_t st = state_in[i];
      const bool starts = (st & 2) == 0;
      if (starts || i == begin) {
        x = acc_in[i];
        vx = (st & 1) != 0;
      } else {
        win_combine(x, vx, acc_in[i], (st & 1) != 0, is_max, static_cast<Op*>(nullptr));
      }
      if (starts) open = false;
      acc_out[i] = vx ? x : A(0);
      state_out[i] = static_cast<uint8_t>((vx ? 1 : 0) | (open ? 2 : 0));
    }
    chunk_acc[c] = vx ? x : A(0);
    chunk_state[c] = static_cast<uint8_t>((vx ? 1 : 0) | (open ? 2 : 0));
  }
}

template <typename Op>
__device__ void scan_fixup(typename Op::A* acc, uint8_t* state, const typename Op::A* carry_acc,
                           const uint8_t* carry_state, int32_t is_max, int64_t n) {
  using A = typename Op::A;
  EMBER_GRID_STRIDE(i, n) {
    const int64_t c = i / WINDOW_SCAN_CHUNK;
    const uint8_t st = state[i];
    if (c > 0 && (st & 2) != 0) {
      A x = carry_acc[c - 1];
      bool vx = (carry_state[c - 1] & 1) != 0;
      win_combine(x, vx, acc[i], (st & 1) != 0, is_max, static_cast<Op*>(nullptr));
      acc[i] = vx ? x : A(0);
      state[i] = static_cast<uint8_t>((vx ? 1 : 0) | 2);
    }
  }
}

template <typename T, typename A>
__device__ void scan_prep(A* acc, uint8_t* state, const T* values, const uint8_t* validity, const int32_t* gs,
                          bool sum, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const bool valid = ember_is_valid(validity, i);
    A v = A(0);
    if (valid) v = win_canonical<A>(sum ? static_cast<A>(0.0 + static_cast<double>(values[i])) : static_cast<A>(values[i]));
    acc[i] = v;
    state[i] = static_cast<uint8_t>((valid ? 1 : 0) | (gs[i] != i ? 2 : 0));
  }
}

}  // namespace

// ---- Segments ----
extern "C" __global__ void ember_window_boundaries(int32_t* flags, const int64_t* keys, int32_t num_keys,
                                                   const int32_t* parent_start, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    bool head = i == 0 || (parent_start != nullptr && parent_start[i] == i);
    if (!head) head = !ember_keys_equal(keys, i - 1, keys, i, num_keys);
    flags[i] = head ? 1 : 0;
  }
}

extern "C" __global__ void ember_window_segment_starts(int32_t* seg_start, const int32_t* flags, const int32_t* excl,
                                                       int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    if (flags[i] != 0) seg_start[excl[i]] = static_cast<int32_t>(i);
    if (i == n - 1) seg_start[excl[i] + flags[i]] = static_cast<int32_t>(n);
  }
}

extern "C" __global__ void ember_window_segment_bounds(int32_t* start, int32_t* end, const int32_t* flags,
                                                       const int32_t* excl, const int32_t* seg_start, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = excl[i] + flags[i] - 1;
    start[i] = seg_start[s];
    end[i] = seg_start[s + 1];
  }
}

extern "C" __global__ void ember_window_head_flags(int32_t* flags, const int32_t* start, int64_t n) {
  EMBER_GRID_STRIDE(i, n) { flags[i] = start[i] == i ? 1 : 0; }
}

// ---- Ranking ----
extern "C" __global__ void ember_window_row_number(int32_t* out, const int32_t* gs, int64_t n) {
  EMBER_GRID_STRIDE(i, n) { out[i] = static_cast<int32_t>(i) - gs[i] + 1; }
}

extern "C" __global__ void ember_window_rank(int32_t* out, const int32_t* gs, const int32_t* ps, int64_t n) {
  EMBER_GRID_STRIDE(i, n) { out[i] = ps[i] - gs[i] + 1; }
}

extern "C" __global__ void ember_window_dense_rank(int32_t* out, const int32_t* gs, const int32_t* flags,
                                                   const int32_t* excl, int64_t n) {
  EMBER_GRID_STRIDE(i, n) { out[i] = excl[i] + flags[i] - excl[gs[i]]; }
}

extern "C" __global__ void ember_window_percent_rank(double* out, const int32_t* gs, const int32_t* ge,
                                                     const int32_t* ps, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t size = ge[i] - gs[i];
    out[i] = size > 1 ? static_cast<double>(ps[i] - gs[i]) / static_cast<double>(size - 1) : 0.0;
  }
}

extern "C" __global__ void ember_window_cume_dist(double* out, const int32_t* gs, const int32_t* ge,
                                                  const int32_t* pe, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    out[i] = static_cast<double>(pe[i] - gs[i]) / static_cast<double>(ge[i] - gs[i]);
  }
}

extern "C" __global__ void ember_window_ntile(int32_t* out, const int32_t* gs, const int32_t* ge, int32_t k,
                                              int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t size = ge[i] - gs[i];
    const int32_t q = size / k, r = size % k;
    const int32_t j = static_cast<int32_t>(i) - gs[i];
    const int64_t big = static_cast<int64_t>(r) * (q + 1);
    out[i] = j < big ? j / (q + 1) + 1 : static_cast<int32_t>(r + (j - big) / q + 1);
  }
}

// ---- Offsets ----
extern "C" __global__ void ember_window_offset_map(int32_t* out, const int32_t* gs, const int32_t* ge, int64_t offset,
                                                   int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    // |offset| may be huge: compare before adding (i + offset cannot overflow for |offset| < 2^62).
    const int64_t o = offset > (int64_t(1) << 40) ? (int64_t(1) << 40)
                                                  : (offset < -(int64_t(1) << 40) ? -(int64_t(1) << 40) : offset);
    const int64_t j = i + o;
    out[i] = j >= gs[i] && j < ge[i] ? static_cast<int32_t>(j) : -1;
  }
}

extern "C" __global__ void ember_window_last_map(int32_t* out, const int32_t* end, int64_t n) {
  EMBER_GRID_STRIDE(i, n) { out[i] = end[i] - 1; }
}

// ---- Frames ----
extern "C" __global__ void ember_window_rows_frame(int32_t* fs, int32_t* fe, const int32_t* gs, const int32_t* ge,
                                                   int64_t lower, int64_t upper, int32_t kinds, int64_t n) {
  const int64_t cap = int64_t(1) << 40;
  const int64_t lo = lower > cap ? cap : (lower < -cap ? -cap : lower);
  const int64_t hi = upper > cap ? cap : (upper < -cap ? -cap : upper);
  EMBER_GRID_STRIDE(i, n) {
    const int32_t g0 = gs[i], g1 = ge[i];
    const int lk = kinds & 3, uk = (kinds >> 2) & 3;
    const int32_t s = lk == 0 ? g0 : win_clamp(i + (lk == 1 ? 0 : lo), g0, g1);
    const int32_t e = uk == 0 ? g1 : win_clamp(i + (uk == 1 ? 0 : hi) + 1, g0, g1);
    fs[i] = s;
    fe[i] = e > s ? e : s;
  }
}

#define EMBER_WINDOW_RANGE(name, R, T)                                                                            \
  extern "C" __global__ void ember_window_range_frame_##name(                                                     \
      int32_t* fs, int32_t* fe, const int32_t* gs, const int32_t* ge, const int32_t* ps, const int32_t* pe,       \
      const T* values, const uint8_t* validity, int64_t lower, int64_t upper, int32_t kinds, int64_t n) {         \
    range_frame<R, T>(fs, fe, gs, ge, ps, pe, values, validity, lower, upper, kinds, n);                          \
  }
EMBER_WINDOW_RANGE(i8, RangeInt<int8_t>, int8_t)
EMBER_WINDOW_RANGE(i16, RangeInt<int16_t>, int16_t)
EMBER_WINDOW_RANGE(i32, RangeInt<int32_t>, int32_t)
EMBER_WINDOW_RANGE(i64, RangeInt<int64_t>, int64_t)
EMBER_WINDOW_RANGE(dec64, RangeDec64, int64_t)
EMBER_WINDOW_RANGE(f32, RangeFloat<float>, float)
EMBER_WINDOW_RANGE(f64, RangeFloat<double>, double)
#undef EMBER_WINDOW_RANGE

// ---- Frame aggregates ----
#define EMBER_WINDOW_PREFIX(name, T)                                                                              \
  extern "C" __global__ void ember_window_prefix_sums_##name(int64_t* sums, const T* values,                     \
                                                             const uint8_t* validity, int64_t n) {              \
    EMBER_GRID_STRIDE(i, n + 1) {                                                                                 \
      sums[i] = i < n && ember_is_valid(validity, i) ? static_cast<int64_t>(values[i]) : 0;                      \
    }                                                                                                             \
  }
EMBER_WINDOW_PREFIX(i8, int8_t)
EMBER_WINDOW_PREFIX(i16, int16_t)
EMBER_WINDOW_PREFIX(i32, int32_t)
EMBER_WINDOW_PREFIX(i64, int64_t)
#undef EMBER_WINDOW_PREFIX

extern "C" __global__ void ember_window_prefix_counts(int32_t* counts, const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n + 1) { counts[i] = i < n && ember_is_valid(validity, i) ? 1 : 0; }
}

extern "C" __global__ void ember_window_frame_sum_i64(int64_t* out, uint32_t* out_validity, const int64_t* psums,
                                                      const int32_t* pcounts, const int32_t* fs, const int32_t* fe,
                                                      int64_t n) {
  EMBER_WARP_STRIDE(i, win_rows_in_words(n)) {
    bool valid = false;
    if (i < n) {
      const int32_t s = fs[i];
      const int32_t e = fe[i] > s ? fe[i] : s;
      valid = pcounts[e] - pcounts[s] > 0;
      const uint64_t d = static_cast<uint64_t>(psums[e]) - static_cast<uint64_t>(psums[s]);
      out[i] = valid ? static_cast<int64_t>(d) : 0;
    }
    win_store_valid(out_validity, i, valid);
  }
}

extern "C" __global__ void ember_window_frame_count(int64_t* out, const int32_t* pcounts, const int32_t* fs,
                                                    const int32_t* fe, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = fs[i];
    const int32_t e = fe[i] > s ? fe[i] : s;
    out[i] = pcounts[e] - pcounts[s];
  }
}

#define EMBER_WINDOW_FRAME_SUM(name, T)                                                                          \
  extern "C" __global__ void ember_window_frame_sum_##name(double* out, uint32_t* out_validity, const T* values, \
                                                           const uint8_t* validity, const int32_t* fs,          \
                                                           const int32_t* fe, int64_t n) {                      \
    frame_sum_float<T>(out, out_validity, values, validity, fs, fe, n);                                          \
  }
EMBER_WINDOW_FRAME_SUM(f32, float)
EMBER_WINDOW_FRAME_SUM(f64, double)
#undef EMBER_WINDOW_FRAME_SUM

#define EMBER_WINDOW_MINMAX(name, T)                                                                              \
  extern "C" __global__ void ember_window_frame_minmax_##name(T* out, uint32_t* out_validity, const T* values,   \
                                                              const uint8_t* validity, const int32_t* fs,       \
                                                              const int32_t* fe, int32_t is_max, int64_t n) {   \
    frame_minmax<T>(out, out_validity, values, validity, fs, fe, is_max, n);                                     \
  }                                                                                                               \
  extern "C" __global__ void ember_window_scan_prep_##name(T* acc, uint8_t* state, const T* values,              \
                                                           const uint8_t* validity, const int32_t* gs,          \
                                                           int64_t n) {                                          \
    scan_prep<T, T>(acc, state, values, validity, gs, false, n);                                                 \
  }                                                                                                               \
  extern "C" __global__ void ember_window_scan_chunks_minmax_##name(T* acc_out, uint8_t* state_out,              \
                                                                    T* chunk_acc, uint8_t* chunk_state,          \
                                                                    const T* acc_in, const uint8_t* state_in,    \
                                                                    int32_t is_max, int64_t n) {                 \
    scan_chunks<ScanMinMax<T>>(acc_out, state_out, chunk_acc, chunk_state, acc_in, state_in, is_max, n);         \
  }                                                                                                               \
  extern "C" __global__ void ember_window_scan_fixup_minmax_##name(T* acc, uint8_t* state, const T* carry_acc,   \
                                                                   const uint8_t* carry_state, int32_t is_max,   \
                                                                   int64_t n) {                                  \
    scan_fixup<ScanMinMax<T>>(acc, state, carry_acc, carry_state, is_max, n);                                    \
  }
EMBER_WINDOW_MINMAX(i8, int8_t)
EMBER_WINDOW_MINMAX(i16, int16_t)
EMBER_WINDOW_MINMAX(i32, int32_t)
EMBER_WINDOW_MINMAX(i64, int64_t)
EMBER_WINDOW_MINMAX(f32, float)
EMBER_WINDOW_MINMAX(f64, double)
#undef EMBER_WINDOW_MINMAX

extern "C" __global__ void ember_window_scan_prep_sum_f32(double* acc, uint8_t* state, const float* values,
                                                          const uint8_t* validity, const int32_t* gs, int64_t n) {
  scan_prep<float, double>(acc, state, values, validity, gs, true, n);
}
extern "C" __global__ void ember_window_scan_prep_sum_f64(double* acc, uint8_t* state, const double* values,
                                                          const uint8_t* validity, const int32_t* gs, int64_t n) {
  scan_prep<double, double>(acc, state, values, validity, gs, true, n);
}
extern "C" __global__ void ember_window_scan_chunks_sum_f64(double* acc_out, uint8_t* state_out, double* chunk_acc,
                                                            uint8_t* chunk_state, const double* acc_in,
                                                            const uint8_t* state_in, int64_t n) {
  scan_chunks<ScanSum>(acc_out, state_out, chunk_acc, chunk_state, acc_in, state_in, 0, n);
}
extern "C" __global__ void ember_window_scan_fixup_sum_f64(double* acc, uint8_t* state, const double* carry_acc,
                                                           const uint8_t* carry_state, int64_t n) {
  scan_fixup<ScanSum>(acc, state, carry_acc, carry_state, 0, n);
}

extern "C" __global__ void ember_window_state_validity(uint32_t* out_validity, const uint8_t* state, int64_t n) {
  EMBER_WARP_STRIDE(i, win_rows_in_words(n)) {
    const bool valid = i < n && (state[i] & 1) != 0;
    win_store_valid(out_validity, i, valid);
  }
}
