// Internal interface between the stand-in driver's parts (device/context, errors, memory, streams,
// modules/launch). Not seen by kernels or JCuda.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cuda_abi.h"
#include "ember_sim_runtime.h"

namespace ember::sim::drv {

// ---- Configuration (read once at cuInit) ----
struct Config {
  uint64_t seed = 0;
  size_t device_memory = size_t(8) << 30;
  int sms = 4;
  long fail_launch = 0;  // 0: off
  long fail_alloc = 0;   // 0: off
  std::string launch_log;
  bool verbose = false;
  unsigned char poison = 0xA5;
  bool defer_streams = false;  // EMBER_SIM_DEFER_STREAMS: queued work runs only once something waits for it
};
const Config& config();
bool initialized();

// ---- Errors and logging (errors.cpp) ----
void trace(const char* fmt, ...) __attribute__((format(printf, 1, 2)));  // only with EMBER_SIM_VERBOSE
void warn(const char* fmt, ...) __attribute__((format(printf, 1, 2)));   // always, "[ember-sim] " prefix
int sticky();                                           // the context's sticky error, 0 when none
void set_sticky(int code, const std::string& message);  // first error wins; printed once
void clear_sticky();

#define EMBER_TRACE(...)                                     \
  do {                                                       \
    if (::ember::sim::drv::config().verbose) ::ember::sim::drv::trace(__VA_ARGS__); \
  } while (0)

// ---- Context (device.cpp) ----
// NOT_INITIALIZED before cuInit, INVALID_CONTEXT without an active current context, else the
// sticky error (0 when none).
CUresult check_ctx();

// ---- Streams (streams.cpp) ----
struct Stream;
using StreamPtr = std::shared_ptr<Stream>;
struct Dep {
  StreamPtr stream;
  uint64_t seq;  // wait until stream has completed this many tasks
};
// Resolves a handle (0, CU_STREAM_LEGACY, CU_STREAM_PER_THREAD: the legacy stream).
CUresult resolve_stream(CUstream handle, StreamPtr& out);
// Queues fn on the stream (with the legacy-stream implicit dependencies); returns its sequence
// number. skip_on_error: not run once a sticky error exists.
uint64_t enqueue(const StreamPtr& s, std::function<void()> fn, bool skip_on_error, std::vector<Dep> deps = {});
// Waits until the stream has completed seq tasks (releasing them first: EMBER_SIM_DEFER_STREAMS).
void wait_stream(const StreamPtr& s, uint64_t seq);
void sync_all();  // releases and waits for all work queued so far on every stream
void streams_activate();  // the primary context becomes active: start the legacy stream
void streams_teardown();  // drain and stop every stream, forget events

// ---- Memory (memory.cpp) ----
std::string describe(uintptr_t address);  // which allocation holds (or held) an address
void memory_teardown();  // frees every device allocation and the quarantine
// Runs a device-side operation through run_guarded; a fault becomes the sticky error.
void guarded(const char* what, const std::function<void()>& op);

// ---- Modules and launches (launch.cpp) ----
void load_families();
void modules_teardown();

uint64_t splitmix64(uint64_t x);

}  // namespace ember::sim::drv
