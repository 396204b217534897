// One block in flight: its threads as fibers, its warps, its barrier, and the checks of CUDA's rules.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ember_sim_runtime.h"
#include "fiber.h"

namespace ember::sim {

enum class FiberState : uint8_t { Runnable, Barrier, Warp, Exited };

struct Fiber {
  ThreadState ts;  // what kernel code reads through ember_sim_current
  void* sp = nullptr;
  Stack stack{};
  FiberState state = FiberState::Runnable;
  int linear = 0;
  int lane = 0;
  int warp = 0;
  // Where it waits (barrier or warp collective).
  const char* file = nullptr;
  int line = 0;
  // Warp collective in progress.
  int op = 0;
  uint32_t mask = 0;
  uint64_t value = 0;
  int arg = 0;
  int width = 32;
  uint64_t result = 0;
  // Barrier reduction.
  int reduce_op = -1;
  int predicate = 0;
};

struct WarpState {
  uint32_t exists = 0;   // lanes that belong to the block
  uint32_t exited = 0;
  uint32_t waiting = 0;  // lanes waiting in a warp collective
  uint32_t barrier = 0;  // lanes waiting at __syncthreads
};

// Deterministic, seedable generator (splitmix64).
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
};

struct Grid;

struct Block {
  const Grid* grid = nullptr;
  Uint3 index{};
  std::vector<Fiber>* fibers = nullptr;
  int size = 0;
  std::vector<WarpState> warps;
  std::vector<int> runnable;
  void* scheduler_sp = nullptr;
  Fiber* running = nullptr;
  int exited = 0;
  int at_barrier = 0;
  const char* barrier_file = nullptr;
  int barrier_line = 0;
  int barrier_op = -1;
  bool failed = false;
  std::string error;
  Rng* rng = nullptr;
};

struct Grid {
  const Launch* launch;
  unsigned threads_per_block;
  uint32_t yield_one_in;  // a switch at an atomic with probability 1/yield_one_in
};

// Runs one block to completion or to its first error (block.failed, block.error).
void run_block(Block& block);

// "block (x,y,z), thread (x,y,z) (lane l of warp w)".
std::string where(const Block& block, const Fiber& fiber);

}  // namespace ember::sim
