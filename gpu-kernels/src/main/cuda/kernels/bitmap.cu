// Validity-bitmap kernels (type suffix b1: one bit per row, Arrow layout).
//
// Common contract: bitmaps are Arrow layout (bit i is bit i % 32 of little-endian 32-bit word
// i / 32), 4-byte aligned (allocations are), and an input bitmap pointer of 0 means "all bits set"
// (a column without nulls). Inputs are read only in the words holding bits [0, n), and bits past n
// of an input never affect a result. Bitmap outputs are written as whole 32-bit words up to the
// 64-bit-word allocation size ((n + 63) / 64 * 8 bytes), with every bit past n set to 0. Outputs
// must not overlap inputs, except that and/or/not may run in place (out == an input): each thread
// reads and writes the same word. n == 0 writes nothing.
#include "ember.cuh"

namespace {

__device__ __forceinline__ uint32_t load_word(const uint32_t* bits, int64_t w) {
  return bits == nullptr ? 0xffffffffu : bits[w];
}

// The bits of word w that lie below n.
__device__ __forceinline__ uint32_t live_mask(int64_t w, int64_t n) {
  const int64_t base = w * 32;
  if (base + 32 <= n) {
    return 0xffffffffu;
  }
  if (base >= n) {
    return 0u;
  }
  return (1u << static_cast<uint32_t>(n - base)) - 1u;
}

// The number of 32-bit words in a bitmap of n bits allocated as whole 64-bit words.
__device__ __forceinline__ int64_t allocated_words(int64_t n) { return ((n + 63) / 64) * 2; }

struct And {
  __device__ uint32_t operator()(uint32_t a, uint32_t b) const { return a & b; }
};
struct Or {
  __device__ uint32_t operator()(uint32_t a, uint32_t b) const { return a | b; }
};

template <typename Op>
__device__ void binary(uint32_t* out, const uint32_t* a, const uint32_t* b, int64_t n) {
  EMBER_GRID_STRIDE(w, allocated_words(n)) {
    const uint32_t live = live_mask(w, n);
    out[w] = live == 0u ? 0u : (Op()(load_word(a, w), load_word(b, w)) & live);
  }
}

}  // namespace

// ember_and_b1(out, a, b, n): out bit i = a bit i AND b bit i, for i in [0, n); bits past n are 0.
extern "C" __global__ void ember_and_b1(uint32_t* out, const uint32_t* a, const uint32_t* b, int64_t n) {
  binary<And>(out, a, b, n);
}

// ember_or_b1(out, a, b, n): out bit i = a bit i OR b bit i, for i in [0, n); bits past n are 0.
extern "C" __global__ void ember_or_b1(uint32_t* out, const uint32_t* a, const uint32_t* b, int64_t n) {
  binary<Or>(out, a, b, n);
}

// ember_not_b1(out, a, n): out bit i = NOT a bit i, for i in [0, n); bits past n are 0 (never 1).
extern "C" __global__ void ember_not_b1(uint32_t* out, const uint32_t* a, int64_t n) {
  EMBER_GRID_STRIDE(w, allocated_words(n)) {
    const uint32_t live = live_mask(w, n);
    out[w] = live == 0u ? 0u : (~load_word(a, w) & live);
  }
}

// ember_popcount_b1(count, bits, n)
//   Adds the number of set bits among bits [0, n) of `bits` (n when bits is 0) to the int64 at
//   `count`; the caller zeroes it first (several launches may accumulate into one counter). Each
//   thread counts its words with popc, each block reduces through warp shuffles and shared memory
//   and issues one atomicAdd (none when its count is 0). blockDim.x must be a multiple of 32, at
//   most 1024. The result is exact whatever the launch configuration.
extern "C" __global__ void ember_popcount_b1(int64_t* count, const uint32_t* bits, int64_t n) {
  __shared__ unsigned long long warp_sums[32];
  const int64_t words = (n + 31) / 32;
  unsigned long long local = 0;
  EMBER_GRID_STRIDE(w, words) { local += static_cast<unsigned long long>(__popc(load_word(bits, w) & live_mask(w, n))); }
  for (int offset = 16; offset > 0; offset >>= 1) {
    local += __shfl_down_sync(0xffffffffu, local, offset);
  }
  const unsigned lane = threadIdx.x & 31u;
  const unsigned warp = threadIdx.x >> 5;
  if (lane == 0) {
    warp_sums[warp] = local;
  }
  __syncthreads();
  if (warp == 0) {
    local = lane < (blockDim.x >> 5) ? warp_sums[lane] : 0ull;
    for (int offset = 16; offset > 0; offset >>= 1) {
      local += __shfl_down_sync(0xffffffffu, local, offset);
    }
    if (lane == 0 && local != 0) {
      atomicAdd(reinterpret_cast<unsigned long long*>(count), local);
    }
  }
}

// ember_frombool8_b1(out, flags, n)
//   out bit i = (flags[i] != 0) for i in [0, n) (int8 flags, as BOOL8 columns and predicate
//   results hold them); bits past n are 0. Each warp builds one word with a ballot and its lane 0
//   stores it: no atomics; blockDim.x must be a multiple of 32.
extern "C" __global__ void ember_frombool8_b1(uint32_t* out, const int8_t* flags, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    const bool set = i < n && flags[i] != 0;
    const uint32_t word = __ballot_sync(0xffffffffu, set);
    if ((threadIdx.x & 31) == 0) {
      out[i >> 5] = word;
    }
  }
}

// ember_tobool8_b1(out, bits, n)
//   out[i] = 1 if bit i of `bits` is set (always, when bits is 0), else 0, for i in [0, n). `bits`
//   may have any alignment here (read bytewise). Bytes of out past n are untouched.
extern "C" __global__ void ember_tobool8_b1(int8_t* out, const uint8_t* bits, int64_t n) {
  EMBER_GRID_STRIDE(i, n) { out[i] = ember_is_valid(bits, i) ? 1 : 0; }
}
