// Device memory (host mmaps with a guard page, poisoned, stream-ordered frees into a quarantine),
// pinned host memory, copies and memsets.
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cinttypes>
#include <cstring>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>

#include "driver_internal.h"

namespace ember::sim::drv {
namespace {

struct DevAlloc {
  uintptr_t base = 0;   // start of the mapping
  size_t data_len = 0;  // mapped bytes before the guard page
  uintptr_t start = 0;  // the device pointer: guard - round_up(bytes, 16)
  size_t bytes = 0;     // requested size
};

constexpr size_t kQuarantineLimit = size_t(256) << 20;

std::mutex& mu = *new std::mutex();
std::map<uintptr_t, DevAlloc>& g_live = *new std::map<uintptr_t, DevAlloc>();  // by start
std::deque<DevAlloc>& g_quarantine = *new std::deque<DevAlloc>();
size_t g_quarantine_bytes = 0;
size_t g_used = 0;  // charged bytes (data pages) of live and not yet executed-freed allocations
std::map<uintptr_t, size_t>& g_pinned = *new std::map<uintptr_t, size_t>();  // start -> mapped length
std::atomic<long> g_alloc_count{0};

size_t page_size() {
  static const size_t p = size_t(sysconf(_SC_PAGESIZE));
  return p;
}
size_t round_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

CUresult allocate(const char* call, size_t bytes, CUdeviceptr* dptr) {
  if (!dptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  long n = ++g_alloc_count;
  if (config().fail_alloc > 0 && n == config().fail_alloc) {
    warn("EMBER_SIM_FAIL_ALLOC=%ld: %s of %zu bytes fails with CUDA_ERROR_OUT_OF_MEMORY", n, call, bytes);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  const size_t page = page_size();
  const size_t rounded = round_up(bytes, 16);
  const size_t data_len = round_up(rounded, page);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (g_used + data_len > config().device_memory || g_used + data_len < g_used) return CUDA_ERROR_OUT_OF_MEMORY;
    g_used += data_len;
  }
  void* m = mmap(nullptr, data_len + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED || mprotect(static_cast<char*>(m) + data_len, page, PROT_NONE) != 0) {
    if (m != MAP_FAILED) munmap(m, data_len + page);
    std::lock_guard<std::mutex> lock(mu);
    g_used -= data_len;
    warn("%s: mmap of %zu bytes failed: %s", call, data_len + page, std::strerror(errno));
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  std::memset(m, config().poison, data_len);  // fresh device memory is never zero
  DevAlloc a;
  a.base = reinterpret_cast<uintptr_t>(m);
  a.data_len = data_len;
  a.start = a.base + data_len - rounded;
  a.bytes = bytes;
  {
    std::lock_guard<std::mutex> lock(mu);
    g_live[a.start] = a;
  }
  *dptr = a.start;
  EMBER_TRACE("%s %zu bytes -> 0x%" PRIxPTR, call, bytes, a.start);
  return CUDA_SUCCESS;
}

// Takes a live allocation out of the table (the free is then executed later).
CUresult take_live(const char* call, CUdeviceptr p, DevAlloc& out) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = g_live.find(uintptr_t(p));
  if (it == g_live.end()) {
    warn("%s: 0x%llx is not a live device allocation (double free, or not the start of one)", call, p);
    return CUDA_ERROR_INVALID_VALUE;
  }
  out = it->second;
  g_live.erase(it);
  return CUDA_SUCCESS;
}

// Executes a free: the bytes become 0xDD and inaccessible, and go back to the pool.
void execute_free(const DevAlloc& a) {
  std::memset(reinterpret_cast<void*>(a.base), 0xDD, a.data_len);
  mprotect(reinterpret_cast<void*>(a.base), a.data_len, PROT_NONE);
  std::lock_guard<std::mutex> lock(mu);
  g_used -= a.data_len;
  g_quarantine.push_back(a);
  g_quarantine_bytes += a.data_len;
  while (g_quarantine_bytes > kQuarantineLimit) {
    const DevAlloc& old = g_quarantine.front();
    munmap(reinterpret_cast<void*>(old.base), old.data_len + page_size());
    g_quarantine_bytes -= old.data_len;
    g_quarantine.pop_front();
  }
}

// Is [p, p+n) inside one live allocation? Prints a line naming the call when not.
bool device_range_ok(const char* call, CUdeviceptr p, size_t n) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = g_live.upper_bound(uintptr_t(p));
  if (it != g_live.begin()) {
    --it;
    const DevAlloc& a = it->second;
    if (p >= a.start && n <= a.bytes && p - a.start <= a.bytes - n) return true;
  }
  warn("%s: device range 0x%llx + %zu bytes is outside any live allocation", call, p, n);
  return false;
}

bool host_pinned(const void* ptr, size_t n) {
  uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  std::lock_guard<std::mutex> lock(mu);
  auto it = g_pinned.upper_bound(p);
  if (it == g_pinned.begin()) return false;
  --it;
  return p >= it->first && n <= it->second && p - it->first <= it->second - n;
}

// Prologue of a copy/memset: context, stream, n == 0.
CUresult prologue(CUstream h, StreamPtr& s) {
  if (CUresult r = check_ctx()) return r;
  return resolve_stream(h, s);
}

CUresult finish_sync(const StreamPtr& s, uint64_t seq) {
  wait_stream(s, seq);
  return sticky();
}

CUresult memset_async(const char* call, CUdeviceptr dst, uint32_t value, unsigned width, size_t n, CUstream h,
                      bool sync) {
  EMBER_TRACE("%s 0x%llx value=%u n=%zu", call, dst, value, n);
  StreamPtr s;
  if (CUresult r = prologue(h, s)) return r;
  if (n == 0) return CUDA_SUCCESS;
  if (dst % width != 0 || n > SIZE_MAX / width) return CUDA_ERROR_INVALID_VALUE;
  if (!device_range_ok(call, dst, n * width)) return CUDA_ERROR_INVALID_VALUE;
  uint64_t seq = enqueue(s, [=] {
    guarded(call, [=] {
      unsigned char* d = reinterpret_cast<unsigned char*>(dst);
      if (width == 1) {
        std::memset(d, int(value & 0xFF), n);
      } else if (width == 2) {
        uint16_t v = uint16_t(value);
        for (size_t i = 0; i < n; ++i) std::memcpy(d + 2 * i, &v, 2);
      } else {
        for (size_t i = 0; i < n; ++i) std::memcpy(d + 4 * i, &value, 4);
      }
    });
  }, true);
  return sync ? finish_sync(s, seq) : CUDA_SUCCESS;
}

CUresult htod(const char* call, CUdeviceptr dst, const void* src, size_t n, CUstream h, bool sync) {
  EMBER_TRACE("%s 0x%llx <- %p n=%zu", call, dst, src, n);
  StreamPtr s;
  if (CUresult r = prologue(h, s)) return r;
  if (n == 0) return CUDA_SUCCESS;
  if (!src) return CUDA_ERROR_INVALID_VALUE;
  if (!device_range_ok(call, dst, n)) return CUDA_ERROR_INVALID_VALUE;
  uint64_t seq;
  if (sync || host_pinned(src, n)) {
    // Pinned (or a synchronous call): the host bytes are read when the copy executes.
    seq = enqueue(s, [=] { guarded(call, [=] { std::memcpy(reinterpret_cast<void*>(dst), src, n); }); }, true);
  } else {
    // Pageable: staged at the call, as the real driver does.
    auto staged = std::make_shared<std::vector<unsigned char>>(static_cast<const unsigned char*>(src),
                                                               static_cast<const unsigned char*>(src) + n);
    seq = enqueue(s, [=] { guarded(call, [=] { std::memcpy(reinterpret_cast<void*>(dst), staged->data(), n); }); },
                  true);
  }
  return sync ? finish_sync(s, seq) : CUDA_SUCCESS;
}

CUresult dtoh(const char* call, void* dst, CUdeviceptr src, size_t n, CUstream h, bool sync) {
  EMBER_TRACE("%s %p <- 0x%llx n=%zu", call, dst, src, n);
  StreamPtr s;
  if (CUresult r = prologue(h, s)) return r;
  if (n == 0) return CUDA_SUCCESS;
  if (!dst) return CUDA_ERROR_INVALID_VALUE;
  if (!device_range_ok(call, src, n)) return CUDA_ERROR_INVALID_VALUE;
  uint64_t seq = enqueue(s, [=] { guarded(call, [=] { std::memcpy(dst, reinterpret_cast<const void*>(src), n); }); },
                         true);
  // To pageable memory the call returns only once the copy is done (CUDA's rule).
  if (sync || !host_pinned(dst, n)) return finish_sync(s, seq);
  return CUDA_SUCCESS;
}

CUresult dtod(const char* call, CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h, bool sync) {
  EMBER_TRACE("%s 0x%llx <- 0x%llx n=%zu", call, dst, src, n);
  StreamPtr s;
  if (CUresult r = prologue(h, s)) return r;
  if (n == 0) return CUDA_SUCCESS;
  if (!device_range_ok(call, dst, n) || !device_range_ok(call, src, n)) return CUDA_ERROR_INVALID_VALUE;
  uint64_t seq = enqueue(
      s, [=] { guarded(call, [=] { std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<void*>(src), n); }); },
      true);
  return sync ? finish_sync(s, seq) : CUDA_SUCCESS;
}

}  // namespace

void guarded(const char* what, const std::function<void()>& op) {
  LaunchError err;
  auto tramp = [](void* a) { (*static_cast<const std::function<void()>*>(a))(); };
  if (!run_guarded(what, tramp, const_cast<std::function<void()>*>(&op), err))
    set_sticky(err.code ? err.code : CUDA_ERROR_ILLEGAL_ADDRESS,
               err.message.empty() ? std::string(what) + " faulted on device memory" : err.message);
}

std::string describe(uintptr_t address) {
  char buf[200];
  std::lock_guard<std::mutex> lock(mu);
  const size_t page = page_size();
  auto it = g_live.upper_bound(address);
  if (it != g_live.begin()) {
    const DevAlloc& a = std::prev(it)->second;
    if (address >= a.base && address < a.base + a.data_len + page) {
      if (address < a.start)
        std::snprintf(buf, sizeof buf, "%zu bytes before device allocation 0x%" PRIxPTR " (%zu bytes)",
                      size_t(a.start - address), a.start, a.bytes);
      else if (address < a.start + a.bytes)
        std::snprintf(buf, sizeof buf, "offset %zu of device allocation 0x%" PRIxPTR " (%zu bytes)",
                      size_t(address - a.start), a.start, a.bytes);
      else
        std::snprintf(buf, sizeof buf, "%zu bytes past the end of device allocation 0x%" PRIxPTR " (%zu bytes)",
                      size_t(address - (a.start + a.bytes)), a.start, a.bytes);
      return buf;
    }
  }
  for (auto q = g_quarantine.rbegin(); q != g_quarantine.rend(); ++q) {
    if (address >= q->base && address < q->base + q->data_len + page) {
      std::snprintf(buf, sizeof buf, "offset %td of FREED device allocation 0x%" PRIxPTR " (%zu bytes)",
                    std::ptrdiff_t(address - q->start), q->start, q->bytes);
      return buf;
    }
  }
  return "";
}

void memory_teardown() {
  std::lock_guard<std::mutex> lock(mu);
  const size_t page = page_size();
  for (auto& [start, a] : g_live) munmap(reinterpret_cast<void*>(a.base), a.data_len + page);
  g_live.clear();
  for (const DevAlloc& a : g_quarantine) munmap(reinterpret_cast<void*>(a.base), a.data_len + page);
  g_quarantine.clear();
  g_quarantine_bytes = 0;
  g_used = 0;
  // Pinned host memory stays mapped and tracked: the JVM may still hold it (cuMemFreeHost frees it).
}

}  // namespace ember::sim::drv

// Overrides the runtime's weak default: names the allocation a faulting address belongs to.
std::string ember::sim::describe_address(uintptr_t address) { return drv::describe(address); }

using namespace ember::sim;
using namespace ember::sim::drv;

extern "C" {

CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
  EMBER_TRACE("cuMemGetInfo");
  if (CUresult r = check_ctx()) return r;
  if (!free || !total) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> lock(mu);
  *total = config().device_memory;
  *free = config().device_memory - g_used;
  return CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytesize) {
  if (CUresult r = check_ctx()) return r;
  return allocate("cuMemAlloc", bytesize, dptr);
}

CUresult cuMemAllocAsync(CUdeviceptr* dptr, size_t bytesize, CUstream hStream) {
  StreamPtr s;
  if (CUresult r = prologue(hStream, s)) return r;
  return allocate("cuMemAllocAsync", bytesize, dptr);  // reserved at the call; usable in stream order
}

CUresult cuMemFree_v2(CUdeviceptr dptr) {
  EMBER_TRACE("cuMemFree 0x%llx", dptr);
  if (CUresult r = check_ctx()) return r;
  DevAlloc a;
  if (CUresult r = take_live("cuMemFree", dptr, a)) return r;
  sync_all();  // cuMemFree waits for the device to stop using it
  execute_free(a);
  return CUDA_SUCCESS;
}

CUresult cuMemFreeAsync(CUdeviceptr dptr, CUstream hStream) {
  EMBER_TRACE("cuMemFreeAsync 0x%llx", dptr);
  StreamPtr s;
  if (CUresult r = prologue(hStream, s)) return r;
  DevAlloc a;
  if (CUresult r = take_live("cuMemFreeAsync", dptr, a)) return r;
  enqueue(s, [a] { execute_free(a); }, false);
  return CUDA_SUCCESS;
}

CUresult cuMemHostAlloc(void** pp, size_t bytesize, unsigned int flags) {
  EMBER_TRACE("cuMemHostAlloc %zu flags=%u", bytesize, flags);
  if (CUresult r = check_ctx()) return r;
  if (!pp || bytesize == 0) return CUDA_ERROR_INVALID_VALUE;
  size_t len = round_up(bytesize, page_size());
  void* m = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
  std::lock_guard<std::mutex> lock(mu);
  g_pinned[reinterpret_cast<uintptr_t>(m)] = len;
  *pp = m;
  return CUDA_SUCCESS;
}

CUresult cuMemAllocHost_v2(void** pp, size_t bytesize) { return cuMemHostAlloc(pp, bytesize, 0); }

CUresult cuMemFreeHost(void* p) {
  EMBER_TRACE("cuMemFreeHost %p", p);
  CUresult r = check_ctx();
  if (r != CUDA_SUCCESS && r != sticky()) return r;
  size_t len;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = g_pinned.find(reinterpret_cast<uintptr_t>(p));
    if (it == g_pinned.end()) return CUDA_ERROR_INVALID_VALUE;
    len = it->second;
    g_pinned.erase(it);
  }
  sync_all();  // as CUDA does: no queued copy may still use it
  munmap(p, len);
  return r;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t n) { return htod("cuMemcpyHtoD", dst, src, n, nullptr, true); }
CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t n) { return dtoh("cuMemcpyDtoH", dst, src, n, nullptr, true); }
CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) { return dtod("cuMemcpyDtoD", dst, src, n, nullptr, true); }
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t n, CUstream h) {
  return htod("cuMemcpyHtoDAsync", dst, src, n, h, false);
}
CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t n, CUstream h) {
  return dtoh("cuMemcpyDtoHAsync", dst, src, n, h, false);
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
  return dtod("cuMemcpyDtoDAsync", dst, src, n, h, false);
}
CUresult cuMemsetD8_v2(CUdeviceptr d, unsigned char v, size_t n) { return memset_async("cuMemsetD8", d, v, 1, n, nullptr, true); }
CUresult cuMemsetD16_v2(CUdeviceptr d, unsigned short v, size_t n) { return memset_async("cuMemsetD16", d, v, 2, n, nullptr, true); }
CUresult cuMemsetD32_v2(CUdeviceptr d, unsigned int v, size_t n) { return memset_async("cuMemsetD32", d, v, 4, n, nullptr, true); }
CUresult cuMemsetD8Async(CUdeviceptr d, unsigned char v, size_t n, CUstream h) {
  return memset_async("cuMemsetD8Async", d, v, 1, n, h, false);
}
CUresult cuMemsetD16Async(CUdeviceptr d, unsigned short v, size_t n, CUstream h) {
  return memset_async("cuMemsetD16Async", d, v, 2, n, h, false);
}
CUresult cuMemsetD32Async(CUdeviceptr d, unsigned int v, size_t n, CUstream h) {
  return memset_async("cuMemsetD32Async", d, v, 4, n, h, false);
}

}  // extern "C"
