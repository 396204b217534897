// Spark's ordering of rows by sort keys (SortOrder with its direction and null ordering), shared by the
// range partitioning (partition.cu) and usable by a sort.
//
// Key columns are described as in ember_keys.cuh (four int64 words per column: kind, data, validity,
// aux), and each column has one order word: bit EMBER_ORDER_DESCENDING set for a descending column,
// bit EMBER_ORDER_NULLS_FIRST set when nulls come first. Rows compare column by column; the first
// column that differs decides:
//   - null and null are equal; a null is below every value with nulls first and above with nulls
//     last, whatever the direction (Spark's SortOrder direction and NullOrdering are independent);
//   - two values compare by their type's order, reversed for a descending column:
//     BOOL8 false < true (any non-zero byte is true); INT8..INT64, DATE32, TIMESTAMP_US, DECIMAL64
//     signed; FLOAT32/64 numerically with -0.0 == 0.0, NaN == NaN (any payload) and NaN above
//     +Infinity (Spark's SQLOrderingUtil); DECIMAL128 as signed 128-bit integers (same scale on both
//     sides); STRING by unsigned bytes, a prefix before the longer string (UTF8String.compareTo).
#pragma once
#include <cstdint>
#include "ember.cuh"
#include "ember_strings.cuh"

constexpr int64_t EMBER_ORDER_DESCENDING = 1;
constexpr int64_t EMBER_ORDER_NULLS_FIRST = 2;

template <typename T>
__device__ __forceinline__ int ember_order_compare_ints(T x, T y) {
  return x < y ? -1 : (x > y ? 1 : 0);
}

template <typename T>
__device__ __forceinline__ int ember_order_compare_floats(T x, T y) {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x == y) return 0;  // also -0.0 against 0.0
  // At least one NaN: NaN equals NaN and is above every number.
  const bool x_nan = x != x;
  const bool y_nan = y != y;
  return x_nan == y_nan ? 0 : (x_nan ? 1 : -1);
}

// Values of row a of column A and row b of column B, both valid and of kind `kind`: -1, 0 or 1 in
// ascending order. aux_a/aux_b are the STRING columns' bytes.
__device__ inline int ember_order_compare_values(int64_t kind, const void* da, int64_t a, const uint8_t* aux_a,
                                                 const void* db, int64_t b, const uint8_t* aux_b) {
  switch (kind) {
    case 0:
      return ember_order_compare_ints<int>(static_cast<const int8_t*>(da)[a] != 0,
                                           static_cast<const int8_t*>(db)[b] != 0);
    case 1:
      return ember_order_compare_ints(static_cast<const int8_t*>(da)[a], static_cast<const int8_t*>(db)[b]);
    case 2:
      return ember_order_compare_ints(static_cast<const int16_t*>(da)[a], static_cast<const int16_t*>(db)[b]);
    case 3:
      return ember_order_compare_ints(static_cast<const int32_t*>(da)[a], static_cast<const int32_t*>(db)[b]);
    case 4:
      return ember_order_compare_ints(static_cast<const int64_t*>(da)[a], static_cast<const int64_t*>(db)[b]);
    case 5:
      return ember_order_compare_floats(static_cast<const float*>(da)[a], static_cast<const float*>(db)[b]);
    case 6:
      return ember_order_compare_floats(static_cast<const double*>(da)[a], static_cast<const double*>(db)[b]);
    case 7: {
      // Low word first: the high words decide as signed values, equal high words by the low words unsigned.
      const ulonglong2 x = static_cast<const ulonglong2*>(da)[a];
      const ulonglong2 y = static_cast<const ulonglong2*>(db)[b];
      const int high = ember_order_compare_ints(static_cast<int64_t>(x.y), static_cast<int64_t>(y.y));
      return high != 0 ? high : ember_order_compare_ints(x.x, y.x);
    }
    case 8: {
      const int32_t* oa = static_cast<const int32_t*>(da);
      const int32_t* ob = static_cast<const int32_t*>(db);
      return ember_string_compare(ember_string_bytes(oa, aux_a, a), ember_string_length(oa, a),
                                  ember_string_bytes(ob, aux_b, b), ember_string_length(ob, b));
    }
    default:
      return 0;
  }
}

// Row a of the keys described by keys_a against row b of keys_b (same number of columns, same kinds,
// kinds read from keys_a), under the order words `orders` (one per column): -1 when row a sorts before
// row b, 0 when they are equal, 1 when it sorts after.
__device__ inline int ember_order_compare(const int64_t* keys_a, int64_t a, const int64_t* keys_b, int64_t b,
                                          const int64_t* orders, int32_t num_keys) {
  for (int32_t k = 0; k < num_keys; k++) {
    const int64_t order = orders[k];
    const bool va = ember_is_valid(reinterpret_cast<const uint8_t*>(keys_a[4 * k + 2]), a);
    const bool vb = ember_is_valid(reinterpret_cast<const uint8_t*>(keys_b[4 * k + 2]), b);
    if (!va || !vb) {
      if (va == vb) continue;
      const int null_side = (order & EMBER_ORDER_NULLS_FIRST) != 0 ? -1 : 1;
      return va ? -null_side : null_side;
    }
    int c = ember_order_compare_values(keys_a[4 * k], reinterpret_cast<const void*>(keys_a[4 * k + 1]), a,
                                       reinterpret_cast<const uint8_t*>(keys_a[4 * k + 3]),
                                       reinterpret_cast<const void*>(keys_b[4 * k + 1]), b,
                                       reinterpret_cast<const uint8_t*>(keys_b[4 * k + 3]));
    if ((order & EMBER_ORDER_DESCENDING) != 0) c = -c;
    if (c != 0) return c;
  }
  return 0;
}
