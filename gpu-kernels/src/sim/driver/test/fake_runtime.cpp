// THROWAWAY stand-in for the SIMT runtime (gpu-kernels/src/sim/runtime/), only for testing the
// driver on its own: runs every thread of the grid sequentially, no fibers, no barriers.
#include <setjmp.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ember_sim_runtime.h"

__thread ember::sim::ThreadState* ember_sim_current __attribute__((tls_model("initial-exec"))) = nullptr;

namespace {

struct Trap {
  std::string what;
};

__thread sigjmp_buf* tl_guard __attribute__((tls_model("initial-exec"))) = nullptr;
__thread void* tl_fault_addr __attribute__((tls_model("initial-exec"))) = nullptr;
struct sigaction g_previous;
bool g_installed = false;

void on_segv(int sig, siginfo_t* info, void* uctx) {
  if (tl_guard) {
    tl_fault_addr = info->si_addr;
    siglongjmp(*tl_guard, 1);
  }
  // Not ours: chain (the JVM uses SIGSEGV itself).
  if (g_previous.sa_flags & SA_SIGINFO) {
    g_previous.sa_sigaction(sig, info, uctx);
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
  } else {
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

void install() {
  if (g_installed) return;
  g_installed = true;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, &g_previous);
}

}  // namespace

extern "C" [[noreturn]] void ember_sim_trap(const char* what, const char* file, int line) {
  throw Trap{std::string(what) + " at " + file + ":" + std::to_string(line)};
}

namespace ember::sim {

LaunchError run_grid(const Launch& l) {
  LaunchError err;
  ThreadState st{};
  st.block_dim = {l.block.x, l.block.y, l.block.z};
  st.grid_dim = {l.grid.x, l.grid.y, l.grid.z};
  try {
    for (unsigned bz = 0; bz < l.grid.z; ++bz)
      for (unsigned by = 0; by < l.grid.y; ++by)
        for (unsigned bx = 0; bx < l.grid.x; ++bx)
          for (unsigned tz = 0; tz < l.block.z; ++tz)
            for (unsigned ty = 0; ty < l.block.y; ++ty)
              for (unsigned tx = 0; tx < l.block.x; ++tx) {
                st.block_idx = {bx, by, bz};
                st.thread_idx = {tx, ty, tz};
                ember_sim_current = &st;
                l.kernel->invoke(l.params);
              }
  } catch (const Trap& t) {
    err.code = 719;  // CUDA_ERROR_LAUNCH_FAILED, as the real runtime reports a trap
    err.message = std::string("kernel ") + l.kernel->name + ": " + t.what;
  }
  ember_sim_current = nullptr;
  return err;
}

bool run_guarded(const char* what, void (*op)(void*), void* arg, LaunchError& error) {
  install();
  sigjmp_buf buf;
  if (sigsetjmp(buf, 1) != 0) {
    tl_guard = nullptr;
    char msg[256];
    std::snprintf(msg, sizeof msg, "%s: illegal address %p", what, tl_fault_addr);
    error.code = 700;
    error.message = msg;
    return false;
  }
  tl_guard = &buf;
  op(arg);
  tl_guard = nullptr;
  return true;
}

}  // namespace ember::sim
