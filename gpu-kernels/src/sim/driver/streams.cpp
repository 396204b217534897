// Streams (one worker thread each, executing its queue in order), the legacy default stream's
// implicit synchronization, and events.
//
// A worker runs its stream's tasks up to the stream's "released" count. Normally every task is
// released as it is queued. With EMBER_SIM_DEFER_STREAMS=1 work is released only when something
// CUDA defines as waiting for it happens (a synchronize or query of the stream or of an event on it,
// a synchronous or pageable copy on it, a context-wide wait, a later task depending on it, stream
// destruction), so a missing synchronization reads stale bytes every time.
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "driver_internal.h"

namespace ember::sim::drv {

struct Task {
  std::function<void()> fn;
  std::vector<Dep> deps;
  bool skip_on_error;
};

struct Stream : std::enable_shared_from_this<Stream> {
  unsigned flags = 0;
  bool legacy = false;
  std::deque<Task> queue;
  uint64_t enqueued = 0;
  uint64_t released = 0;  // the worker may run tasks up to this sequence number
  uint64_t completed = 0;
  bool stopping = false;
  std::condition_variable work_cv;
};

}  // namespace ember::sim::drv

struct EmberSimStream {};  // never instantiated: handles are Stream addresses

struct EmberSimEvent {
  ember::sim::drv::StreamPtr stream;  // null until recorded
  uint64_t seq = 0;
};

namespace ember::sim::drv {
namespace {

// One lock for all stream state (leaked: workers may still run at process exit).
std::mutex& mu = *new std::mutex();
std::condition_variable& done_cv = *new std::condition_variable();  // a task completed / a worker exited
StreamPtr& g_legacy = *new StreamPtr();
std::map<Stream*, StreamPtr>& g_handles = *new std::map<Stream*, StreamPtr>();  // created, not destroyed
std::set<Stream*>& g_running = *new std::set<Stream*>();  // every stream whose worker has not exited
std::set<EmberSimEvent*>& g_events = *new std::set<EmberSimEvent*>();
int g_workers = 0;

// Lets the stream's worker run its tasks up to seq (called with mu held).
void release_locked(Stream* s, uint64_t seq) {
  if (seq > s->enqueued) seq = s->enqueued;
  if (seq <= s->released) return;
  s->released = seq;
  s->work_cv.notify_all();
}

void worker_loop(StreamPtr s) {
  std::unique_lock<std::mutex> lk(mu);
  for (;;) {
    // A stopping stream drains all it holds (stream destroy, context teardown).
    s->work_cv.wait(lk, [&] { return (!s->queue.empty() && (s->completed < s->released || s->stopping)) ||
                                     (s->queue.empty() && s->stopping); });
    if (s->queue.empty()) break;
    Task& t = s->queue.front();  // deque::push_back keeps references valid
    for (const Dep& d : t.deps) {
      release_locked(d.stream.get(), d.seq);  // this stream now waits for it
      done_cv.wait(lk, [&] { return d.stream->completed >= d.seq; });
    }
    std::function<void()> fn = std::move(t.fn);
    bool skip = t.skip_on_error;
    lk.unlock();
    if (!(skip && sticky() != 0)) fn();
    fn = nullptr;  // release captured buffers outside the lock
    lk.lock();
    s->queue.pop_front();
    s->completed++;
    done_cv.notify_all();
  }
  g_running.erase(s.get());
  --g_workers;
  done_cv.notify_all();
}

StreamPtr start_stream(unsigned flags, bool legacy) {  // called with mu held
  auto s = std::make_shared<Stream>();
  s->flags = flags;
  s->legacy = legacy;
  g_running.insert(s.get());
  ++g_workers;
  std::thread(worker_loop, s).detach();
  return s;
}

void stop_locked(const StreamPtr& s) {
  s->stopping = true;
  s->work_cv.notify_all();
}

bool is_legacy_handle(CUstream h) { return h == nullptr || h == CU_STREAM_LEGACY || h == CU_STREAM_PER_THREAD; }

}  // namespace

CUresult resolve_stream(CUstream handle, StreamPtr& out) {
  std::lock_guard<std::mutex> lock(mu);
  if (is_legacy_handle(handle)) {
    if (!g_legacy) return CUDA_ERROR_INVALID_CONTEXT;
    out = g_legacy;
    return CUDA_SUCCESS;
  }
  auto it = g_handles.find(reinterpret_cast<Stream*>(handle));
  if (it == g_handles.end()) return CUDA_ERROR_INVALID_HANDLE;
  out = it->second;
  return CUDA_SUCCESS;
}

uint64_t enqueue(const StreamPtr& s, std::function<void()> fn, bool skip_on_error, std::vector<Dep> deps) {
  std::lock_guard<std::mutex> lock(mu);
  if (s->legacy) {
    // Legacy stream work waits for all prior work of blocking streams.
    for (Stream* other : g_running) {
      if (other->legacy || (other->flags & CU_STREAM_NON_BLOCKING)) continue;
      if (other->enqueued > other->completed) deps.push_back({other->shared_from_this(), other->enqueued});
    }
  } else if (!(s->flags & CU_STREAM_NON_BLOCKING) && g_legacy && g_legacy->enqueued > g_legacy->completed) {
    // Blocking stream work waits for prior legacy stream work.
    deps.push_back({g_legacy, g_legacy->enqueued});
  }
  s->queue.push_back(Task{std::move(fn), std::move(deps), skip_on_error});
  uint64_t seq = ++s->enqueued;
  if (!config().defer_streams) release_locked(s.get(), seq);
  return seq;
}

void wait_stream(const StreamPtr& s, uint64_t seq) {
  std::unique_lock<std::mutex> lk(mu);
  release_locked(s.get(), seq);
  done_cv.wait(lk, [&] { return s->completed >= seq; });
}

void sync_all() {
  std::vector<Dep> all;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (Stream* s : g_running) all.push_back({s->shared_from_this(), s->enqueued});
  }
  for (const Dep& d : all) wait_stream(d.stream, d.seq);
}

void streams_activate() {
  std::lock_guard<std::mutex> lock(mu);
  if (!g_legacy) g_legacy = start_stream(0, true);
}

void streams_teardown() {
  std::unique_lock<std::mutex> lk(mu);
  for (auto& [ptr, s] : g_handles) stop_locked(s);
  g_handles.clear();
  if (g_legacy) stop_locked(g_legacy);
  g_legacy.reset();
  done_cv.wait(lk, [] { return g_workers == 0; });
  for (EmberSimEvent* e : g_events) delete e;
  g_events.clear();
}

}  // namespace ember::sim::drv

using namespace ember::sim::drv;

extern "C" {

CUresult cuStreamCreate(CUstream* phStream, unsigned int flags) {
  EMBER_TRACE("cuStreamCreate flags=%u", flags);
  if (CUresult r = check_ctx()) return r;
  if (!phStream || (flags & ~1u)) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> lock(mu);
  StreamPtr s = start_stream(flags, false);
  g_handles[s.get()] = s;
  *phStream = reinterpret_cast<CUstream>(s.get());
  return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream hStream) {
  EMBER_TRACE("cuStreamDestroy %p", (void*)hStream);
  CUresult r = check_ctx();
  if (r != CUDA_SUCCESS && r != sticky()) return r;
  std::lock_guard<std::mutex> lock(mu);
  auto it = g_handles.find(reinterpret_cast<Stream*>(hStream));
  if (it == g_handles.end()) return CUDA_ERROR_INVALID_HANDLE;
  stop_locked(it->second);  // the worker drains the queue, then exits
  g_handles.erase(it);
  return r;
}

CUresult cuStreamSynchronize(CUstream hStream) {
  EMBER_TRACE("cuStreamSynchronize %p", (void*)hStream);
  if (CUresult r = check_ctx()) return r;
  StreamPtr s;
  if (CUresult r = resolve_stream(hStream, s)) return r;
  uint64_t seq;
  {
    std::lock_guard<std::mutex> lock(mu);
    seq = s->enqueued;
  }
  wait_stream(s, seq);
  return sticky();
}

CUresult cuStreamQuery(CUstream hStream) {
  if (CUresult r = check_ctx()) return r;
  StreamPtr s;
  if (CUresult r = resolve_stream(hStream, s)) return r;
  std::lock_guard<std::mutex> lock(mu);
  release_locked(s.get(), s->enqueued);  // a caller polling it waits for it
  return s->completed >= s->enqueued ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

CUresult cuStreamGetFlags(CUstream hStream, unsigned int* flags) {
  if (CUresult r = check_ctx()) return r;
  if (!flags) return CUDA_ERROR_INVALID_VALUE;
  StreamPtr s;
  if (CUresult r = resolve_stream(hStream, s)) return r;
  *flags = s->flags;
  return CUDA_SUCCESS;
}

CUresult cuEventCreate(CUevent* phEvent, unsigned int flags) {
  EMBER_TRACE("cuEventCreate");
  if (CUresult r = check_ctx()) return r;
  if (!phEvent || (flags & ~0xFu)) return CUDA_ERROR_INVALID_VALUE;
  auto* e = new EmberSimEvent();
  std::lock_guard<std::mutex> lock(mu);
  g_events.insert(e);
  *phEvent = e;
  return CUDA_SUCCESS;
}

CUresult cuEventRecord(CUevent hEvent, CUstream hStream) {
  EMBER_TRACE("cuEventRecord %p", (void*)hEvent);
  if (CUresult r = check_ctx()) return r;
  StreamPtr s;
  if (CUresult r = resolve_stream(hStream, s)) return r;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!g_events.count(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
  }
  uint64_t seq = enqueue(s, [] {}, false);
  std::lock_guard<std::mutex> lock(mu);
  if (!g_events.count(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
  hEvent->stream = s;
  hEvent->seq = seq;
  return CUDA_SUCCESS;
}

CUresult cuEventQuery(CUevent hEvent) {
  if (CUresult r = check_ctx()) return r;
  std::lock_guard<std::mutex> lock(mu);
  if (!g_events.count(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
  if (!hEvent->stream) return CUDA_SUCCESS;
  release_locked(hEvent->stream.get(), hEvent->seq);  // a caller polling it waits for it
  return hEvent->stream->completed >= hEvent->seq ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

CUresult cuEventSynchronize(CUevent hEvent) {
  EMBER_TRACE("cuEventSynchronize %p", (void*)hEvent);
  if (CUresult r = check_ctx()) return r;
  Dep d;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!g_events.count(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    if (!hEvent->stream) return CUDA_SUCCESS;
    d = {hEvent->stream, hEvent->seq};
  }
  wait_stream(d.stream, d.seq);
  return sticky();
}

CUresult cuEventDestroy_v2(CUevent hEvent) {
  EMBER_TRACE("cuEventDestroy %p", (void*)hEvent);
  CUresult r = check_ctx();
  if (r != CUDA_SUCCESS && r != sticky()) return r;
  std::lock_guard<std::mutex> lock(mu);
  if (!g_events.erase(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
  delete hEvent;  // queued record tasks hold no pointer to it
  return r;
}

CUresult cuEventElapsedTime(float* pMilliseconds, CUevent, CUevent) {
  if (pMilliseconds) *pMilliseconds = 0.0f;
  return CUDA_ERROR_NOT_SUPPORTED;  // the simulator never gives timings
}

CUresult cuStreamWaitEvent(CUstream hStream, CUevent hEvent, unsigned int flags) {
  EMBER_TRACE("cuStreamWaitEvent %p %p", (void*)hStream, (void*)hEvent);
  if (CUresult r = check_ctx()) return r;
  if (flags & ~1u) return CUDA_ERROR_INVALID_VALUE;
  StreamPtr s;
  if (CUresult r = resolve_stream(hStream, s)) return r;
  Dep d;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!g_events.count(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    if (!hEvent->stream) return CUDA_SUCCESS;
    d = {hEvent->stream, hEvent->seq};
  }
  enqueue(s, [] {}, false, {d});
  return CUDA_SUCCESS;
}

}  // extern "C"
