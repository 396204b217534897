// Block-wide primitives for tile kernels (scan.cu, compact.cu): loading and storing a tile, exclusive
// sums and sums over a block. Plain CUDA C++ (warp shuffles, __syncwarp, __syncthreads, __shared__
// storage) so that the same source also compiles for the CPU SIMT simulator, where a library built
// on inline PTX cannot.
//
// Conventions shared by every primitive here:
// - The block has exactly BLOCK_THREADS threads, a multiple of 32, and every one of them calls the
//   primitive (they contain full-warp shuffles, __syncwarp and __syncthreads): no thread may have
//   returned early, and no call may sit in a branch that diverges within the block.
// - A tile is BLOCK_THREADS * ITEMS items in a blocked arrangement: thread t owns items
//   t * ITEMS .. t * ITEMS + ITEMS - 1, in a register array items[ITEMS].
// - The caller declares the storage structs __shared__ (alone or in a union, as several primitives
//   may share the space in turn) and puts a __syncthreads() between two uses of the same space.
#pragma once
#include <cstdint>
#include "ember.cuh"

constexpr unsigned EMBER_FULL_WARP = 0xffffffffu;

// Storage to transpose a tile between the warp-striped order of global memory and the blocked order
// of the registers. One padding slot after every 32 items keeps the blocked reads (lane stride ITEMS)
// off a single shared-memory bank.
template <typename T, int BLOCK_THREADS, int ITEMS>
struct EmberTileExchange {
  static_assert(BLOCK_THREADS % 32 == 0, "BLOCK_THREADS must be a multiple of the warp size");
  static constexpr int TILE = BLOCK_THREADS * ITEMS;
  T slots[TILE + TILE / 32];
};

// Per-warp partial results of a block scan or sum.
template <typename T, int BLOCK_THREADS>
struct EmberWarpTotals {
  static_assert(BLOCK_THREADS % 32 == 0, "BLOCK_THREADS must be a multiple of the warp size");
  static constexpr int WARPS = BLOCK_THREADS / 32;
  T totals[WARPS];
};

__device__ __forceinline__ int ember_exchange_slot(int i) { return i + (i >> 5); }

// Each warp moves the 32 * ITEMS consecutive items that its lanes own, lane l touching items
// first + k * 32 + l in global memory: one coalesced access per k. A warp only exchanges through its
// own part of the storage, so __syncwarp() orders the exchange.
template <bool GUARDED, typename T, int BLOCK_THREADS, int ITEMS>
__device__ __forceinline__ void ember_block_load_impl(const T* tile, T (&items)[ITEMS], int valid, T fill,
                                                      EmberTileExchange<T, BLOCK_THREADS, ITEMS>& temp) {
  const int thread = static_cast<int>(threadIdx.x);
  const int warp_first = (thread >> 5) * 32 * ITEMS;
  const int lane = thread & 31;
#pragma unroll
  for (int k = 0; k < ITEMS; k++) {
    const int i = warp_first + k * 32 + lane;
    items[k] = (!GUARDED || i < valid) ? tile[i] : fill;
  }
#pragma unroll
  for (int k = 0; k < ITEMS; k++) {
    temp.slots[ember_exchange_slot(warp_first + k * 32 + lane)] = items[k];
  }
  __syncwarp();
#pragma unroll
  for (int k = 0; k < ITEMS; k++) {
    items[k] = temp.slots[ember_exchange_slot(thread * ITEMS + k)];
  }
}

template <bool GUARDED, typename T, int BLOCK_THREADS, int ITEMS>
__device__ __forceinline__ void ember_block_store_impl(T* tile, const T (&items)[ITEMS], int valid,
                                                       EmberTileExchange<T, BLOCK_THREADS, ITEMS>& temp) {
  const int thread = static_cast<int>(threadIdx.x);
  const int warp_first = (thread >> 5) * 32 * ITEMS;
  const int lane = thread & 31;
#pragma unroll
  for (int k = 0; k < ITEMS; k++) {
    temp.slots[ember_exchange_slot(thread * ITEMS + k)] = items[k];
  }
  __syncwarp();
#pragma unroll
  for (int k = 0; k < ITEMS; k++) {
    const int i = warp_first + k * 32 + lane;
    if (!GUARDED || i < valid) {
      tile[i] = temp.slots[ember_exchange_slot(i)];
    }
  }
}

// Loads the full tile starting at `tile` into items (blocked).
template <typename T, int BLOCK_THREADS, int ITEMS>
__device__ __forceinline__ void ember_block_load(const T* tile, T (&items)[ITEMS],
                                                 EmberTileExchange<T, BLOCK_THREADS, ITEMS>& temp) {
  ember_block_load_impl<false>(tile, items, 0, T(0), temp);
}

// Loads the first `valid` items of the tile (0 <= valid <= the tile size); the items past them are
// `fill` and their addresses are never read.
template <typename T, int BLOCK_THREADS, int ITEMS>
__device__ __forceinline__ void ember_block_load(const T* tile, T (&items)[ITEMS], int valid, T fill,
                                                 EmberTileExchange<T, BLOCK_THREADS, ITEMS>& temp) {
  ember_block_load_impl<true>(tile, items, valid, fill, temp);
}

// Stores items (blocked) to the full tile starting at `tile`.
template <typename T, int BLOCK_THREADS, int ITEMS>
__device__ __forceinline__ void ember_block_store(T* tile, const T (&items)[ITEMS],
                                                  EmberTileExchange<T, BLOCK_THREADS, ITEMS>& temp) {
  ember_block_store_impl<false>(tile, items, 0, temp);
}

// Stores only the first `valid` items of the tile; nothing past them is written.
template <typename T, int BLOCK_THREADS, int ITEMS>
__device__ __forceinline__ void ember_block_store(T* tile, const T (&items)[ITEMS], int valid,
                                                  EmberTileExchange<T, BLOCK_THREADS, ITEMS>& temp) {
  ember_block_store_impl<true>(tile, items, valid, temp);
}

// Exclusive sum over the block of one value per thread, in thread order: returns the sum of the
// values of threads 0 .. threadIdx.x - 1 (0 for thread 0) and sets `total` to the sum of all values
// in every thread. Unsigned types wrap modulo 2^bits; signed types must not overflow.
template <typename T, int BLOCK_THREADS>
__device__ __forceinline__ T ember_block_exclusive_sum(T value, T& total, EmberWarpTotals<T, BLOCK_THREADS>& temp) {
  const int thread = static_cast<int>(threadIdx.x);
  const int warp = thread >> 5;
  const int lane = thread & 31;
  T inclusive = value;
#pragma unroll
  for (int d = 1; d < 32; d <<= 1) {
    const T up = __shfl_up_sync(EMBER_FULL_WARP, inclusive, d);
    if (lane >= d) inclusive += up;
  }
  if (lane == 31) temp.totals[warp] = inclusive;
  __syncthreads();
  // There are few warps: every thread scans their totals itself (broadcast reads from shared memory)
  // rather than pay a second barrier for one warp to do it.
  T warp_prefix = T(0);
  total = T(0);
#pragma unroll
  for (int w = 0; w < EmberWarpTotals<T, BLOCK_THREADS>::WARPS; w++) {
    if (w == warp) warp_prefix = total;
    total += temp.totals[w];
  }
  return warp_prefix + (inclusive - value);
}

// Exclusive sum over the whole tile (blocked, ITEMS per thread), in place: items[k] becomes the sum
// of every item before it in tile order. Sets `total` to the tile's sum in every thread.
template <typename T, int BLOCK_THREADS, int ITEMS>
__device__ __forceinline__ void ember_block_exclusive_sum(T (&items)[ITEMS], T& total,
                                                          EmberWarpTotals<T, BLOCK_THREADS>& temp) {
  T own = items[0];
#pragma unroll
  for (int k = 1; k < ITEMS; k++) own += items[k];
  T running = ember_block_exclusive_sum(own, total, temp);
#pragma unroll
  for (int k = 0; k < ITEMS; k++) {
    const T item = items[k];
    items[k] = running;
    running += item;
  }
}

// Sum over the block of one value per thread; the result is returned in every thread.
template <typename T, int BLOCK_THREADS>
__device__ __forceinline__ T ember_block_sum(T value, EmberWarpTotals<T, BLOCK_THREADS>& temp) {
  const int thread = static_cast<int>(threadIdx.x);
#pragma unroll
  for (int d = 16; d > 0; d >>= 1) {
    value += __shfl_down_sync(EMBER_FULL_WARP, value, d);
  }
  if ((thread & 31) == 0) temp.totals[thread >> 5] = value;
  __syncthreads();
  T total = T(0);
#pragma unroll
  for (int w = 0; w < EmberWarpTotals<T, BLOCK_THREADS>::WARPS; w++) total += temp.totals[w];
  return total;
}
