// Grids: blocks one at a time in a seeded random order on the calling OS thread, each block's shared
// memory poisoned first; device faults (guard pages, freed memory) become errors instead of crashes.
#include <dlfcn.h>
#include <signal.h>
#include <setjmp.h>
#include <ucontext.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "block.h"
#include "ember_sim_runtime.h"

extern "C" void* __tls_get_addr(void*);

namespace ember::sim {

// The driver overrides this to say which allocation an address belongs to (or was freed from).
__attribute__((weak)) std::string describe_address(uintptr_t address) {
  (void)address;
  return "";
}

namespace {

struct Guard {
  sigjmp_buf env;
  uintptr_t address;
  uintptr_t ip;
  int signal;
};

__thread Guard* tl_guard __attribute__((tls_model("initial-exec")));
__thread bool tl_altstack __attribute__((tls_model("initial-exec")));

struct sigaction previous_segv;
struct sigaction previous_bus;
std::once_flag handlers_installed;

void on_fault(int sig, siginfo_t* info, void* context) {
  Guard* guard = tl_guard;
  if (guard != nullptr) {
    tl_guard = nullptr;
    guard->signal = sig;
    guard->address = reinterpret_cast<uintptr_t>(info->si_addr);
    guard->ip = static_cast<uintptr_t>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
    siglongjmp(guard->env, 1);
  }
  // Not ours (e.g. the JVM's implicit null checks): hand it to whoever was installed before.
  const struct sigaction& previous = sig == SIGSEGV ? previous_segv : previous_bus;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, context);
  } else if (previous.sa_handler == SIG_DFL || previous.sa_handler == SIG_IGN) {
    signal(sig, SIG_DFL);  // returning re-executes the access, which now ends the process
  } else {
    previous.sa_handler(sig);
  }
}

void install_handlers() {
  std::call_once(handlers_installed, [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &previous_segv);
    sigaction(SIGBUS, &action, &previous_bus);
  });
  // A fiber that overflows its stack faults on its guard page: the handler needs a stack of its own.
  if (!tl_altstack) {
    stack_t alt;
    std::memset(&alt, 0, sizeof alt);
    alt.ss_size = 64 * 1024;
    alt.ss_sp = std::malloc(alt.ss_size);  // kept for the thread's life
    sigaltstack(&alt, nullptr);
    tl_altstack = true;
  }
}

uint8_t poison_byte() {
  static const uint8_t value = [] {
    const char* v = std::getenv("EMBER_SIM_POISON");
    return static_cast<uint8_t>(v != nullptr ? std::strtoul(v, nullptr, 0) : 0xA5);
  }();
  return value;
}

struct TlsIndex {
  unsigned long module;
  unsigned long offset;
};

void poison_shared(const SharedMemory& shared) {
  if (shared.tls_modid == 0 || shared.tls_size == 0) return;
  TlsIndex index{shared.tls_modid, 0};
  std::memset(__tls_get_addr(&index), poison_byte(), shared.tls_size);
}

std::string fault_message(const Guard& g) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "illegal address 0x%lx (%s)", static_cast<unsigned long>(g.address),
                g.signal == SIGBUS ? "SIGBUS" : "SIGSEGV");
  std::string out = buf;
  const std::string owner = describe_address(g.address);
  if (!owner.empty()) out += ": " + owner;
  Dl_info info;
  if (g.ip != 0 && dladdr(reinterpret_cast<void*>(g.ip), &info) != 0 && info.dli_fname != nullptr) {
    std::snprintf(buf, sizeof buf, "; faulting instruction at %s+0x%lx (addr2line -f -C -e <that library> 0x%lx)",
                  info.dli_fname, static_cast<unsigned long>(g.ip - reinterpret_cast<uintptr_t>(info.dli_fbase)),
                  static_cast<unsigned long>(g.ip - reinterpret_cast<uintptr_t>(info.dli_fbase)));
    out += buf;
  }
  return out;
}

// Runs op(arg); false when it faulted (guard filled in). A function of its own so that no local of
// its callers lives across the sigsetjmp.
__attribute__((noinline)) bool guarded_op(void (*op)(void*), void* arg, Guard& guard) {
  tl_guard = &guard;
  if (sigsetjmp(guard.env, 1) == 0) {
    op(arg);
    tl_guard = nullptr;
    return true;
  }
  return false;
}

bool guarded_block(Block& block, Guard& guard) {
  return guarded_op([](void* b) { run_block(*static_cast<Block*>(b)); }, &block, guard);
}

}  // namespace

LaunchError run_grid(const Launch& launch) {
  install_handlers();
  LaunchError result;
  const unsigned threads = launch.block.x * launch.block.y * launch.block.z;
  const uint64_t blocks = static_cast<uint64_t>(launch.grid.x) * launch.grid.y * launch.grid.z;
  if (threads == 0 || blocks == 0) return result;

  std::vector<Fiber> fibers(threads);
  for (Fiber& f : fibers) f.stack = acquire_stack();
  Rng rng{launch.seed};
  // Blocks in a seeded random order: a kernel must not depend on the order blocks run in.
  std::vector<uint32_t> order;
  const bool shuffled = blocks <= (1u << 24);
  if (shuffled) {
    order.resize(blocks);
    for (uint64_t i = 0; i < blocks; i++) order[i] = static_cast<uint32_t>(i);
    for (uint64_t i = blocks - 1; i > 0; i--) std::swap(order[i], order[rng.next() % (i + 1)]);
  }
  const uint64_t rotation = shuffled ? 0 : rng.next() % blocks;

  Grid grid{&launch, threads, 4};
  Block block;
  block.grid = &grid;
  block.fibers = &fibers;
  block.size = static_cast<int>(threads);
  block.rng = &rng;
  Guard guard;
  for (uint64_t i = 0; i < blocks; i++) {
    const uint64_t id = shuffled ? order[i] : (i + rotation) % blocks;
    block.index = Uint3{static_cast<unsigned>(id % launch.grid.x), static_cast<unsigned>(id / launch.grid.x % launch.grid.y),
                        static_cast<unsigned>(id / (static_cast<uint64_t>(launch.grid.x) * launch.grid.y))};
    block.running = nullptr;
    block.failed = false;
    block.error.clear();
    block.exited = 0;
    block.at_barrier = 0;
    block.barrier_file = nullptr;
    block.barrier_op = -1;
    poison_shared(launch.shared);
    if (!guarded_block(block, guard)) {
      ember_sim_current = nullptr;
      result.code = 700;  // CUDA_ERROR_ILLEGAL_ADDRESS
      result.message = std::string(launch.kernel->name) + ": " + fault_message(guard);
      if (block.running != nullptr) result.message += " in " + where(block, *block.running);
      break;
    }
    if (block.failed) {
      result.code = 719;  // CUDA_ERROR_LAUNCH_FAILED
      result.message = block.error;
      break;
    }
  }
  for (Fiber& f : fibers) release_stack(f.stack);
  return result;
}

bool run_guarded(const char* what, void (*op)(void*), void* arg, LaunchError& error) {
  install_handlers();
  Guard guard;
  if (guarded_op(op, arg, guard)) return true;
  error.code = 700;
  error.message = std::string(what) + ": " + fault_message(guard);
  return false;
}

}  // namespace ember::sim
