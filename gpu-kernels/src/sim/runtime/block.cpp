// Block execution: threads are fibers switched cooperatively in a seeded random order. Switch points
// are the barriers, the warp collectives (a rendezvous of exactly the lanes of the mask) and, with a
// seeded probability, every atomic. Each rule CUDA leaves undefined is an error naming the kernel,
// block, thread and source line, instead of a hang or a silently wrong answer.
#include "block.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>

namespace ember::sim {

static __thread Block* tl_block __attribute__((tls_model("initial-exec")));

}  // namespace ember::sim

extern "C" {
__thread ember::sim::ThreadState* ember_sim_current __attribute__((tls_model("initial-exec")));
}

namespace ember::sim {
namespace {

const char* base_name(const char* file) {
  if (file == nullptr) return "?";
  const char* slash = std::strrchr(file, '/');
  return slash == nullptr ? file : slash + 1;
}

const char* op_name(int op) {
  switch (op) {
    case EMBER_SIM_WARP_SYNC: return "__syncwarp";
    case EMBER_SIM_WARP_BALLOT: return "__ballot_sync";
    case EMBER_SIM_WARP_ANY: return "__any_sync";
    case EMBER_SIM_WARP_ALL: return "__all_sync";
    case EMBER_SIM_WARP_SHFL: return "__shfl_sync";
    case EMBER_SIM_WARP_SHFL_UP: return "__shfl_up_sync";
    case EMBER_SIM_WARP_SHFL_DOWN: return "__shfl_down_sync";
    case EMBER_SIM_WARP_SHFL_XOR: return "__shfl_xor_sync";
    case EMBER_SIM_WARP_MATCH_ANY: return "__match_any_sync";
    default: return "warp collective";
  }
}

std::string site(const char* file, int line) {
  return std::string(base_name(file)) + ":" + std::to_string(line);
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Switches from the running fiber back to the block's scheduler.
void to_scheduler(Block& b) {
  Fiber* self = b.running;
  ember_sim_switch(&self->sp, b.scheduler_sp);
}

// Records the block's first error and leaves the fiber for good: the scheduler abandons the block.
[[noreturn]] void fail(Block& b, const std::string& message) {
  if (!b.failed) {
    b.failed = true;
    b.error = message;
  }
  to_scheduler(b);
  __builtin_unreachable();
}

std::string prefix(const Block& b) { return std::string(b.grid->launch->kernel->name) + ": "; }

void make_runnable(Block& b, Fiber& f) {
  f.state = FiberState::Runnable;
  b.runnable.push_back(f.linear);
}

// Lane ranges of a mask, e.g. "lanes 0-15,20".
std::string lanes(uint32_t mask) {
  std::string out;
  for (int i = 0; i < 32;) {
    if (!((mask >> i) & 1u)) { i++; continue; }
    int j = i;
    while (j + 1 < 32 && ((mask >> (j + 1)) & 1u)) j++;
    if (!out.empty()) out += ",";
    out += std::to_string(i);
    if (j > i) out += "-" + std::to_string(j);
    i = j + 1;
  }
  return out.empty() ? "none" : out;
}

uint64_t lane_value(const std::vector<Fiber>& fibers, int warp_base, int lane) {
  return fibers[warp_base + lane].value;
}

// Computes every participant's result once the last lane of the mask has arrived.
void complete_warp_op(Block& b, Fiber& last) {
  std::vector<Fiber>& fibers = *b.fibers;
  const int base = last.warp * 32;
  const uint32_t mask = last.mask;
  uint32_t ballot = 0;
  for (int l = 0; l < 32; l++) {
    if (((mask >> l) & 1u) && fibers[base + l].value != 0) ballot |= 1u << l;
  }
  for (int l = 0; l < 32; l++) {
    if (!((mask >> l) & 1u)) continue;
    Fiber& f = fibers[base + l];
    const int w = f.width;
    const int seg = l & ~(w - 1);
    int src = -1;
    switch (f.op) {
      case EMBER_SIM_WARP_SYNC: f.result = 0; break;
      case EMBER_SIM_WARP_BALLOT: f.result = ballot; break;
      case EMBER_SIM_WARP_ANY: f.result = ballot != 0; break;
      case EMBER_SIM_WARP_ALL: f.result = ballot == mask; break;
      case EMBER_SIM_WARP_SHFL: src = seg + (f.arg & (w - 1)); break;
      case EMBER_SIM_WARP_SHFL_UP: src = (l - seg) >= f.arg ? l - f.arg : l; break;
      case EMBER_SIM_WARP_SHFL_DOWN: src = (l - seg) + f.arg < w ? l + f.arg : l; break;
      case EMBER_SIM_WARP_SHFL_XOR: {
        const int x = l ^ f.arg;
        src = (x & ~(w - 1)) == seg && x < 32 ? x : l;
        break;
      }
      case EMBER_SIM_WARP_MATCH_ANY: {
        uint32_t same = 0;
        for (int k = 0; k < 32; k++) {
          if (((mask >> k) & 1u) && fibers[base + k].value == f.value) same |= 1u << k;
        }
        f.result = same;
        break;
      }
      default: break;
    }
    if (src >= 0) {
      if (!((mask >> src) & 1u)) {
        fail(b, prefix(b) + op_name(f.op) + " in " + where(b, f) + " at " + site(f.file, f.line) + " reads lane " +
                    std::to_string(src) + ", which is not in the mask " + hex(mask) +
                    " (the value of a lane outside the mask is undefined)");
      }
      f.result = lane_value(fibers, base, src);
    }
  }
  b.warps[last.warp].waiting &= ~mask;
  for (int l = 0; l < 32; l++) {
    if ((mask >> l) & 1u) make_runnable(b, fibers[base + l]);
  }
}

void release_barrier(Block& b) {
  std::vector<Fiber>& fibers = *b.fibers;
  int count = 0, all = 1, any = 0;
  for (int i = 0; i < b.size; i++) {
    count += fibers[i].predicate != 0;
    all &= fibers[i].predicate != 0;
    any |= fibers[i].predicate != 0;
  }
  for (int i = 0; i < b.size; i++) {
    Fiber& f = fibers[i];
    f.result = f.reduce_op == 0 ? count : f.reduce_op == 1 ? all : f.reduce_op == 2 ? any : 0;
    make_runnable(b, f);
  }
  for (WarpState& w : b.warps) w.barrier = 0;
  b.at_barrier = 0;
  b.barrier_file = nullptr;
  b.barrier_op = -1;
}

// Groups the threads that are not runnable by what they wait for, for a deadlock report.
std::string waiting_report(const Block& b) {
  std::map<std::string, std::vector<int>> groups;
  for (const Fiber& f : *b.fibers) {
    std::string what;
    switch (f.state) {
      case FiberState::Exited: what = "have exited"; break;
      case FiberState::Barrier: what = "wait at __syncthreads " + site(f.file, f.line); break;
      case FiberState::Warp:
        what = "wait in " + std::string(op_name(f.op)) + " (mask " + hex(f.mask) + ") at " + site(f.file, f.line);
        break;
      case FiberState::Runnable: what = "are runnable"; break;
    }
    groups[what].push_back(f.linear);
  }
  std::string out;
  for (auto& [what, ids] : groups) {
    std::string range;
    for (size_t i = 0; i < ids.size();) {
      size_t j = i;
      while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) j++;
      if (!range.empty()) range += ",";
      range += std::to_string(ids[i]);
      if (j > i) range += "-" + std::to_string(ids[j]);
      i = j + 1;
    }
    out += "; threads " + range + " " + what;
  }
  return out;
}

void fiber_entry(void* arg) {
  auto* f = static_cast<Fiber*>(arg);
  Block& b = *tl_block;
  const Launch& launch = *b.grid->launch;
  launch.kernel->invoke(launch.params);
  // The thread has exited: lanes or a barrier still waiting for it can never complete.
  f->state = FiberState::Exited;
  b.exited++;
  WarpState& w = b.warps[f->warp];
  w.exited |= 1u << f->lane;
  if (w.waiting != 0) {
    for (int l = 0; l < 32; l++) {
      const Fiber& other = (*b.fibers)[f->warp * 32 + l];
      if (((w.waiting >> l) & 1u) && ((other.mask >> f->lane) & 1u)) {
        fail(b, prefix(b) + "thread " + where(b, *f) + " exited while lane " + std::to_string(l) + " waits for it in " +
                    op_name(other.op) + " (mask " + hex(other.mask) + ") at " + site(other.file, other.line));
      }
    }
  }
  if (b.at_barrier > 0) {
    fail(b, prefix(b) + "barrier at " + site(b.barrier_file, b.barrier_line) + " in block (" +
                std::to_string(b.index.x) + "," + std::to_string(b.index.y) + "," + std::to_string(b.index.z) +
                ") is reached by only part of the block: thread " + where(b, *f) + " exited while " +
                std::to_string(b.at_barrier) + " threads wait there");
  }
  to_scheduler(b);
  __builtin_unreachable();
}

}  // namespace

std::string where(const Block& b, const Fiber& f) {
  std::ostringstream s;
  s << "block (" << b.index.x << "," << b.index.y << "," << b.index.z << "), thread (" << f.ts.thread_idx.x << ","
    << f.ts.thread_idx.y << "," << f.ts.thread_idx.z << ") (lane " << f.lane << " of warp " << f.warp << ")";
  return s.str();
}

void run_block(Block& b) {
  tl_block = &b;
  std::vector<Fiber>& fibers = *b.fibers;
  const Launch& launch = *b.grid->launch;
  b.warps.assign((b.size + 31) / 32, WarpState{});
  b.runnable.clear();
  for (int i = 0; i < b.size; i++) {
    Fiber& f = fibers[i];
    f.state = FiberState::Runnable;
    f.linear = i;
    f.lane = i % 32;
    f.warp = i / 32;
    f.ts.thread_idx = Uint3{static_cast<unsigned>(i % launch.block.x), static_cast<unsigned>(i / launch.block.x % launch.block.y),
                            static_cast<unsigned>(i / (launch.block.x * launch.block.y))};
    f.ts.block_idx = b.index;
    f.ts.block_dim = Uint3{launch.block.x, launch.block.y, launch.block.z};
    f.ts.grid_dim = Uint3{launch.grid.x, launch.grid.y, launch.grid.z};
    f.reduce_op = -1;
    f.predicate = 0;
    f.sp = prepare_fiber(f.stack, fiber_entry, &f);
    b.warps[f.warp].exists |= 1u << f.lane;
    b.runnable.push_back(i);
  }
  while (!b.failed) {
    if (!b.runnable.empty()) {
      const uint32_t pick = b.rng->below(static_cast<uint32_t>(b.runnable.size()));
      const int idx = b.runnable[pick];
      b.runnable[pick] = b.runnable.back();
      b.runnable.pop_back();
      Fiber& f = fibers[idx];
      b.running = &f;
      ember_sim_current = &f.ts;
      ember_sim_switch(&b.scheduler_sp, f.sp);
      ember_sim_current = nullptr;
      continue;
    }
    if (b.exited == b.size) break;
    // Nobody can run and not everyone has exited.
    b.failed = true;
    if (b.at_barrier > 0 && b.at_barrier + b.exited == b.size) {
      b.error = prefix(b) + "barrier at " + site(b.barrier_file, b.barrier_line) + " in block (" +
                std::to_string(b.index.x) + "," + std::to_string(b.index.y) + "," + std::to_string(b.index.z) +
                ") is reached by only part of the block" + waiting_report(b);
    } else {
      b.error = prefix(b) + "deadlock in block (" + std::to_string(b.index.x) + "," + std::to_string(b.index.y) + "," +
                std::to_string(b.index.z) + ")" + waiting_report(b);
    }
  }
  tl_block = nullptr;
}

}  // namespace ember::sim

using ember::sim::Block;
using ember::sim::Fiber;
using ember::sim::FiberState;

extern "C" void ember_sim_syncthreads(const char* file, int line) {
  ember_sim_syncthreads_reduce(-1, 0, file, line);
}

extern "C" int ember_sim_syncthreads_reduce(int op, int predicate, const char* file, int line) {
  using namespace ember::sim;
  Block& b = *tl_block;
  Fiber& f = *b.running;
  if (b.at_barrier == 0) {
    b.barrier_file = file;
    b.barrier_line = line;
    b.barrier_op = op;
  } else if (b.barrier_line != line || b.barrier_op != op ||
             (b.barrier_file != file && std::strcmp(base_name(b.barrier_file), base_name(file)) != 0)) {
    fail(b, prefix(b) + "divergent barrier: thread " + where(b, f) + " reaches __syncthreads at " + site(file, line) +
                " while " + std::to_string(b.at_barrier) + " threads wait at " +
                site(b.barrier_file, b.barrier_line));
  }
  if (b.warps[f.warp].waiting != 0) {
    // A lane of this warp waits in a collective that names this thread: it can never complete.
    WarpState& w = b.warps[f.warp];
    for (int l = 0; l < 32; l++) {
      const Fiber& other = (*b.fibers)[f.warp * 32 + l];
      if (((w.waiting >> l) & 1u) && ((other.mask >> f.lane) & 1u)) {
        fail(b, prefix(b) + "thread " + where(b, f) + " reaches __syncthreads at " + site(file, line) + " while lane " +
                    std::to_string(l) + " waits for it in " + op_name(other.op) + " at " +
                    site(other.file, other.line));
      }
    }
  }
  f.state = FiberState::Barrier;
  b.warps[f.warp].barrier |= 1u << f.lane;
  f.file = file;
  f.line = line;
  f.reduce_op = op;
  f.predicate = predicate;
  b.at_barrier++;
  if (b.at_barrier == b.size) {
    release_barrier(b);
  }
  to_scheduler(b);
  return static_cast<int>(f.result);
}

extern "C" uint64_t ember_sim_warp(int op, uint32_t mask, uint64_t value, int arg, int width, const char* file,
                                   int line) {
  using namespace ember::sim;
  Block& b = *tl_block;
  Fiber& f = *b.running;
  WarpState& w = b.warps[f.warp];
  const uint32_t self = 1u << f.lane;
  // Checked on every arrival, so the message is built only when a check fails.
  auto call = [&] { return std::string(op_name(op)) + " (mask " + hex(mask) + ") at " + site(file, line); };
  if (width < 1 || width > 32 || (width & (width - 1)) != 0) {
    fail(b, prefix(b) + call() + " in " + where(b, f) + ": width " + std::to_string(width) + " is not a power of 2 up to 32");
  }
  if ((mask & self) == 0) {
    fail(b, prefix(b) + call() + " in " + where(b, f) + ": the mask does not name the calling lane");
  }
  if ((mask & ~w.exists) != 0) {
    fail(b, prefix(b) + call() + " in " + where(b, f) + ": the mask names lanes " + lanes(mask & ~w.exists) +
                ", which do not exist (the warp has lanes " + lanes(w.exists) + ")");
  }
  if ((mask & w.exited) != 0) {
    fail(b, prefix(b) + call() + " in " + where(b, f) + ": the mask names lanes " + lanes(mask & w.exited) +
                ", which have exited");
  }
  if ((mask & w.barrier) != 0) {
    const int l = __builtin_ctz(mask & w.barrier);
    const Fiber& other = (*b.fibers)[f.warp * 32 + l];
    fail(b, prefix(b) + call() + " in " + where(b, f) + ": lane " + std::to_string(l) +
                " of the mask waits at __syncthreads " + site(other.file, other.line));
  }
  for (uint32_t others = w.waiting & mask; others != 0; others &= others - 1) {
    const int l = __builtin_ctz(others);
    const Fiber& other = (*b.fibers)[f.warp * 32 + l];
    if (other.op != op || other.mask != mask || other.line != line ||
        (other.file != file && std::strcmp(base_name(other.file), base_name(file)) != 0)) {
      fail(b, prefix(b) + call() + " in " + where(b, f) + ": lane " + std::to_string(l) + " of the mask waits elsewhere, in " +
                  op_name(other.op) + " (mask " + hex(other.mask) + ") at " + site(other.file, other.line));
    }
  }
  f.state = FiberState::Warp;
  f.op = op;
  f.mask = mask;
  f.value = value;
  f.arg = arg;
  f.width = width;
  f.file = file;
  f.line = line;
  w.waiting |= self;
  if ((w.waiting & mask) == mask) {
    complete_warp_op(b, f);
  }
  to_scheduler(b);
  return f.result;
}

extern "C" void ember_sim_atomic_point(void) {
  using namespace ember::sim;
  Block& b = *tl_block;
  if (b.grid->yield_one_in != 0 && b.rng->below(b.grid->yield_one_in) == 0) {
    make_runnable(b, *b.running);
    to_scheduler(b);
  }
}

extern "C" uint32_t ember_sim_active_mask(void) {
  using namespace ember::sim;
  Block& b = *tl_block;
  const WarpState& w = b.warps[b.running->warp];
  return w.exists & ~w.exited;
}

extern "C" void ember_sim_trap(const char* what, const char* file, int line) {
  using namespace ember::sim;
  Block& b = *tl_block;
  fail(b, prefix(b) + what + " in " + where(b, *b.running) + " at " + site(file, line));
}
