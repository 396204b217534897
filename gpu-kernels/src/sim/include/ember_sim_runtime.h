// The SIMT runtime's interface: what the stand-in driver, the kernel shim (ember_sim.h) and the
// generated per-family registration share. Everything here lives in libcuda.so.1 (the stand-in
// driver and the runtime are one library); kernel families are separate libraries that link to it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

// CUDA's uint3, the type of threadIdx and friends (defined here so the runtime stores exactly what the
// kernels read).
struct uint3 {
  unsigned x, y, z;
};

namespace ember::sim {

struct Dim3 {
  unsigned x, y, z;
};

// One kernel entry point of a family library.
struct KernelEntry {
  const char* name;
  int param_count;
  const uint32_t* param_sizes;           // sizeof each parameter, as cuLaunchKernel copies it
  void (*invoke)(void* const* params);   // runs the kernel body as the current simulated thread
};

// What a family library (libember_sim_<family>.so) exports through ember_sim_family().
struct FamilyEntry {
  const char* family;
  int kernel_count;
  const KernelEntry* kernels;
  // Bytes available to `extern __shared__` arrays (0 when the family declares none).
  uint32_t dynamic_shared_capacity;
};

// The per-family TLS block holds the family's __shared__ variables (and nothing else): the runtime
// poisons it at the start of every block. modid 0: the family has no shared memory.
struct SharedMemory {
  size_t tls_modid;
  size_t tls_size;
};

// One grid to run. params[i] points at the i-th parameter's value (already copied by the driver).
struct Launch {
  const KernelEntry* kernel;
  const char* family;
  SharedMemory shared;
  Dim3 grid;
  Dim3 block;
  uint32_t dynamic_shared_bytes;
  void* const* params;
  uint64_t seed;  // schedule seed of this launch (block order, thread order, switch points)
};

// Outcome of run_grid. code is a CUresult value: 0 on success.
struct LaunchError {
  int code = 0;
  std::string message;  // names kernel, block, thread and source line
};

// Runs the whole grid on the calling OS thread, one block at a time in a seeded random order, each
// block's threads as fibers. Never throws. A kernel fault (guard page, bad address) is caught and
// reported as CUDA_ERROR_ILLEGAL_ADDRESS.
LaunchError run_grid(const Launch& launch);

// Marks the calling OS thread as executing device work (copies, memsets) for fault reporting:
// returns false and fills `error` if the operation faulted. Used by the driver's stream workers.
bool run_guarded(const char* what, void (*op)(void*), void* arg, LaunchError& error);

// Says which device allocation an address belongs to, or was freed from ("" when unknown), for
// fault messages. The runtime's default knows nothing; the driver overrides it.
std::string describe_address(uintptr_t address);

// ---- Kernel-side state (read by the shim's threadIdx/blockIdx/... macros) ----
using Uint3 = ::uint3;

struct ThreadState {
  Uint3 thread_idx;
  Uint3 block_idx;
  Uint3 block_dim;
  Uint3 grid_dim;
};

}  // namespace ember::sim

// The simulated thread running on this OS thread (null outside kernels). Initial-exec TLS in the
// runtime library: the kernels' own TLS (shared memory) is global-dynamic in their libraries.
extern "C" __thread ember::sim::ThreadState* ember_sim_current __attribute__((tls_model("initial-exec")));

// Kernel-side entry points into the runtime (called through the shim).
extern "C" {
void ember_sim_syncthreads(const char* file, int line);
// Barrier with a reduction over the block: op 0 count, 1 and, 2 or.
int ember_sim_syncthreads_reduce(int op, int predicate, const char* file, int line);
// Warp collectives; op is one of EMBER_SIM_WARP_*; value is the lane's 64-bit payload.
uint64_t ember_sim_warp(int op, uint32_t mask, uint64_t value, int arg, int width, const char* file, int line);
// Called after every atomic: a seeded switch point.
void ember_sim_atomic_point(void);
// __activemask(): the lanes of the warp that have not exited.
uint32_t ember_sim_active_mask(void);
// Aborts the current block with a clear error (device-side trap / assert).
[[noreturn]] void ember_sim_trap(const char* what, const char* file, int line);
}

enum {
  EMBER_SIM_WARP_SYNC = 0,   // __syncwarp
  EMBER_SIM_WARP_BALLOT = 1, // __ballot_sync
  EMBER_SIM_WARP_ANY = 2,
  EMBER_SIM_WARP_ALL = 3,
  EMBER_SIM_WARP_SHFL = 4,   // arg: source lane
  EMBER_SIM_WARP_SHFL_UP = 5,
  EMBER_SIM_WARP_SHFL_DOWN = 6,
  EMBER_SIM_WARP_SHFL_XOR = 7,
  EMBER_SIM_WARP_MATCH_ANY = 8,
};
