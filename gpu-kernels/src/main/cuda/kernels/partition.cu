// Partitioning for a shuffle exchange: a stable split of rows by partition id (the gather map that
// lists the rows partition by partition, each partition's rows in input order, and the partitions'
// offsets in it), and range partition ids (Spark's RangePartitioner with ascending bounds).
//
// A whole split is host code (dev.ember.cuda.ops.PartitionSplit):
//   1. ember_partition_count counts the rows of every (bucket, tile) into a bucket-major matrix;
//   2. an exclusive prefix sum over the whole matrix (dev.ember.cuda.ops.PrefixSum) turns each entry
//      into the position of that tile's first row of that bucket in the output: buckets in order,
//      and within a bucket the tiles in order, which is what makes the split stable;
//   3. ember_partition_offsets reads each bucket's first position (its offset);
//   4. ember_partition_order walks every tile in input order and writes each row at its bucket's next
//      position.
// No step depends on the thread order, so the output is deterministic.
//
// Buckets: the rows with a partition id p in [0, P) (P = num_partitions) are in bucket p; every other
// id (negative, or P and above) is in the extra bucket P, after all partitions. So there are P + 1
// buckets, no id can make a kernel read or write out of bounds, and the caller finds the rows with
// invalid ids as the size of bucket P (PartitionSplit rejects them).
//
// Tiles: tile t is rows [t * tile_rows, min(n, (t + 1) * tile_rows)), t in [0, num_tiles) with
// num_tiles = ceil(n / tile_rows). The host picks tile_rows so that (P + 1) * num_tiles counters stay
// small (a few MiB). The matrix entry of bucket b and tile t is at b * num_tiles + t.
//
// ember_partition_count(int32_t* counts, const int32_t* pids, int32_t num_partitions, int64_t tile_rows,
//                       int64_t num_tiles, int64_t n)
//   counts: (P + 1) * num_tiles int32, all 0 on entry; on return counts[b * num_tiles + t] = the number
//   of rows of tile t in bucket b. Launch: blockDim.x == PARTITION_BLOCK_THREADS, any grid (blocks take
//   tiles in a grid-stride loop). With P + 1 <= PARTITION_SHARED_BUCKETS a block counts a tile in
//   shared memory and writes the tile's non-zero counts; otherwise it adds to the matrix with global
//   atomics (hence the zeros on entry). Either way each warp first groups its lanes by bucket
//   (__match_any_sync), and one lane per group adds the group's size.
//
// ember_partition_offsets(int32_t* offsets, const int32_t* positions, int32_t num_partitions,
//                         int64_t num_tiles, int64_t n)
//   positions: the exclusive prefix sum of count's matrix (before ember_partition_order changes it).
//   offsets: P + 2 int32: offsets[b] = positions[b * num_tiles] for b in [0, P] (bucket b's first
//   position: the rows before it), offsets[P + 1] = n. Any launch configuration (grid-stride).
//
// ember_partition_order(int32_t* order, int32_t* positions, const int32_t* pids, int32_t num_partitions,
//                       int64_t tile_rows, int64_t num_tiles, int64_t n)
//   positions: as for offsets. For every tile t and every row i of it in increasing order, with b the
//   bucket of pids[i]: order[positions[b * num_tiles + t]] = i, then positions[b * num_tiles + t] += 1.
//   So order (n int32) lists bucket 0's rows, then bucket 1's, ..., each bucket's rows in increasing
//   order, and on return each matrix entry has advanced by its count (the next entry's start).
//   Launch: blockDim.x == PARTITION_BLOCK_THREADS, any grid (grid-stride over tiles). A block walks its
//   tile in chunks of PARTITION_BLOCK_THREADS rows; in a chunk each warp ranks its lanes among the lanes
//   with the same bucket (__match_any_sync: the rank is the number of matching lanes below), and the
//   warps take their turns in order (one barrier per warp), each group reading its bucket's next position
//   and one lane advancing it. The tile's positions live in shared memory when P + 1 <=
//   PARTITION_SHARED_BUCKETS, else in the matrix itself (each tile's column belongs to one block).
//   No block waits for another.
//
// ember_partition_range(int32_t* pids, const int64_t* desc, int32_t num_keys, int64_t num_bounds,
//                       int64_t n)
//   Spark's RangePartitioner.getPartition with ascending = true: pids[i] = the number of bound rows
//   that compare strictly less than row i (the first bound j with row i <= bound j; num_bounds when
//   there is none), found by binary search, so the bounds must be sorted ascending under the ordering
//   (strictly increasing, as Spark's are: otherwise the result is some j in [0, num_bounds]).
//   desc: int64 words, the row keys' descriptor (4 * num_keys words, ember_keys.cuh's layout), then the
//   bounds' descriptor (4 * num_keys words, the same kinds, num_bounds rows), then one order word per
//   key column (ember_order.cuh: direction and null ordering). Rows compare as ember_order.cuh says
//   (Spark's ordering: nulls by their own ordering, floats with -0.0 == 0.0 and NaN above +Infinity,
//   strings by unsigned bytes). num_keys >= 1; 0 <= num_bounds <= 2^31 - 1. Any launch configuration.
#include "ember.cuh"
#include "ember_order.cuh"

// The block of the count and order kernels, and the most buckets they keep in shared memory. These
// must equal PartitionKernels.BLOCK_THREADS and PartitionKernels.SHARED_BUCKETS in Java.
constexpr int PARTITION_BLOCK_THREADS = 256;
constexpr int PARTITION_WARPS = PARTITION_BLOCK_THREADS / 32;
constexpr int PARTITION_SHARED_BUCKETS = 4096;

namespace {

constexpr unsigned FULL_WARP = 0xffffffffu;
// The bucket of a lane without a row (past the end of its tile): it matches only other such lanes.
constexpr int32_t NO_ROW = -1;

__device__ __forceinline__ int32_t bucket_of(int32_t pid, int32_t num_partitions) {
  return pid >= 0 && pid < num_partitions ? pid : num_partitions;
}

__device__ __forceinline__ int64_t tile_end(int64_t tile, int64_t tile_rows, int64_t n) {
  const int64_t end = (tile + 1) * tile_rows;
  return end < n ? end : n;
}

}  // namespace

extern "C" __global__ void __launch_bounds__(PARTITION_BLOCK_THREADS)
ember_partition_count(int32_t* counts, const int32_t* pids, int32_t num_partitions, int64_t tile_rows,
                      int64_t num_tiles, int64_t n) {
  __shared__ int32_t histogram[PARTITION_SHARED_BUCKETS];
  const int32_t buckets = num_partitions + 1;
  const bool in_shared = buckets <= PARTITION_SHARED_BUCKETS;
  const int lane = static_cast<int>(threadIdx.x) & 31;
  for (int64_t tile = blockIdx.x; tile < num_tiles; tile += gridDim.x) {
    if (in_shared) {
      for (int32_t b = threadIdx.x; b < buckets; b += PARTITION_BLOCK_THREADS) histogram[b] = 0;
      __syncthreads();
    }
    const int64_t end = tile_end(tile, tile_rows, n);
    // Whole chunks, so that every lane of every warp reaches the match in each round.
    for (int64_t chunk = tile * tile_rows; chunk < end; chunk += PARTITION_BLOCK_THREADS) {
      const int64_t row = chunk + threadIdx.x;
      const int32_t bucket = row < end ? bucket_of(pids[row], num_partitions) : NO_ROW;
      const unsigned peers = __match_any_sync(FULL_WARP, bucket);
      if (bucket != NO_ROW && lane == __ffs(peers) - 1) {
        if (in_shared) {
          atomicAdd(&histogram[bucket], __popc(peers));
        } else {
          atomicAdd(&counts[bucket * num_tiles + tile], __popc(peers));
        }
      }
    }
    if (in_shared) {
      __syncthreads();
      // The matrix is zero on entry: only the buckets present in the tile need a store.
      for (int32_t b = threadIdx.x; b < buckets; b += PARTITION_BLOCK_THREADS) {
        const int32_t c = histogram[b];
        if (c != 0) counts[b * num_tiles + tile] = c;
      }
      __syncthreads();  // the next tile zeroes the histogram
    }
  }
}

extern "C" __global__ void ember_partition_offsets(int32_t* offsets, const int32_t* positions,
                                                   int32_t num_partitions, int64_t num_tiles, int64_t n) {
  const int64_t entries = static_cast<int64_t>(num_partitions) + 2;
  EMBER_GRID_STRIDE(b, entries) {
    offsets[b] = b <= num_partitions ? positions[b * num_tiles] : static_cast<int32_t>(n);
  }
}

extern "C" __global__ void __launch_bounds__(PARTITION_BLOCK_THREADS)
ember_partition_order(int32_t* order, int32_t* positions, const int32_t* pids, int32_t num_partitions,
                      int64_t tile_rows, int64_t num_tiles, int64_t n) {
  __shared__ int32_t next[PARTITION_SHARED_BUCKETS];
  const int32_t buckets = num_partitions + 1;
  const bool in_shared = buckets <= PARTITION_SHARED_BUCKETS;
  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int warp = static_cast<int>(threadIdx.x) >> 5;
  const unsigned lanes_below = (1u << lane) - 1;
  for (int64_t tile = blockIdx.x; tile < num_tiles; tile += gridDim.x) {
    // Where this tile's next row of bucket b goes: next[b], or the matrix entry itself.
    int32_t* column = positions + tile;
    const int64_t stride = in_shared ? 1 : num_tiles;
    int32_t* cursor = in_shared ? next : column;
    if (in_shared) {
      for (int32_t b = threadIdx.x; b < buckets; b += PARTITION_BLOCK_THREADS) next[b] = column[b * num_tiles];
      __syncthreads();
    }
    const int64_t end = tile_end(tile, tile_rows, n);
    for (int64_t chunk = tile * tile_rows; chunk < end; chunk += PARTITION_BLOCK_THREADS) {
      const int64_t row = chunk + threadIdx.x;
      const int32_t bucket = row < end ? bucket_of(pids[row], num_partitions) : NO_ROW;
      const unsigned peers = __match_any_sync(FULL_WARP, bucket);
      const int32_t rank = __popc(peers & lanes_below);
      // Warps in row order: warp w's rows come after every earlier warp's rows of the chunk.
      for (int w = 0; w < PARTITION_WARPS; w++) {
        if (w == warp) {
          int32_t base = 0;
          if (bucket != NO_ROW) base = cursor[bucket * stride];
          __syncwarp();  // every lane of a group has read the position before its first lane moves it
          if (bucket != NO_ROW) {
            order[base + rank] = static_cast<int32_t>(row);
            if (rank == 0) cursor[bucket * stride] = base + __popc(peers);
          }
        }
        __syncthreads();
      }
    }
    if (in_shared) {
      for (int32_t b = threadIdx.x; b < buckets; b += PARTITION_BLOCK_THREADS) column[b * num_tiles] = next[b];
      __syncthreads();  // the next tile reloads next[]
    }
  }
}

extern "C" __global__ void ember_partition_range(int32_t* pids, const int64_t* desc, int32_t num_keys,
                                                 int64_t num_bounds, int64_t n) {
  const int64_t* rows = desc;
  const int64_t* bounds = desc + 4 * num_keys;
  const int64_t* orders = desc + 8 * num_keys;
  EMBER_GRID_STRIDE(i, n) {
    // The first bound that is not less than the row: [lo, hi) always holds it.
    int64_t lo = 0;
    int64_t hi = num_bounds;
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (ember_order_compare(bounds, mid, rows, i, orders, num_keys) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    pids[i] = static_cast<int32_t>(lo);
  }
}
