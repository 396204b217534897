// Deliberately wrong kernels: each breaks one rule the simulator checks (run-selftests.sh shows every
// check catching its bug). Built like a kernel family, but never loaded by Ember: the self-tests name
// this library in EMBER_SIM_EXTRA_KERNELS.
#include <cstdint>

// Correct reference: each thread writes its slot, the block syncs, each thread reads its neighbour's.
extern "C" __global__ void selftest_rotate_ok(int32_t* out) {
  __shared__ int32_t slots[256];
  slots[threadIdx.x] = static_cast<int32_t>(threadIdx.x) * 3;
  __syncthreads();
  out[blockIdx.x * blockDim.x + threadIdx.x] = slots[(threadIdx.x + 1) % blockDim.x];
}

// The same without the barrier: a thread may read its neighbour's slot before it is written.
extern "C" __global__ void selftest_rotate_missing_barrier(int32_t* out) {
  __shared__ int32_t slots[256];
  slots[threadIdx.x] = static_cast<int32_t>(threadIdx.x) * 3;
  out[blockIdx.x * blockDim.x + threadIdx.x] = slots[(threadIdx.x + 1) % blockDim.x];
}

// A full-mask ballot in a block whose last warp is partial (launched with 48 threads).
extern "C" __global__ void selftest_full_mask_ballot(uint32_t* out) {
  const uint32_t word = __ballot_sync(0xffffffffu, threadIdx.x % 3 == 0);
  if (threadIdx.x % 32 == 0) out[threadIdx.x / 32] = word;
}

// Writes one element past the end of out (n elements).
extern "C" __global__ void selftest_write_past_end(int32_t* out, int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i <= n) out[i] = 1;
}

// Two barriers on different lines, taken by different threads.
extern "C" __global__ void selftest_divergent_barrier(int32_t* out) {
  if (threadIdx.x < 16) {
    __syncthreads();
  } else {
    __syncthreads();
  }
  out[threadIdx.x] = 1;
}

// Half the block returns early; the rest waits at a barrier nobody else reaches.
extern "C" __global__ void selftest_partial_barrier(int32_t* out) {
  if (threadIdx.x >= 32) return;
  __syncthreads();
  out[threadIdx.x] = 1;
}

// Lane 0 waits in a shuffle while the other lanes of its mask wait at a barrier.
extern "C" __global__ void selftest_collective_deadlock(int32_t* out) {
  int v = static_cast<int>(threadIdx.x);
  if (threadIdx.x == 0) {
    v = __shfl_down_sync(0xffffffffu, v, 1);
  }
  __syncthreads();
  out[threadIdx.x] = v;
}

// Fills out[i] = value for i < n after a delay (many atomics, many switch points).
extern "C" __global__ void selftest_slow_fill(int32_t* out, int64_t n, int32_t value, uint32_t* scratch) {
  for (int k = 0; k < 64; k++) atomicAdd(scratch, 1u);
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    out[i] = value;
  }
}

// A correct use of __match_any_sync (the reference for its semantics), launched with 48 threads: in
// warp 0 only the even lanes take part, with 32-bit values; warp 1 (lanes 0-15 only) uses 64-bit
// values that differ in their high word. out[t] = the lanes of the mask whose value equals thread t's,
// 0 for the lanes outside the mask.
extern "C" __global__ void selftest_match_any(uint32_t* out) {
  const unsigned lane = threadIdx.x & 31;
  uint32_t peers = 0;
  if (threadIdx.x < 32) {
    if ((lane & 1) == 0) peers = __match_any_sync(0x55555555u, static_cast<int32_t>(lane % 6));
  } else {
    peers = __match_any_sync(0x0000ffffu, static_cast<long long>(lane / 3) << 40);
  }
  out[threadIdx.x] = peers;
}
