// Copies with offsets: fixed-width elements, and validity bits at arbitrary bit offsets (concat, slice).
#include "ember.cuh"

// ember_copy_<t>(dst, dst_offset, src, src_offset, n)
//   dst[dst_offset + i] = src[src_offset + i] for i in [0, n); offsets count elements, not bytes.
//   Floating-point data goes through the kernel of the same width (a bit copy). The two ranges must
//   not overlap. n == 0 writes nothing; elements of dst outside the range are untouched.
template <typename T>
__device__ void copy(T* __restrict__ dst, int64_t dst_offset, const T* __restrict__ src, int64_t src_offset,
                     int64_t n) {
  EMBER_GRID_STRIDE(i, n) { dst[dst_offset + i] = src[src_offset + i]; }
}
extern "C" __global__ void ember_copy_i8(int8_t* dst, int64_t dst_offset, const int8_t* src, int64_t src_offset, int64_t n) { copy<int8_t>(dst, dst_offset, src, src_offset, n); }
extern "C" __global__ void ember_copy_i16(int16_t* dst, int64_t dst_offset, const int16_t* src, int64_t src_offset, int64_t n) { copy<int16_t>(dst, dst_offset, src, src_offset, n); }
extern "C" __global__ void ember_copy_i32(int32_t* dst, int64_t dst_offset, const int32_t* src, int64_t src_offset, int64_t n) { copy<int32_t>(dst, dst_offset, src, src_offset, n); }
extern "C" __global__ void ember_copy_i64(int64_t* dst, int64_t dst_offset, const int64_t* src, int64_t src_offset, int64_t n) { copy<int64_t>(dst, dst_offset, src, src_offset, n); }

// ember_copybits_b1(dst, dst_bit, src, src_bit, n)
//   Bit dst_bit + i of dst := bit src_bit + i of src, for i in [0, n) (Arrow layout: bit b is bit
//   b % 32 of little-endian 32-bit word b / 32). A 0 src means "all valid": the bits are set to 1.
//   Every other bit of dst keeps its value, including the other bits of the first and last words.
//   Each thread owns whole destination words (it merges the untouched bits of a partial word
//   itself), so there are no races and no atomics. dst and src must be 4-byte aligned (callers
//   with byte addresses fold the misalignment into the bit offset) and their bit ranges must not
//   overlap. Reads only the source words holding bits [src_bit, src_bit + n) and the destination
//   words holding bits [dst_bit, dst_bit + n); writes only the latter. n == 0 writes nothing.
extern "C" __global__ void ember_copybits_b1(uint32_t* __restrict__ dst, int64_t dst_bit,
                                             const uint32_t* __restrict__ src, int64_t src_bit, int64_t n) {
  if (n <= 0) {
    return;
  }
  const int64_t dst_end = dst_bit + n;
  const int64_t first_word = dst_bit >> 5;
  const int64_t words = ((dst_end - 1) >> 5) - first_word + 1;
  const int64_t src_first_word = src_bit >> 5;
  const int64_t src_last_word = (src_bit + n - 1) >> 5;
  EMBER_GRID_STRIDE(k, words) {
    const int64_t w = first_word + k;
    const int64_t word_start = w * 32;
    // The destination bits [lo, hi) of this word that the copy covers.
    const int64_t lo = dst_bit > word_start ? dst_bit : word_start;
    const int64_t hi = dst_end < word_start + 32 ? dst_end : word_start + 32;
    const uint32_t width = static_cast<uint32_t>(hi - lo);
    const uint32_t mask =
        (width == 32 ? 0xffffffffu : ((1u << width) - 1u)) << static_cast<uint32_t>(lo - word_start);
    uint32_t bits = 0xffffffffu;
    if (src != nullptr) {
      // The source bit that lands on bit 0 of this word is s = word_start + src_bit - dst_bit >= -31
      // (w is at least dst_bit's word); s + 32 >= 1 keeps the word index and shift free of negative
      // operands. Words outside the source range hold no needed bit and are not read.
      const int64_t s_plus_32 = word_start + src_bit - dst_bit + 32;
      const int64_t a = (s_plus_32 >> 5) - 1;
      const uint32_t shift = static_cast<uint32_t>(s_plus_32 & 31);
      const uint32_t low = (a >= src_first_word && a <= src_last_word) ? src[a] : 0u;
      const uint32_t high = (a + 1 >= src_first_word && a + 1 <= src_last_word) ? src[a + 1] : 0u;
      bits = __funnelshift_r(low, high, shift);
    }
    dst[w] = mask == 0xffffffffu ? bits : ((dst[w] & ~mask) | (bits & mask));
  }
}
