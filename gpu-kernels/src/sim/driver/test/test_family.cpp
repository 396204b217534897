// A tiny kernel family for the driver tests, registered the way generated families are.
#include <unistd.h>

#include "ember_sim_runtime.h"

#define TID (ember_sim_current->block_idx.x * ember_sim_current->block_dim.x + ember_sim_current->thread_idx.x)

// "Shared memory": global-dynamic TLS of this family (external linkage so it is kept).
__thread int shared_tile[64];

namespace {

// ember_test_fill(int* out, int base, int n): out[i] = base + i
void fill(void* const* p) {
  int* out = *static_cast<int* const*>(p[0]);
  int base = *static_cast<const int*>(p[1]);
  int n = *static_cast<const int*>(p[2]);
  unsigned i = TID;
  shared_tile[i % 64] = int(i);
  if (int(i) < n) out[i] = base + shared_tile[i % 64];
}

// ember_test_slow_set(int* out, int value): sleeps 200 ms, then out[0] = value (thread 0)
void slow_set(void* const* p) {
  if (TID != 0) return;
  usleep(200000);
  **static_cast<int* const*>(p[0]) = *static_cast<const int*>(p[1]);
}

void trap(void* const*) { ember_sim_trap("trap()", __FILE__, __LINE__); }

const uint32_t kFillSizes[] = {8, 4, 4};
const uint32_t kSlowSizes[] = {8, 4};
#ifndef EMBER_TEST_PREFIX
#define EMBER_TEST_PREFIX "ember_test_"
#endif
const ember::sim::KernelEntry kKernels[] = {
    {EMBER_TEST_PREFIX "fill", 3, kFillSizes, fill},
    {EMBER_TEST_PREFIX "slow_set", 2, kSlowSizes, slow_set},
    {EMBER_TEST_PREFIX "trap", 0, nullptr, trap},
};
const ember::sim::FamilyEntry kFamily = {EMBER_TEST_PREFIX "family", 3, kKernels, 1024};

}  // namespace

extern "C" __attribute__((visibility("default"))) const ember::sim::FamilyEntry* ember_sim_family() { return &kFamily; }
