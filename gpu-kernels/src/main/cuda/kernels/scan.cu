// Exclusive prefix sums (scans), multi-block: one tile per block, then offsets added per tile.
//
// A whole scan is host code (dev.ember.cuda.ops.PrefixSum): ember_scan_tiles_* scans every tile of
// the input independently and writes each tile's total; the tile totals are scanned the same way
// (recursively, as many levels as needed, in place); ember_scan_add_offsets_* then adds each tile's
// scanned offset to its elements. Sums wrap around modulo 2^32 / 2^64 exactly like Java's int/long
// addition: the kernels add as unsigned integers (defined wrap-around, no signed overflow) and the
// bits are reinterpreted as two's complement.
#include "ember.cuh"
#include "ember_block.cuh"

// The tile: SCAN_BLOCK_THREADS threads x SCAN_ITEMS_PER_THREAD consecutive elements per thread.
// These must equal ScanKernels.BLOCK_THREADS and ScanKernels.ITEMS_PER_THREAD in Java (the host code
// sizes grids with them, the emulation checks launches against them, and TestPrefixSum compares
// them with this file).
constexpr int SCAN_BLOCK_THREADS = 256;
constexpr int SCAN_ITEMS_PER_THREAD = 8;
constexpr int SCAN_TILE = SCAN_BLOCK_THREADS * SCAN_ITEMS_PER_THREAD;

// ember_scan_tiles_<t>(in, out, tile_totals, n)
//   Launch: exactly one block of SCAN_BLOCK_THREADS threads per tile of SCAN_TILE elements, i.e.
//   gridDim.x == max(1, ceil(n / SCAN_TILE)), blockDim.x == SCAN_BLOCK_THREADS; the kernel relies on
//   both (another configuration computes garbage or writes out of bounds).
//   Block b owns the tile [b * SCAN_TILE, min(n, (b + 1) * SCAN_TILE)) and writes, for each i in it,
//   out[i] = in[b * SCAN_TILE] + ... + in[i - 1] (the exclusive sum within the tile; 0 for the tile's
//   first element), and tile_totals[b] = the sum of the whole tile (0 for an empty tile, which only
//   n == 0 has). Sums wrap like Java int/long arithmetic.
//   out may equal in (in-place): a block reads its whole tile before it writes any of it, and blocks
//   touch disjoint tiles. tile_totals must not overlap in or out. No nulls: every element counts.
//   Variants: i32 (int32 in, int32 out and totals), i64 (int64 throughout), i32_i64 (int32 in, sign-
//   extended, int64 out and totals: for sums that may exceed 2^31, such as sizes and offsets; out
//   must not overlap in there).
template <typename In, typename Acc>
__device__ __forceinline__ void scan_tiles(const In* in, Acc* out, Acc* tile_totals, int64_t n) {
  __shared__ union {
    EmberTileExchange<In, SCAN_BLOCK_THREADS, SCAN_ITEMS_PER_THREAD> load;
    EmberWarpTotals<Acc, SCAN_BLOCK_THREADS> scan;
    EmberTileExchange<Acc, SCAN_BLOCK_THREADS, SCAN_ITEMS_PER_THREAD> store;
  } temp;

  const int64_t start = static_cast<int64_t>(blockIdx.x) * SCAN_TILE;
  const int64_t remaining = n - start;
  const int valid = remaining >= SCAN_TILE ? SCAN_TILE : (remaining > 0 ? static_cast<int>(remaining) : 0);

  In loaded[SCAN_ITEMS_PER_THREAD];
  if (valid == SCAN_TILE) {
    ember_block_load(in + start, loaded, temp.load);
  } else {
    ember_block_load(in + start, loaded, valid, In(0), temp.load);
  }
  Acc items[SCAN_ITEMS_PER_THREAD];
#pragma unroll
  for (int k = 0; k < SCAN_ITEMS_PER_THREAD; k++) {
    // Conversion to an unsigned type is defined modulo 2^bits: an int32 becomes its sign extension.
    items[k] = static_cast<Acc>(loaded[k]);
  }
  __syncthreads();  // temp.load is reused by the scan.

  Acc total;
  ember_block_exclusive_sum(items, total, temp.scan);
  __syncthreads();  // temp.scan is reused by the store.

  if (valid == SCAN_TILE) {
    ember_block_store(out + start, items, temp.store);
  } else {
    ember_block_store(out + start, items, valid, temp.store);
  }
  if (threadIdx.x == 0) {
    tile_totals[blockIdx.x] = total;
  }
}

// Signed and unsigned variants of one integer type may alias, so the int32/int64 buffers are
// scanned through uint32/uint64 pointers: the adds wrap without undefined behavior.
extern "C" __global__ void __launch_bounds__(SCAN_BLOCK_THREADS)
ember_scan_tiles_i32(const int32_t* in, int32_t* out, int32_t* tile_totals, int64_t n) {
  scan_tiles<uint32_t, uint32_t>(reinterpret_cast<const uint32_t*>(in), reinterpret_cast<uint32_t*>(out),
                                 reinterpret_cast<uint32_t*>(tile_totals), n);
}
extern "C" __global__ void __launch_bounds__(SCAN_BLOCK_THREADS)
ember_scan_tiles_i64(const int64_t* in, int64_t* out, int64_t* tile_totals, int64_t n) {
  scan_tiles<uint64_t, uint64_t>(reinterpret_cast<const uint64_t*>(in), reinterpret_cast<uint64_t*>(out),
                                 reinterpret_cast<uint64_t*>(tile_totals), n);
}
extern "C" __global__ void __launch_bounds__(SCAN_BLOCK_THREADS)
ember_scan_tiles_i32_i64(const int32_t* in, int64_t* out, int64_t* tile_totals, int64_t n) {
  scan_tiles<int32_t, uint64_t>(in, reinterpret_cast<uint64_t*>(out), reinterpret_cast<uint64_t*>(tile_totals), n);
}

// ember_scan_add_offsets_<t>(data, tile_offsets, n)
//   data[i] += tile_offsets[i / SCAN_TILE] for i in [0, n), wrapping like Java int/long arithmetic.
//   tile_offsets holds ceil(n / SCAN_TILE) values (the exclusive scan of the tile totals that
//   ember_scan_tiles_<t> wrote). Any launch configuration (grid-stride). n == 0 touches nothing.
template <typename U>
__device__ __forceinline__ void add_offsets(U* data, const U* tile_offsets, int64_t n) {
  EMBER_GRID_STRIDE(i, n) { data[i] += tile_offsets[i / SCAN_TILE]; }
}
extern "C" __global__ void ember_scan_add_offsets_i32(int32_t* data, const int32_t* tile_offsets, int64_t n) {
  add_offsets<uint32_t>(reinterpret_cast<uint32_t*>(data), reinterpret_cast<const uint32_t*>(tile_offsets), n);
}
extern "C" __global__ void ember_scan_add_offsets_i64(int64_t* data, const int64_t* tile_offsets, int64_t n) {
  add_offsets<uint64_t>(reinterpret_cast<uint64_t*>(data), reinterpret_cast<const uint64_t*>(tile_offsets), n);
}
