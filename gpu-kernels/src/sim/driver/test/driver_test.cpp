// Tests of the stand-in libcuda.so.1 through its C ABI. Each mode runs in its own process
// (run-tests.sh sets the environment the mode needs before cuInit).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "../cuda_abi.h"

static int g_failures = 0;

#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);      \
      ++g_failures;                                                             \
    }                                                                           \
  } while (0)
#define CHECK_RC(call, want)                                                    \
  do {                                                                          \
    CUresult rc_ = (call);                                                      \
    if (rc_ != (want)) {                                                        \
      std::fprintf(stderr, "FAIL %s:%d: %s returned %d, want %d\n", __FILE__, __LINE__, #call, rc_, int(want)); \
      ++g_failures;                                                             \
    }                                                                           \
  } while (0)
#define OK(call) CHECK_RC(call, CUDA_SUCCESS)

static CUcontext g_ctx;
static CUmodule g_mod;
static const char kFakeImage[] = "not a fatbin";

static void setup() {
  OK(cuInit(0));
  CUdevice dev;
  OK(cuDeviceGet(&dev, 0));
  OK(cuDevicePrimaryCtxRetain(&g_ctx, dev));
  OK(cuCtxSetCurrent(g_ctx));
  OK(cuModuleLoadData(&g_mod, kFakeImage));
}

static CUfunction function(const char* name) {
  CUfunction f = nullptr;
  OK(cuModuleGetFunction(&f, g_mod, name));
  return f;
}

static void launch_fill(CUdeviceptr out, int base, int n, CUstream s) {
  void* args[] = {&out, &base, &n};
  OK(cuLaunchKernel(function("ember_test_fill"), unsigned(n + 63) / 64, 1, 1, 64, 1, 1, 0, s, args, nullptr));
}

// Does writing one byte at p fault? (checked in a child process)
static bool write_faults(volatile unsigned char* p) {
  pid_t pid = fork();
  if (pid == 0) {
    *p = 1;
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void test_basic() {
  // Before cuInit.
  int count = -1;
  CHECK_RC(cuDeviceGetCount(&count), CUDA_ERROR_NOT_INITIALIZED);
  CUdeviceptr d0;
  CHECK_RC(cuMemAlloc_v2(&d0, 16), CUDA_ERROR_NOT_INITIALIZED);
  const char* text = nullptr;
  OK(cuGetErrorName(CUDA_ERROR_ILLEGAL_ADDRESS, &text));
  CHECK(text && std::strcmp(text, "CUDA_ERROR_ILLEGAL_ADDRESS") == 0);

  OK(cuInit(0));
  OK(cuDeviceGetCount(&count));
  CHECK(count == 1);
  CUdevice dev;
  OK(cuDeviceGet(&dev, 0));
  CHECK_RC(cuDeviceGet(&dev, 1), CUDA_ERROR_INVALID_DEVICE);
  char name[128];
  OK(cuDeviceGetName(name, sizeof name, dev));
  CHECK(std::strcmp(name, "Ember SIMT simulator (CPU, not a GPU)") == 0);
  int v = 0;
  OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev));
  CHECK(v == 9);
  OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev));
  CHECK(v == 3);  // EMBER_SIM_SMS=3 from run-tests.sh
  OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED, dev));
  CHECK(v == 1);
  OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, dev));
  CHECK(v == 2147483647);
  OK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z, dev));
  CHECK(v == 64);
  size_t total = 0;
  OK(cuDeviceTotalMem_v2(&total, dev));
  CHECK(total == (size_t(64) << 20));  // EMBER_SIM_DEVICE_MEMORY=64m
  OK(cuDriverGetVersion(&v));
  CHECK(v == 13000);

  // No current context yet.
  CHECK_RC(cuMemAlloc_v2(&d0, 16), CUDA_ERROR_INVALID_CONTEXT);
  setup();
  CUcontext cur = nullptr;
  OK(cuCtxGetCurrent(&cur));
  CHECK(cur == g_ctx);

  // Poisoning and guard page.
  CUdeviceptr d;
  OK(cuMemAlloc_v2(&d, 100));
  CHECK(d % 16 == 0);
  unsigned char* hp = reinterpret_cast<unsigned char*>(d);
  bool poisoned = true;
  for (int i = 0; i < 100; ++i) poisoned &= hp[i] == 0xA5;
  CHECK(poisoned);
  CHECK(!write_faults(hp + 111));  // inside the 16-byte rounding
  CHECK(write_faults(hp + 112));   // the guard page right after round_up(100, 16)
  size_t free_b = 0;
  OK(cuMemGetInfo_v2(&free_b, &total));
  CHECK(total - free_b == size_t(sysconf(_SC_PAGESIZE)));

  // Range validation.
  int host[64] = {};
  CHECK_RC(cuMemcpyHtoD_v2(d + 96, host, 8), CUDA_ERROR_INVALID_VALUE);
  CHECK_RC(cuMemsetD8Async(d + 1, 0, 100, nullptr), CUDA_ERROR_INVALID_VALUE);
  OK(cuMemsetD32_v2(d, 7, 25));
  OK(cuMemcpyDtoH_v2(host, d, 100));
  CHECK(host[0] == 7 && host[24] == 7);

  // Kernel launch on a non-blocking stream, pinned DtoH is asynchronous.
  CUstream s;
  OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  int* pinned = nullptr;
  OK(cuMemHostAlloc(reinterpret_cast<void**>(&pinned), 4096, 0));
  CHECK(reinterpret_cast<uintptr_t>(pinned) % 4096 == 0);
  CUdeviceptr buf;
  OK(cuMemAllocAsync(&buf, 1000 * sizeof(int), s));
  launch_fill(buf, 5, 1000, s);
  pinned[0] = -1;
  // A slow kernel first, so the copy cannot have run when we look.
  int seven = 7;
  CUdeviceptr flag;
  OK(cuMemAllocAsync(&flag, 4, s));
  void* slow_args[] = {&flag, &seven};
  OK(cuLaunchKernel(function("ember_test_slow_set"), 1, 1, 1, 1, 1, 1, 0, s, slow_args, nullptr));
  OK(cuMemcpyDtoHAsync_v2(pinned, buf, 1000 * sizeof(int), s));
  CHECK(pinned[0] == -1);  // not yet: no sync
  CHECK_RC(cuStreamQuery(s), CUDA_ERROR_NOT_READY);
  OK(cuStreamSynchronize(s));
  CHECK(pinned[0] == 5 && pinned[999] == 1004);
  OK(cuStreamQuery(s));

  // Pageable DtoH is synchronous even on an async call.
  std::vector<int> pageable(1000, -1);
  OK(cuLaunchKernel(function("ember_test_slow_set"), 1, 1, 1, 1, 1, 1, 0, s, slow_args, nullptr));
  launch_fill(buf, 100, 1000, s);
  OK(cuMemcpyDtoHAsync_v2(pageable.data(), buf, 1000 * sizeof(int), s));
  CHECK(pageable[0] == 100 && pageable[999] == 1099);

  // Pageable HtoD is staged at the call.
  std::vector<int> src(1000, 42);
  OK(cuLaunchKernel(function("ember_test_slow_set"), 1, 1, 1, 1, 1, 1, 0, s, slow_args, nullptr));
  OK(cuMemcpyHtoDAsync_v2(buf, src.data(), 1000 * sizeof(int), s));
  src.assign(1000, 0);
  OK(cuMemcpyDtoHAsync_v2(pageable.data(), buf, 1000 * sizeof(int), s));
  CHECK(pageable[0] == 42 && pageable[999] == 42);

  // Memset / DtoD queued.
  CUdeviceptr buf2;
  OK(cuMemAllocAsync(&buf2, 1000 * sizeof(int), s));
  OK(cuMemsetD8Async(buf2, 0, 1000 * sizeof(int), s));
  OK(cuMemcpyDtoDAsync_v2(buf2, buf, 8, s));
  OK(cuMemcpyDtoHAsync_v2(pinned, buf2, 16, s));
  OK(cuStreamSynchronize(s));
  CHECK(pinned[0] == 42 && pinned[1] == 42 && pinned[2] == 0 && pinned[3] == 0);

  // Launch validation.
  CUfunction fill = function("ember_test_fill");
  int n = 1, base = 0;
  void* args[] = {&buf, &base, &n};
  CHECK_RC(cuLaunchKernel(fill, 1, 1, 1, 1025, 1, 1, 0, s, args, nullptr), CUDA_ERROR_INVALID_VALUE);
  CHECK_RC(cuLaunchKernel(fill, 1, 1, 1, 32, 32, 2, 0, s, args, nullptr), CUDA_ERROR_INVALID_VALUE);
  CHECK_RC(cuLaunchKernel(fill, 0, 1, 1, 32, 1, 1, 0, s, args, nullptr), CUDA_ERROR_INVALID_VALUE);
  CHECK_RC(cuLaunchKernel(fill, 1, 1, 1, 32, 1, 1, 2048, s, args, nullptr), CUDA_ERROR_INVALID_VALUE);
  CHECK_RC(cuLaunchKernel(fill, 1, 1, 1, 32, 1, 1, 0, s, args, args), CUDA_ERROR_NOT_SUPPORTED);
  CUfunction missing;
  CHECK_RC(cuModuleGetFunction(&missing, g_mod, "no_such_kernel"), CUDA_ERROR_NOT_FOUND);
  OK(cuFuncGetAttribute(&v, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, fill));
  CHECK(v == 1024);
  OK(cuFuncGetAttribute(&v, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, fill));
  CHECK(v >= 256);  // the family's TLS block (shared_tile) was found

  // Legacy default stream vs a blocking stream: legacy work waits for it.
  CUstream blocking;
  OK(cuStreamCreate(&blocking, CU_STREAM_DEFAULT));
  OK(cuMemsetD32Async(flag, 0, 1, s));
  OK(cuStreamSynchronize(s));
  int eight = 8;
  void* slow8[] = {&flag, &eight};
  OK(cuLaunchKernel(function("ember_test_slow_set"), 1, 1, 1, 1, 1, 1, 0, blocking, slow8, nullptr));
  OK(cuMemcpyDtoHAsync_v2(pinned, flag, 4, nullptr));
  OK(cuStreamSynchronize(nullptr));
  CHECK(pinned[0] == 8);
  // ... but a non-blocking stream's work does not.
  int nine = 9;
  void* slow9[] = {&flag, &nine};
  OK(cuLaunchKernel(function("ember_test_slow_set"), 1, 1, 1, 1, 1, 1, 0, s, slow9, nullptr));
  OK(cuMemcpyDtoHAsync_v2(pinned, flag, 4, CU_STREAM_LEGACY));
  OK(cuStreamSynchronize(CU_STREAM_LEGACY));
  CHECK(pinned[0] == 8);
  OK(cuCtxSynchronize());
  OK(cuMemcpyDtoH_v2(pinned, flag, 4));
  CHECK(pinned[0] == 9);

  // Events.
  CUevent ev;
  OK(cuEventCreate(&ev, 0));
  OK(cuLaunchKernel(function("ember_test_slow_set"), 1, 1, 1, 1, 1, 1, 0, s, slow8, nullptr));
  OK(cuEventRecord(ev, s));
  CHECK_RC(cuEventQuery(ev), CUDA_ERROR_NOT_READY);
  OK(cuStreamWaitEvent(blocking, ev, 0));
  OK(cuMemcpyDtoHAsync_v2(pinned, flag, 4, blocking));
  OK(cuStreamSynchronize(blocking));
  CHECK(pinned[0] == 8);
  OK(cuEventSynchronize(ev));
  OK(cuEventQuery(ev));
  float ms;
  CHECK_RC(cuEventElapsedTime(&ms, ev, ev), CUDA_ERROR_NOT_SUPPORTED);
  OK(cuEventDestroy_v2(ev));

  // Stream destroy drains.
  OK(cuLaunchKernel(function("ember_test_slow_set"), 1, 1, 1, 1, 1, 1, 0, blocking, slow9, nullptr));
  OK(cuMemcpyDtoHAsync_v2(pinned, flag, 4, blocking));
  OK(cuStreamDestroy_v2(blocking));
  CHECK_RC(cuStreamSynchronize(blocking), CUDA_ERROR_INVALID_HANDLE);
  OK(cuCtxSynchronize());
  CHECK(pinned[0] == 9);

  // Stream-ordered free: the pool gets the bytes back when the free executes; double free fails.
  OK(cuMemGetInfo_v2(&free_b, &total));
  size_t before = free_b;
  OK(cuLaunchKernel(function("ember_test_slow_set"), 1, 1, 1, 1, 1, 1, 0, s, slow9, nullptr));
  OK(cuMemFreeAsync(buf2, s));
  CHECK_RC(cuMemFreeAsync(buf2, s), CUDA_ERROR_INVALID_VALUE);
  OK(cuMemGetInfo_v2(&free_b, &total));
  CHECK(free_b == before);
  OK(cuStreamSynchronize(s));
  OK(cuMemGetInfo_v2(&free_b, &total));
  CHECK(free_b == before + 4096);
  CHECK(write_faults(reinterpret_cast<unsigned char*>(buf2)));  // quarantined: PROT_NONE
  CHECK_RC(cuMemcpyDtoH_v2(pinned, buf2, 4), CUDA_ERROR_INVALID_VALUE);

  OK(cuMemFreeAsync(buf, s));
  OK(cuMemFreeAsync(flag, s));
  OK(cuMemFree_v2(d));
  OK(cuStreamDestroy_v2(s));
  OK(cuMemFreeHost(pinned));
  OK(cuModuleUnload(g_mod));
  OK(cuDevicePrimaryCtxRelease_v2(0));
  CHECK_RC(cuMemAlloc_v2(&d, 16), CUDA_ERROR_INVALID_CONTEXT);
}

static void test_oom() {  // EMBER_SIM_DEVICE_MEMORY=1m
  setup();
  CUdeviceptr a, b;
  OK(cuMemAllocAsync(&a, 1 << 20, nullptr));
  CHECK_RC(cuMemAllocAsync(&b, 1, nullptr), CUDA_ERROR_OUT_OF_MEMORY);
  size_t f, t;
  OK(cuMemGetInfo_v2(&f, &t));
  CHECK(f == 0 && t == (1u << 20));
  OK(cuMemFreeAsync(a, nullptr));
  OK(cuStreamSynchronize(nullptr));
  OK(cuMemAllocAsync(&b, 1, nullptr));  // not sticky
  OK(cuMemFreeAsync(b, nullptr));
  OK(cuCtxSynchronize());
}

static void test_fail_alloc() {  // EMBER_SIM_FAIL_ALLOC=2
  setup();
  CUdeviceptr a, b, c;
  OK(cuMemAllocAsync(&a, 64, nullptr));
  CHECK_RC(cuMemAllocAsync(&b, 64, nullptr), CUDA_ERROR_OUT_OF_MEMORY);
  OK(cuMemAllocAsync(&c, 64, nullptr));
  OK(cuCtxSynchronize());
}

static void test_fail_launch() {  // EMBER_SIM_FAIL_LAUNCH=2
  setup();
  CUdeviceptr a;
  OK(cuMemAlloc_v2(&a, 64 * sizeof(int)));
  launch_fill(a, 0, 64, nullptr);
  int n = 64, base = 0;
  void* args[] = {&a, &base, &n};
  CHECK_RC(cuLaunchKernel(function("ember_test_fill"), 1, 1, 1, 64, 1, 1, 0, nullptr, args, nullptr),
           CUDA_ERROR_LAUNCH_FAILED);
  CUdeviceptr b;
  CHECK_RC(cuMemAlloc_v2(&b, 64), CUDA_ERROR_LAUNCH_FAILED);  // sticky
  CHECK_RC(cuCtxSynchronize(), CUDA_ERROR_LAUNCH_FAILED);
  // Releasing the primary context resets it.
  OK(cuDevicePrimaryCtxRelease_v2(0));
  setup();
  OK(cuMemAlloc_v2(&b, 64));
  OK(cuCtxSynchronize());
}

static void test_sticky() {
  setup();
  CUstream s;
  OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  OK(cuLaunchKernel(function("ember_test_trap"), 1, 1, 1, 1, 1, 1, 0, s, nullptr, nullptr));
  CUresult trapped = cuStreamSynchronize(s);  // the runtime's code for a trap (719 or 710)
  CHECK(trapped == CUDA_ERROR_LAUNCH_FAILED || trapped == CUDA_ERROR_ASSERT);
  CUdeviceptr a;
  CHECK_RC(cuMemAlloc_v2(&a, 64), trapped);  // sticky
  CHECK_RC(cuCtxSynchronize(), trapped);
  OK(cuDevicePrimaryCtxRelease_v2(0));

  // A device copy touching freed memory (freed on another stream meanwhile) faults: 700, sticky.
  setup();
  OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  CUstream s2;
  OK(cuStreamCreate(&s2, CU_STREAM_NON_BLOCKING));
  CUdeviceptr x, y;
  OK(cuMemAlloc_v2(&x, 4096));
  OK(cuMemAlloc_v2(&y, 4096));
  int seven = 7;
  void* slow[] = {&y, &seven};
  OK(cuLaunchKernel(function("ember_test_slow_set"), 1, 1, 1, 1, 1, 1, 0, s, slow, nullptr));
  OK(cuMemcpyDtoDAsync_v2(y, x, 4096, s));
  OK(cuMemFreeAsync(x, s2));
  OK(cuStreamSynchronize(s2));  // the free has executed; s still sleeps (or, deferred, has not started)
  CHECK_RC(cuStreamSynchronize(s), CUDA_ERROR_ILLEGAL_ADDRESS);
  CHECK_RC(cuStreamCreate(&s2, 0), CUDA_ERROR_ILLEGAL_ADDRESS);
}

static void test_launch_log() {  // EMBER_SIM_LAUNCH_LOG=file
  setup();
  CUdeviceptr a;
  OK(cuMemAlloc_v2(&a, 64 * sizeof(int)));
  for (int i = 0; i < 3; ++i) launch_fill(a, i, 64, nullptr);
  // A kernel from the family given by EMBER_SIM_EXTRA_KERNELS.
  int n = 64, base = 3;
  void* args[] = {&a, &base, &n};
  OK(cuLaunchKernel(function("ember_extra_fill"), 1, 1, 1, 64, 1, 1, 0, nullptr, args, nullptr));
  int host[64];
  OK(cuMemcpyDtoH_v2(host, a, sizeof host));
  CHECK(host[0] == 3 && host[63] == 66);
}

static void test_threads() {  // concurrent callers from many threads
  setup();
  const int kThreads = 8;
  std::vector<std::thread*> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.push_back(new std::thread([t] {
      OK(cuCtxSetCurrent(g_ctx));
      CUstream s;
      OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
      int* pinned;
      OK(cuMemHostAlloc(reinterpret_cast<void**>(&pinned), 256 * sizeof(int), 0));
      for (int round = 0; round < 50; ++round) {
        CUdeviceptr d;
        OK(cuMemAllocAsync(&d, 256 * sizeof(int), s));
        launch_fill(d, t * 1000 + round, 256, s);
        OK(cuMemcpyDtoHAsync_v2(pinned, d, 256 * sizeof(int), s));
        OK(cuMemFreeAsync(d, s));
        OK(cuStreamSynchronize(s));
        CHECK(pinned[0] == t * 1000 + round && pinned[255] == t * 1000 + round + 255);
      }
      OK(cuMemFreeHost(pinned));
      OK(cuStreamDestroy_v2(s));
    }));
  }
  for (auto* th : threads) {
    th->join();
    delete th;
  }
  OK(cuCtxSynchronize());
}

// EMBER_SIM_DEFER_STREAMS=1: queued work runs only once something waits for it.
static void test_defer() {
  setup();
  const int n = 1000;
  const size_t bytes = n * sizeof(int);
  CUstream s;
  OK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  int* pinned = nullptr;
  OK(cuMemHostAlloc(reinterpret_cast<void**>(&pinned), bytes, 0));
  CUdeviceptr buf, buf2;
  OK(cuMemAllocAsync(&buf, bytes, s));
  OK(cuMemAllocAsync(&buf2, bytes, s));
  auto wait_ms = [](int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };

  // (a) A copy to pinned memory after a kernel lands only once the stream is synchronized.
  pinned[0] = -1;
  pinned[n - 1] = -1;
  launch_fill(buf, 5, n, s);
  OK(cuMemcpyDtoHAsync_v2(pinned, buf, bytes, s));
  wait_ms(200);
  CHECK(pinned[0] == -1 && pinned[n - 1] == -1);  // held: nothing waited for it
  OK(cuStreamSynchronize(s));
  CHECK(pinned[0] == 5 && pinned[n - 1] == 5 + n - 1);

  // (b) Data produced on a non-blocking stream, copied on the legacy stream without synchronizing
  // the producer: stale bytes, every time (synchronous copy, and async copy + legacy sync).
  launch_fill(buf, 100, n, s);
  std::vector<int> host(n, 0);
  OK(cuMemcpyDtoH_v2(host.data(), buf, bytes));
  CHECK(host[0] == 5 && host[n - 1] == 5 + n - 1);  // the previous contents
  OK(cuMemcpyDtoHAsync_v2(pinned, buf, bytes, nullptr));
  OK(cuStreamSynchronize(nullptr));
  CHECK(pinned[0] == 5 && pinned[n - 1] == 5 + n - 1);
  launch_fill(buf2, 7, n, s);  // fresh memory: the copy reads the poison
  OK(cuMemcpyDtoH_v2(host.data(), buf2, bytes));
  CHECK(host[0] == int(0xA5A5A5A5) && host[n - 1] == int(0xA5A5A5A5));
  // A pageable copy on the producer's stream waits for it.
  OK(cuMemcpyDtoHAsync_v2(host.data(), buf, bytes, s));
  CHECK(host[0] == 100 && host[n - 1] == 100 + n - 1);
  OK(cuStreamSynchronize(s));

  // (c) Event chain across three streams: s1 -> e1 -> s2 -> e2 -> s3; the waits release upstream.
  CUstream s1, s2, s3;
  OK(cuStreamCreate(&s1, CU_STREAM_NON_BLOCKING));
  OK(cuStreamCreate(&s2, CU_STREAM_NON_BLOCKING));
  OK(cuStreamCreate(&s3, CU_STREAM_NON_BLOCKING));
  CUevent e1, e2, e3;
  OK(cuEventCreate(&e1, 0));
  OK(cuEventCreate(&e2, 0));
  OK(cuEventCreate(&e3, 0));
  pinned[0] = -1;
  launch_fill(buf, 300, n, s1);
  OK(cuEventRecord(e1, s1));
  OK(cuStreamWaitEvent(s2, e1, 0));
  OK(cuMemcpyDtoDAsync_v2(buf2, buf, bytes, s2));
  OK(cuEventRecord(e2, s2));
  OK(cuStreamWaitEvent(s3, e2, 0));
  OK(cuMemcpyDtoHAsync_v2(pinned, buf2, bytes, s3));
  OK(cuEventRecord(e3, s3));
  wait_ms(100);
  CHECK(pinned[0] == -1);
  OK(cuEventSynchronize(e3));
  CHECK(pinned[0] == 300 && pinned[n - 1] == 300 + n - 1);
  OK(cuEventQuery(e1));  // done: s3 waited for it through s2
  OK(cuEventQuery(e2));

  // Polling a query is waiting: cuEventQuery / cuStreamQuery release the work they ask about.
  launch_fill(buf, 400, n, s1);
  OK(cuEventRecord(e1, s1));
  OK(cuStreamWaitEvent(s2, e1, 0));
  OK(cuMemcpyDtoHAsync_v2(pinned, buf, bytes, s2));
  auto poll = [&](auto query) -> CUresult {
    for (int i = 0; i < 1000; ++i) {
      CUresult r = query();
      if (r != CUDA_ERROR_NOT_READY) return r;
      wait_ms(5);
    }
    return CUresult(CUDA_ERROR_NOT_READY);
  };
  CHECK_RC(poll([&] { return cuStreamQuery(s2); }), CUDA_SUCCESS);
  CHECK(pinned[0] == 400 && pinned[n - 1] == 400 + n - 1);
  launch_fill(buf, 500, n, s1);
  OK(cuEventRecord(e1, s1));
  CHECK_RC(poll([&] { return cuEventQuery(e1); }), CUDA_SUCCESS);
  OK(cuMemcpyDtoHAsync_v2(pinned, buf, bytes, s2));  // s2 never waited on s1 here, but s1 is done
  OK(cuStreamSynchronize(s2));
  CHECK(pinned[0] == 500);

  // Legacy stream implicit dependencies: legacy work waits for (and so releases) a blocking stream,
  // and a blocking stream's work waits for prior legacy work.
  CUstream blocking;
  OK(cuStreamCreate(&blocking, CU_STREAM_DEFAULT));
  launch_fill(buf, 600, n, blocking);
  OK(cuMemcpyDtoH_v2(host.data(), buf, bytes));
  CHECK(host[0] == 600 && host[n - 1] == 600 + n - 1);
  launch_fill(buf, 700, n, nullptr);
  OK(cuMemcpyDtoHAsync_v2(pinned, buf, bytes, blocking));
  OK(cuStreamSynchronize(blocking));
  CHECK(pinned[0] == 700 && pinned[n - 1] == 700 + n - 1);

  // A pinned HtoD reads the host bytes when it executes: overwriting them before a sync shows.
  for (int i = 0; i < n; ++i) pinned[i] = 1;
  OK(cuMemcpyHtoDAsync_v2(buf, pinned, bytes, s));
  for (int i = 0; i < n; ++i) pinned[i] = 2;
  OK(cuMemcpyDtoH_v2(host.data(), buf, bytes));  // legacy: does not wait for s
  CHECK(host[0] == 700);
  OK(cuStreamSynchronize(s));
  OK(cuMemcpyDtoH_v2(host.data(), buf, bytes));
  CHECK(host[0] == 2 && host[n - 1] == 2);

  // A stream-ordered free is held too (an allocation does not wait for it); a sync executes it.
  size_t free_b, total, before;
  OK(cuMemGetInfo_v2(&before, &total));
  OK(cuMemFreeAsync(buf2, s));
  CUdeviceptr other;
  OK(cuMemAllocAsync(&other, 64, s));
  wait_ms(50);
  OK(cuMemGetInfo_v2(&free_b, &total));
  CHECK(free_b + 4096 == before);  // buf2 not yet back, other charged
  OK(cuStreamSynchronize(s));
  OK(cuMemGetInfo_v2(&free_b, &total));
  CHECK(free_b == before);  // buf2's 4096 bytes back

  // Stream destroy drains what the stream holds.
  pinned[0] = -1;
  launch_fill(buf, 800, n, s3);
  OK(cuMemcpyDtoHAsync_v2(pinned, buf, bytes, s3));
  OK(cuStreamDestroy_v2(s3));
  for (int i = 0; i < 1000 && pinned[0] != 800; ++i) wait_ms(5);
  CHECK(pinned[0] == 800);

  // cuCtxSynchronize and cuMemFree release every stream.
  launch_fill(buf, 900, n, s1);
  launch_fill(other, 0, 16, s2);
  OK(cuCtxSynchronize());
  OK(cuMemcpyDtoH_v2(host.data(), buf, bytes));
  CHECK(host[0] == 900);
  launch_fill(buf, 1000, n, s1);
  OK(cuMemFree_v2(other));
  OK(cuMemcpyDtoH_v2(host.data(), buf, bytes));
  CHECK(host[0] == 1000);

  // Work left held at context release is drained, not lost or deadlocked.
  launch_fill(buf, 1100, n, s2);
  OK(cuMemcpyDtoHAsync_v2(pinned, buf, bytes, s2));
  OK(cuMemFreeAsync(buf, s2));
  OK(cuEventDestroy_v2(e1));
  OK(cuEventDestroy_v2(e2));
  OK(cuEventDestroy_v2(e3));
  OK(cuModuleUnload(g_mod));
  OK(cuDevicePrimaryCtxRelease_v2(0));
  CHECK(pinned[0] == 1100);
}

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "basic";
  if (mode == "basic") test_basic();
  else if (mode == "oom") test_oom();
  else if (mode == "fail-alloc") test_fail_alloc();
  else if (mode == "fail-launch") test_fail_launch();
  else if (mode == "sticky") test_sticky();
  else if (mode == "launch-log") test_launch_log();
  else if (mode == "threads") test_threads();
  else if (mode == "defer") test_defer();
  else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  std::printf("%s: %s\n", mode.c_str(), g_failures ? "FAILED" : "ok");
  return g_failures ? 1 : 0;
}
