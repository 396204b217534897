// Aggregations that select ONE ROW per group (FIRST, LAST, and MIN/MAX of values that do not fit
// a 64-bit order key: STRING and DECIMAL128). They share hashagg.cu's inputs: row_slot (int32 per
// row, the row's slot in the group table; < 0 skips the row) and group_slots (int32 per group).
//
// State: one int32 per slot, the index of the slot's selected row, or -1 (no row yet). Every state
// starts at -1 (the host fills it with 0xff bytes) whatever the kernel, so one result kernel serves
// them all. Rows are in [0, n) with n <= 2^31 - 1, so a row index is never -1 and compares the same
// as int32 and as uint32.
//
// ember_aggselect_first(int32_t* state, const int32_t* row_slot, const uint8_t* validity, int64_t n)
//   For each row i with row_slot[i] = s >= 0 whose validity bit is set (validity 0: every row):
//   state[s] = the smallest such i. atomicMin on the state read as uint32: the initial -1 is
//   UINT32_MAX there, above every row, so it needs no other sentinel.
// ember_aggselect_last(int32_t* state, const int32_t* row_slot, const uint8_t* validity, int64_t n)
//   The same with the largest such i: atomicMax on int32, the initial -1 below every row.
//   The validity argument is the caller's row mask: a value's validity (first/last non-null value),
//   a condition's (first/last row where it holds), or 0 (first/last row of the group).
//
// ember_aggselect_min_string / _max_string(int32_t* state, const int32_t* row_slot,
//                                          const int32_t* offsets, const uint8_t* chars,
//                                          const uint8_t* validity, int64_t n)
//   STRING values (Arrow layout, int32 offsets; chars may be 0 when the column has no bytes): per slot
//   the row of the smallest / largest valid value in Spark's order (UTF8String.compareTo: unsigned
//   bytes, a proper prefix first; ember_string_compare). Null values are ignored. Equal values keep
//   the smaller row index: rows are ordered by (value, index) for MIN and by (value desc, index) for
//   MAX, a strict total order, so the selected row does not depend on the thread order. Update: a CAS
//   loop on state[s]: read the current row c; while c is -1 or row i precedes c, atomicCAS(c -> i);
//   a lost CAS retries against the row that won. The state only ever moves to a row earlier in the
//   order, so it ends at the first row of the order among the slot's rows.
// ember_aggselect_min_dec128 / _max_dec128(int32_t* state, const int32_t* row_slot,
//                                          const int64_t* data, const uint8_t* validity, int64_t n)
//   DECIMAL128 values (two's complement 128-bit, little-endian: low word, then high word; 8-byte
//   aligned), compared as signed 128-bit integers (the unscaled values of one decimal type); the
//   same rules as the string kernels otherwise.
//
// ember_aggselect_rows(int32_t* rows, const int32_t* state, const int32_t* group_slots, int64_t groups)
//   rows[g] = state[group_slots[g]] for g in [0, groups): the group's selected row, or -1 when no row
//   of the group qualified. Gathering a column by rows (a -1 gathers a null) gives the result.
#include "ember.cuh"
#include "ember_strings.cuh"

namespace {

// Strings of one column, compared by row.
struct StringValues {
  const int32_t* offsets;
  const uint8_t* chars;
  __device__ __forceinline__ int compare(int64_t a, int64_t b) const {
    return ember_string_compare(ember_string_bytes(offsets, chars, a), ember_string_length(offsets, a),
                                ember_string_bytes(offsets, chars, b), ember_string_length(offsets, b));
  }
};

// Signed 128-bit values of one column, compared by row.
struct Dec128Values {
  const int64_t* data;
  __device__ __forceinline__ int compare(int64_t a, int64_t b) const {
    const int64_t ha = data[2 * a + 1];
    const int64_t hb = data[2 * b + 1];
    if (ha != hb) {
      return ha < hb ? -1 : 1;
    }
    const uint64_t la = static_cast<uint64_t>(data[2 * a]);
    const uint64_t lb = static_cast<uint64_t>(data[2 * b]);
    return la < lb ? -1 : (la > lb ? 1 : 0);
  }
};

// True when row `row` comes before row `cur` (a row, not -1) in the selection order.
template <bool MAX, typename Values>
__device__ __forceinline__ bool precedes(const Values& values, int32_t row, int32_t cur) {
  const int c = values.compare(row, cur);
  return (MAX ? c > 0 : c < 0) || (c == 0 && row < cur);
}

template <bool MAX, typename Values>
__device__ void select_extreme(int32_t* state, const int32_t* row_slot, const Values values, const uint8_t* validity,
                               int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s >= 0 && ember_is_valid(validity, i)) {
      const int32_t row = static_cast<int32_t>(i);
      int32_t* at = &state[s];
      int32_t cur = *reinterpret_cast<volatile int32_t*>(at);
      while (cur < 0 || precedes<MAX>(values, row, cur)) {
        const int32_t seen = atomicCAS(at, cur, row);
        if (seen == cur) {
          break;
        }
        cur = seen;
      }
    }
  }
}

}  // namespace

extern "C" __global__ void ember_aggselect_first(int32_t* state, const int32_t* row_slot, const uint8_t* validity,
                                                 int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s >= 0 && ember_is_valid(validity, i)) {
      atomicMin(reinterpret_cast<unsigned int*>(&state[s]), static_cast<unsigned int>(i));
    }
  }
}

extern "C" __global__ void ember_aggselect_last(int32_t* state, const int32_t* row_slot, const uint8_t* validity,
                                                int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s >= 0 && ember_is_valid(validity, i)) {
      atomicMax(&state[s], static_cast<int32_t>(i));
    }
  }
}

extern "C" __global__ void ember_aggselect_min_string(int32_t* state, const int32_t* row_slot, const int32_t* offsets,
                                                      const uint8_t* chars, const uint8_t* validity, int64_t n) {
  select_extreme<false>(state, row_slot, StringValues{offsets, chars}, validity, n);
}

extern "C" __global__ void ember_aggselect_max_string(int32_t* state, const int32_t* row_slot, const int32_t* offsets,
                                                      const uint8_t* chars, const uint8_t* validity, int64_t n) {
  select_extreme<true>(state, row_slot, StringValues{offsets, chars}, validity, n);
}

extern "C" __global__ void ember_aggselect_min_dec128(int32_t* state, const int32_t* row_slot, const int64_t* data,
                                                      const uint8_t* validity, int64_t n) {
  select_extreme<false>(state, row_slot, Dec128Values{data}, validity, n);
}

extern "C" __global__ void ember_aggselect_max_dec128(int32_t* state, const int32_t* row_slot, const int64_t* data,
                                                      const uint8_t* validity, int64_t n) {
  select_extreme<true>(state, row_slot, Dec128Values{data}, validity, n);
}

extern "C" __global__ void ember_aggselect_rows(int32_t* rows, const int32_t* state, const int32_t* group_slots,
                                                int64_t groups) {
  EMBER_GRID_STRIDE(g, groups) {
    rows[g] = state[group_slots[g]];
  }
}
