// Gather kernels: out[i] = src[map[i]], with nulls for absent or out-of-range map entries.
#include "ember.cuh"

// ember_gather32_<t>(out, out_validity, src, src_validity, src_rows, map, n)   map: int32
// ember_gather64_<t>(out, out_validity, src, src_validity, src_rows, map, n)   map: int64
//   For each output row i in [0, n), with j = map[i]:
//   - if 0 <= j < src_rows and source row j is valid (bit j of src_validity; a 0 src_validity means
//     every row is valid): out[i] = src[j] and output bit i is 1;
//   - otherwise (j is -1, any other negative value, j >= src_rows, or source row j is null):
//     out[i] = 0 and output bit i is 0. Null rows get data 0 so the output never depends on the
//     bytes under a source's null rows.
//   out_validity is always written, as whole 32-bit words, up to the bitmap's 64-bit-word size
//   ((n + 63) / 64 * 8 bytes): bits past n are 0. It must be 4-byte aligned (an allocation is);
//   src_validity may have any alignment. Each warp handles 32 consecutive rows and its lane 0 stores
//   their validity word from a ballot, so no atomics are needed: blockDim.x must be a multiple of 32.
//   The output's null count is not computed here (count the bitmap when needed: Bitmaps.nullCount).
//   Floating-point data goes through the kernel of the same width (a bit copy: NaN payloads and
//   -0.0 survive). out must not overlap src, map or src_validity. n == 0 writes nothing. src is
//   only read at valid in-range rows; map is read at [0, n).
// ember_gather32_i128 / ember_gather64_i128: the same for 16-byte elements (DECIMAL128: the unscaled
//   value as two little-endian 64-bit words, low word first). Each element moves as one longlong2
//   (a 128-bit load and store), so out and src must be 16-byte aligned: device allocations are (256
//   bytes), and the host op refuses other addresses. Null rows get both words 0.
template <typename T, typename M>
__device__ void gather(T* __restrict__ out, uint32_t* __restrict__ out_validity, const T* __restrict__ src,
                       const uint8_t* __restrict__ src_validity, int64_t src_rows, const M* __restrict__ map,
                       int64_t n) {
  // Rows up to the next multiple of 64, so every 32-bit word of the 64-bit-word bitmap is written.
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      const int64_t j = static_cast<int64_t>(map[i]);
      valid = j >= 0 && j < src_rows && ember_is_valid(src_validity, j);
      if (valid) {
        out[i] = src[j];
      } else {
        out[i] = T{};
      }
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    if ((threadIdx.x & 31) == 0) {
      out_validity[i >> 5] = word;
    }
  }
}

#define EMBER_GATHER(bits, M, suffix, T)                                                                         \
  extern "C" __global__ void ember_gather##bits##_##suffix(T* out, uint32_t* out_validity, const T* src,        \
                                                          const uint8_t* src_validity, int64_t src_rows,         \
                                                          const M* map, int64_t n) {                             \
    gather<T, M>(out, out_validity, src, src_validity, src_rows, map, n);                                       \
  }

EMBER_GATHER(32, int32_t, i8, int8_t)
EMBER_GATHER(32, int32_t, i16, int16_t)
EMBER_GATHER(32, int32_t, i32, int32_t)
EMBER_GATHER(32, int32_t, i64, int64_t)
EMBER_GATHER(64, int64_t, i8, int8_t)
EMBER_GATHER(64, int64_t, i16, int16_t)
EMBER_GATHER(64, int64_t, i32, int32_t)
EMBER_GATHER(64, int64_t, i64, int64_t)
EMBER_GATHER(32, int32_t, i128, longlong2)
EMBER_GATHER(64, int64_t, i128, longlong2)
