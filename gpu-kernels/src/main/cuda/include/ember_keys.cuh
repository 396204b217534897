// Equality of composite keys, shared by the hash aggregation (hashagg.cu) and the hash join
// (hashjoin.cu). A key is described by int64 words, four per key column:
//   {kind, data address, validity address (0: no nulls), aux address}
// aux being the UTF-8 bytes of a STRING column (may be 0 when no row has bytes) and 0 otherwise.
// Kinds (HashAggKernels.KIND_* on the Java side):
//   0 BOOL8 (a byte, any non-zero = true), 1 INT8, 2 INT16, 3 INT32 (also DATE32), 4 INT64 (also
//   TIMESTAMP_US, DECIMAL64 by the unscaled long), 5 FLOAT32, 6 FLOAT64, 7 DECIMAL128 (16 bytes per
//   row, 16-byte aligned: equal when both 64-bit words are), 8 STRING (data = the rows + 1 int32
//   offsets: equal when the lengths are equal and the bytes are).
// Row a of key A equals row b of key B (A and B may be the same descriptor, or two descriptors of
// columns with the same kinds, e.g. the build and probe sides of a join) when every key column is
// null in both or valid in both with equal values; BOOL8 values are equal when both are zero or both
// non-zero; floating-point values are equal when both are NaN (any payload) or compare equal (so
// -0.0 equals 0.0), as Spark normalizes -0.0 and NaN in grouping and join keys. Callers that must not
// match nulls (join keys without <=>) drop rows with such nulls before comparing.
#pragma once
#include <cstdint>
#include "ember.cuh"
#include "ember_strings.cuh"

template <typename T>
__device__ __forceinline__ bool ember_float_key_equal(T x, T y) {
  return x == y || (x != x && y != y);
}

// Byte equality of two strings of equal length `len`. When both start at the same address modulo 8
// (e.g. every row of a column whose rows all have a multiple of 8 bytes), the aligned middle is
// compared as 64-bit words; otherwise byte by byte (wider loads would need unaligned reads or reads
// past the column's bytes). Callers compare hashes first, so this runs mostly for rows that match.
__device__ inline bool ember_key_bytes_equal(const uint8_t* a, const uint8_t* b, int32_t len) {
  int32_t k = 0;
  if (((reinterpret_cast<uintptr_t>(a) ^ reinterpret_cast<uintptr_t>(b)) & 7) == 0) {
    for (; k < len && (reinterpret_cast<uintptr_t>(a + k) & 7) != 0; k++) {
      if (a[k] != b[k]) return false;
    }
    for (; k + 8 <= len; k += 8) {
      if (*reinterpret_cast<const uint64_t*>(a + k) != *reinterpret_cast<const uint64_t*>(b + k)) return false;
    }
  }
  for (; k < len; k++) {
    if (a[k] != b[k]) return false;
  }
  return true;
}

// Row a of the key described by keys_a against row b of the key described by keys_b; both have
// num_keys columns of the same kinds (the kind is read from keys_a).
__device__ inline bool ember_keys_equal(const int64_t* keys_a, int64_t a, const int64_t* keys_b, int64_t b,
                                        int32_t num_keys) {
  for (int32_t k = 0; k < num_keys; k++) {
    const int64_t kind = keys_a[4 * k];
    const void* da = reinterpret_cast<const void*>(keys_a[4 * k + 1]);
    const void* db = reinterpret_cast<const void*>(keys_b[4 * k + 1]);
    const bool va = ember_is_valid(reinterpret_cast<const uint8_t*>(keys_a[4 * k + 2]), a);
    if (va != ember_is_valid(reinterpret_cast<const uint8_t*>(keys_b[4 * k + 2]), b)) return false;
    if (!va) continue;
    bool eq;
    switch (kind) {
      case 0:
        eq = (static_cast<const int8_t*>(da)[a] != 0) == (static_cast<const int8_t*>(db)[b] != 0);
        break;
      case 1:
        eq = static_cast<const int8_t*>(da)[a] == static_cast<const int8_t*>(db)[b];
        break;
      case 2:
        eq = static_cast<const int16_t*>(da)[a] == static_cast<const int16_t*>(db)[b];
        break;
      case 3:
        eq = static_cast<const int32_t*>(da)[a] == static_cast<const int32_t*>(db)[b];
        break;
      case 4:
        eq = static_cast<const int64_t*>(da)[a] == static_cast<const int64_t*>(db)[b];
        break;
      case 5:
        eq = ember_float_key_equal(static_cast<const float*>(da)[a], static_cast<const float*>(db)[b]);
        break;
      case 6:
        eq = ember_float_key_equal(static_cast<const double*>(da)[a], static_cast<const double*>(db)[b]);
        break;
      case 7: {
        const ulonglong2 x = static_cast<const ulonglong2*>(da)[a];
        const ulonglong2 y = static_cast<const ulonglong2*>(db)[b];
        eq = x.x == y.x && x.y == y.y;
        break;
      }
      case 8: {
        const int32_t* oa = static_cast<const int32_t*>(da);
        const int32_t* ob = static_cast<const int32_t*>(db);
        const uint8_t* ca = reinterpret_cast<const uint8_t*>(keys_a[4 * k + 3]);
        const uint8_t* cb = reinterpret_cast<const uint8_t*>(keys_b[4 * k + 3]);
        const int32_t len = ember_string_length(oa, a);
        eq = len == ember_string_length(ob, b) &&
             ember_key_bytes_equal(ember_string_bytes(oa, ca, a), ember_string_bytes(ob, cb, b), len);
        break;
      }
      default:
        eq = false;
    }
    if (!eq) return false;
  }
  return true;
}
