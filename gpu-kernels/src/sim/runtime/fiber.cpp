#include "fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

extern "C" void ember_sim_fiber_start();

namespace ember::sim {
namespace {

// Generous for CPU-compiled kernel code (no register file: locals live on the stack); only the
// pages a fiber touches are committed.
constexpr size_t kStackBytes = 256 * 1024;

std::mutex pool_mutex;
std::vector<Stack>& pool() {
  static auto* stacks = new std::vector<Stack>();  // never destroyed: fibers may outlive static destructors
  return *stacks;
}

}  // namespace

Stack acquire_stack() {
  {
    std::lock_guard<std::mutex> lock(pool_mutex);
    if (!pool().empty()) {
      Stack s = pool().back();
      pool().pop_back();
      return s;
    }
  }
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* region = mmap(nullptr, kStackBytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
  if (region == MAP_FAILED) {
    std::fprintf(stderr, "[ember-sim] cannot map a fiber stack: %s\n", std::strerror(errno));
    std::abort();
  }
  mprotect(region, page, PROT_NONE);
  // Stack tops at one page offset would put every fiber's saved registers in the same L1 cache set:
  // a block switching among hundreds of fibers would miss on every switch.
  static std::atomic<size_t> next_color{0};
  const size_t color = (next_color++ * 64 * 7) % 4096;
  return Stack{static_cast<char*>(region) + page, kStackBytes, color};
}

void release_stack(Stack stack) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  pool().push_back(stack);
}

void* prepare_fiber(Stack stack, void (*entry)(void*), void* arg) {
  // From the top: return address (the trampoline), rbp, rbx, r12 (arg), r13 (entry), r14, r15, and
  // the MXCSR / x87 control word, matching the pops in ember_sim_switch. The top is 16-byte aligned
  // so that the trampoline's call leaves entry with the ABI's alignment.
  auto top = reinterpret_cast<uintptr_t>(stack.base + stack.size - stack.color) & ~uintptr_t{15};
  auto* slot = reinterpret_cast<uint64_t*>(top);
  *--slot = reinterpret_cast<uint64_t>(&ember_sim_fiber_start);
  *--slot = 0;                                      // rbp
  *--slot = 0;                                      // rbx
  *--slot = reinterpret_cast<uint64_t>(arg);        // r12
  *--slot = reinterpret_cast<uint64_t>(entry);      // r13
  *--slot = 0;                                      // r14
  *--slot = 0;                                      // r15
  uint32_t mxcsr;
  uint16_t fpcw;
  __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
  __asm__ volatile("fnstcw %0" : "=m"(fpcw));
  *--slot = 0;
  std::memcpy(reinterpret_cast<char*>(slot), &mxcsr, 4);
  std::memcpy(reinterpret_cast<char*>(slot) + 4, &fpcw, 2);
  return slot;
}

}  // namespace ember::sim
