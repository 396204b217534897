// Scatter kernels: out[map[i]] = src[i].
#include "ember.cuh"

// ember_scatter_<t>(out, out_validity, out_rows, src, src_validity, map, n)   map: int32
//   For each source row i in [0, n), with k = map[i]: if 0 <= k < out_rows, out[k] = src[i] when
//   source row i is valid and out[k] = 0 when it is null (bit i of src_validity; a 0 src_validity
//   means every row is valid), and, unless out_validity is 0, output bit k := source bit i (set
//   with atomicOr, cleared with atomicAnd on the bitmap's 32-bit words, so neighbouring targets in
//   one word do not race). Map entries outside [0, out_rows) (-1 included) are ignored. Output rows
//   no map entry targets keep their data and validity bit.
//   Contract: the in-range map entries are distinct. Duplicate targets give an unspecified winner
//   (data and validity bit may even come from different source rows).
//   out_validity must be 4-byte aligned (an allocation is) and hold the words of bits [0, out_rows);
//   a 0 out_validity writes data only (for sources and outputs without nulls). out must not overlap
//   src, map or src_validity. n == 0 writes nothing.
// ember_scatter_i128: the same for 16-byte elements (DECIMAL128), moved as one longlong2 each (a
//   128-bit load and store): out and src must be 16-byte aligned (device allocations are; the host op
//   refuses other addresses). A null source row writes both words 0.
template <typename T>
__device__ void scatter(T* __restrict__ out, uint32_t* __restrict__ out_validity, int64_t out_rows,
                        const T* __restrict__ src, const uint8_t* __restrict__ src_validity,
                        const int32_t* __restrict__ map, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int64_t k = static_cast<int64_t>(map[i]);
    if (k < 0 || k >= out_rows) {
      continue;
    }
    const bool valid = ember_is_valid(src_validity, i);
    if (valid) {
      out[k] = src[i];
    } else {
      out[k] = T{};
    }
    if (out_validity != nullptr) {
      const uint32_t bit = 1u << static_cast<uint32_t>(k & 31);
      if (valid) {
        atomicOr(out_validity + (k >> 5), bit);
      } else {
        atomicAnd(out_validity + (k >> 5), ~bit);
      }
    }
  }
}

#define EMBER_SCATTER(suffix, T)                                                                            \
  extern "C" __global__ void ember_scatter_##suffix(T* out, uint32_t* out_validity, int64_t out_rows,       \
                                                     const T* src, const uint8_t* src_validity,              \
                                                     const int32_t* map, int64_t n) {                         \
    scatter<T>(out, out_validity, out_rows, src, src_validity, map, n);                                     \
  }

EMBER_SCATTER(i8, int8_t)
EMBER_SCATTER(i16, int16_t)
EMBER_SCATTER(i32, int32_t)
EMBER_SCATTER(i64, int64_t)
EMBER_SCATTER(i128, longlong2)
