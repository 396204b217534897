// Variable-width building blocks for STRING columns in Arrow's layout: int32 offsets (rows + 1
// entries, offsets[0] == 0, never decreasing), the UTF-8 bytes of all rows back to back, and an
// Arrow validity bitmap; a null row is empty (equal consecutive offsets).
//
// A string gather runs in two passes around a prefix sum (host side: ops/Strings.java):
//   1. ember_string_gather_sizes: each output row's byte count (0 for null rows), its validity, and
//      the exact int64 total, which the host checks against the batch limit before anything else;
//   2. the exclusive prefix sum of the n + 1 sizes (PrefixSum) gives the output offsets in place;
//   3. ember_string_gather_chars_{thread,warp}: copies each row's bytes.
// Concatenation and slicing copy the bytes as blocks and rebase the offsets with
// ember_string_rebase_offsets.
#include "ember.cuh"
#include "ember_strings.cuh"

// ember_string_gather_sizes(sizes, out_validity, total, src_offsets, src_validity, src_rows, map, n)
//   For each output row i in [0, n), with j = map[i] (int32):
//   - if 0 <= j < src_rows and source row j is valid (bit j of src_validity; a 0 src_validity means
//     every row is valid): sizes[i] = src_offsets[j + 1] - src_offsets[j] and output bit i is 1;
//   - otherwise (j is -1, any other negative value, j >= src_rows, or row j is null): sizes[i] = 0
//     and output bit i is 0.
//   sizes has n + 1 entries and sizes[n] is set to 0, so an exclusive scan of all n + 1 entries
//   ends with the total at index n. *total (an int64, zeroed by the caller) is increased by the sum
//   of sizes[0..n), computed exactly in 64 bits: the host sees totals past 2^31 before int32
//   offsets could wrap. Each warp adds its partial sum once (integer addition, so the result does
//   not depend on the order). out_validity is written as whole 32-bit words up to the bitmap's
//   64-bit-word size ((n + 63) / 64 * 8 bytes), bits past n are 0; it must be 4-byte aligned, and
//   blockDim.x a multiple of 32 (each warp ballots 32 consecutive rows). src_offsets is read only
//   at valid in-range rows j and j + 1; map at [0, n). n == 0 writes only sizes[0] = 0.
extern "C" __global__ void ember_string_gather_sizes(int32_t* __restrict__ sizes, uint32_t* __restrict__ out_validity,
                                                     unsigned long long* __restrict__ total,
                                                     const int32_t* __restrict__ src_offsets,
                                                     const uint8_t* __restrict__ src_validity, int64_t src_rows,
                                                     const int32_t* __restrict__ map, int64_t n) {
  if (ember_thread_index() == 0) {
    sizes[n] = 0;
  }
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    uint64_t size = 0;
    if (i < n) {
      const int64_t j = static_cast<int64_t>(map[i]);
      valid = j >= 0 && j < src_rows && ember_is_valid(src_validity, j);
      if (valid) {
        size = static_cast<uint64_t>(static_cast<uint32_t>(src_offsets[j + 1] - src_offsets[j]));
      }
      sizes[i] = static_cast<int32_t>(size);
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    // Whole-warp sum; every lane of the warp is present in EMBER_WARP_STRIDE.
    for (int d = 16; d > 0; d >>= 1) {
      size += __shfl_down_sync(0xffffffffu, size, d);
    }
    if ((threadIdx.x & 31) == 0) {
      out_validity[i >> 5] = word;
      if (size != 0) {
        atomicAdd(total, static_cast<unsigned long long>(size));
      }
    }
  }
}

// ember_string_gather_chars_thread(out_chars, out_offsets, src_chars, src_offsets, map, n)
// ember_string_gather_chars_warp(out_chars, out_offsets, src_chars, src_offsets, map, n)
//   For each output row i in [0, n) whose length len = out_offsets[i + 1] - out_offsets[i] is
//   positive: copies the len bytes of source row j = map[i] (src_chars[src_offsets[j] ...]) to
//   out_chars[out_offsets[i] ...]. out_offsets are the scanned sizes of ember_string_gather_sizes,
//   so a positive length implies j is a valid in-range row of exactly that length; rows of length 0
//   (null, absent or empty) read nothing, map included. Every byte of out_chars[0, out_offsets[n])
//   is written exactly once. out_chars must not overlap the inputs. Both kernels have the same
//   contract; they differ in who copies a row:
//   - _thread: one thread per row, a byte at a time. Best for short rows (most strings in SQL data
//     are a few to a few tens of bytes), where a warp per row would leave most lanes idle.
//   - _warp: one warp per row, the 32 lanes copying consecutive bytes, so loads and stores of a row
//     coalesce. Best for long rows; the host picks it when the average row is >= 64 bytes.
//     blockDim.x must be a multiple of 32.
extern "C" __global__ void ember_string_gather_chars_thread(uint8_t* __restrict__ out_chars,
                                                            const int32_t* __restrict__ out_offsets,
                                                            const uint8_t* __restrict__ src_chars,
                                                            const int32_t* __restrict__ src_offsets,
                                                            const int32_t* __restrict__ map, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t start = out_offsets[i];
    const int32_t len = out_offsets[i + 1] - start;
    if (len > 0) {
      const uint8_t* src = src_chars + src_offsets[map[i]];
      uint8_t* dst = out_chars + start;
      for (int32_t k = 0; k < len; k++) {
        dst[k] = src[k];
      }
    }
  }
}

extern "C" __global__ void ember_string_gather_chars_warp(uint8_t* __restrict__ out_chars,
                                                          const int32_t* __restrict__ out_offsets,
                                                          const uint8_t* __restrict__ src_chars,
                                                          const int32_t* __restrict__ src_offsets,
                                                          const int32_t* __restrict__ map, int64_t n) {
  const int64_t warp = ember_thread_index() >> 5;
  const int64_t warps = ember_grid_stride() >> 5;
  const int32_t lane = static_cast<int32_t>(threadIdx.x & 31);
  for (int64_t i = warp; i < n; i += warps) {
    const int32_t start = out_offsets[i];
    const int32_t len = out_offsets[i + 1] - start;
    if (len > 0) {
      const uint8_t* src = src_chars + src_offsets[map[i]];
      uint8_t* dst = out_chars + start;
      for (int32_t k = lane; k < len; k += 32) {
        dst[k] = src[k];
      }
    }
  }
}

// ember_string_rebase_offsets(out, in, n, delta)
//   out[i] = in[i] + delta for i in [0, n), the addition wrapping like Java's int (callers pass
//   offsets and deltas whose results lie in [0, 2^31), so nothing wraps in practice). out may equal
//   in; otherwise they must not overlap. Used by slice (delta = -offsets[from]) and concatenation
//   (delta = the bytes of the columns before). n == 0 writes nothing.
extern "C" __global__ void ember_string_rebase_offsets(int32_t* out, const int32_t* in, int64_t n, int32_t delta) {
  EMBER_GRID_STRIDE(i, n) {
    out[i] = static_cast<int32_t>(static_cast<uint32_t>(in[i]) + static_cast<uint32_t>(delta));
  }
}
