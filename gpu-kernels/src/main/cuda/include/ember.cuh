// Shared helpers for Ember's kernels. Every kernel file includes this header.
#pragma once
#include <cstdint>

// Index of the first element this thread handles in a grid-stride loop, and the stride.
__device__ __forceinline__ int64_t ember_thread_index() {
  return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ int64_t ember_grid_stride() {
  return static_cast<int64_t>(gridDim.x) * blockDim.x;
}

// Arrow-layout validity: bit (i % 8) of byte (i / 8), least significant bit first; a null
// bitmap pointer means "all valid".
__device__ __forceinline__ bool ember_is_valid(const uint8_t* validity, int64_t i) {
  return validity == nullptr || ((validity[i >> 3] >> (i & 7)) & 1) != 0;
}

// Grid-stride loop over [0, n) for element-wise kernels.
#define EMBER_GRID_STRIDE(i, n) \
  for (int64_t i = ember_thread_index(), _stride = ember_grid_stride(); i < (n); i += _stride)

// Grid-stride loop over whole warps: every lane of a warp iterates together (as __ballot_sync
// requires) while i runs over [0, round_up(n, 32)); lanes with i >= n are inactive but present.
#define EMBER_WARP_STRIDE(i, n) \
  for (int64_t i = ember_thread_index(), _stride = ember_grid_stride(), \
       _end = (((n) + 31) / 32) * 32; i < _end; i += _stride)
