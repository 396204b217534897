// Stream compaction: the indices of the selected rows of a BOOL8 flags column, in ascending order.
//
// A whole compaction is host code (dev.ember.cuda.ops.Compaction): ember_compact_count_bool8 counts
// the selected rows of every tile; the tile counts are scanned (dev.ember.cuda.ops.PrefixSum, which
// also returns the total, the output's size); ember_compact_indices_bool8 re-reads each tile and
// writes its selected rows' indices from the tile's scanned offset on. No atomics: the output order
// is the row order, deterministically.
//
// A row is selected when its flag byte is non-zero and it is valid: a null row counts as false, as a
// SQL filter treats a null predicate. Validity is an Arrow bitmap (0 pointer: all valid); bits past n
// are never looked at.
#include "ember.cuh"
#include "ember_block.cuh"

// The tile: COMPACT_BLOCK_THREADS threads x COMPACT_ITEMS_PER_THREAD consecutive rows per thread.
// These must equal CompactKernels.BLOCK_THREADS and CompactKernels.ITEMS_PER_THREAD in Java (the host
// code sizes grids with them, the emulation checks launches against them, and TestCompaction
// compares them with this file). ITEMS_PER_THREAD is 8 so that a thread's rows share one byte of the
// validity bitmap (tiles start at multiples of 8 rows).
constexpr int COMPACT_BLOCK_THREADS = 256;
constexpr int COMPACT_ITEMS_PER_THREAD = 8;
constexpr int COMPACT_TILE = COMPACT_BLOCK_THREADS * COMPACT_ITEMS_PER_THREAD;

using FlagExchange = EmberTileExchange<int8_t, COMPACT_BLOCK_THREADS, COMPACT_ITEMS_PER_THREAD>;

// Loads this thread's COMPACT_ITEMS_PER_THREAD rows of the block's tile (a blocked arrangement: rows
// first + threadIdx.x * ITEMS + k) and returns a bit mask of the selected ones (bit k = row k).
// Rows at or past n are not selected. Ends with __syncthreads(), so load_temp may be reused.
__device__ __forceinline__ unsigned load_selected(const int8_t* flags, const uint8_t* validity, int64_t n,
                                                  int64_t first, FlagExchange& load_temp) {
  const int64_t remaining = n - first;
  const int valid_rows = remaining >= COMPACT_TILE ? COMPACT_TILE : (remaining > 0 ? static_cast<int>(remaining) : 0);
  int8_t f[COMPACT_ITEMS_PER_THREAD];
  if (valid_rows == COMPACT_TILE) {
    ember_block_load(flags + first, f, load_temp);
  } else {
    ember_block_load(flags + first, f, valid_rows, int8_t(0), load_temp);
  }
  const int64_t row0 = first + static_cast<int64_t>(threadIdx.x) * COMPACT_ITEMS_PER_THREAD;
  // One bitmap byte holds the validity of this thread's 8 rows (row0 is a multiple of 8).
  unsigned valid_bits = 0xFFu;
  if (validity != nullptr && row0 < n) {
    valid_bits = validity[row0 >> 3];
  }
  unsigned selected = 0;
#pragma unroll
  for (int k = 0; k < COMPACT_ITEMS_PER_THREAD; k++) {
    const bool in_range = row0 + k < n;
    if (in_range && f[k] != 0 && ((valid_bits >> k) & 1u) != 0) {
      selected |= 1u << k;
    }
  }
  __syncthreads();
  return selected;
}

// ember_compact_count_bool8(flags, validity, tile_counts, n)
//   Launch: exactly one block of COMPACT_BLOCK_THREADS threads per tile of COMPACT_TILE rows, i.e.
//   gridDim.x == max(1, ceil(n / COMPACT_TILE)), blockDim.x == COMPACT_BLOCK_THREADS.
//   tile_counts[b] = the number of selected rows in [b * COMPACT_TILE, min(n, (b + 1) * COMPACT_TILE))
//   (0 for an empty tile, which only n == 0 has).
extern "C" __global__ void __launch_bounds__(COMPACT_BLOCK_THREADS)
ember_compact_count_bool8(const int8_t* flags, const uint8_t* validity, int32_t* tile_counts, int64_t n) {
  __shared__ union {
    FlagExchange load;
    EmberWarpTotals<int, COMPACT_BLOCK_THREADS> reduce;
  } temp;
  const int64_t first = static_cast<int64_t>(blockIdx.x) * COMPACT_TILE;
  const unsigned selected = load_selected(flags, validity, n, first, temp.load);
  const int count = ember_block_sum(__popc(selected), temp.reduce);
  if (threadIdx.x == 0) {
    tile_counts[blockIdx.x] = count;
  }
}

// ember_compact_indices_bool8(flags, validity, tile_offsets, out, n)
//   Launch: as ember_compact_count_bool8 (one block per tile). n <= 2^31 - 1 (indices are int32).
//   tile_offsets[b] = the number of selected rows before tile b (the exclusive scan of the counts
//   that ember_compact_count_bool8 wrote). For every selected row i of tile b, in row order,
//   out[tile_offsets[b] + (selected rows of tile b before i)] = i. out must hold the total count of
//   selected rows; nothing else is written.
extern "C" __global__ void __launch_bounds__(COMPACT_BLOCK_THREADS)
ember_compact_indices_bool8(const int8_t* flags, const uint8_t* validity, const int32_t* tile_offsets,
                            int32_t* out, int64_t n) {
  __shared__ union {
    FlagExchange load;
    EmberWarpTotals<int, COMPACT_BLOCK_THREADS> scan;
  } temp;
  // The tile's indices are gathered here first so the block writes them to out contiguously.
  __shared__ int32_t staged[COMPACT_TILE];

  const int64_t first = static_cast<int64_t>(blockIdx.x) * COMPACT_TILE;
  const unsigned selected = load_selected(flags, validity, n, first, temp.load);
  int count;
  int offset = ember_block_exclusive_sum(__popc(selected), count, temp.scan);

  const int64_t row0 = first + static_cast<int64_t>(threadIdx.x) * COMPACT_ITEMS_PER_THREAD;
#pragma unroll
  for (int k = 0; k < COMPACT_ITEMS_PER_THREAD; k++) {
    if ((selected >> k) & 1u) {
      staged[offset++] = static_cast<int32_t>(row0 + k);  // a selected row is < n <= 2^31 - 1
    }
  }
  __syncthreads();
  int32_t* dst = out + tile_offsets[blockIdx.x];
  for (int j = threadIdx.x; j < count; j += COMPACT_BLOCK_THREADS) {
    dst[j] = staged[j];
  }
}
