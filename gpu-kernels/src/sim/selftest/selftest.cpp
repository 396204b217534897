// The simulator's self-tests: each case runs in a child process through the stand-in driver's C API
// (as JCuda does), and passes only when the simulator catches the deliberately wrong kernel of
// selftest.cu with the expected error (or, for races, the expected wrong bytes).
//   selftest                 runs every case, prints one line per case, exits 1 if one fails
//   selftest --case NAME     runs one case in this process (what the children do)
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

// The driver API as JCuda binds it (the simulator's own declarations; no CUDA toolkit needed).
extern "C" {
typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st* CUcontext;
typedef struct CUmod_st* CUmodule;
typedef struct CUfunc_st* CUfunction;
typedef struct CUstream_st* CUstream;
typedef unsigned long long CUdeviceptr;
CUresult cuInit(unsigned flags);
CUresult cuDeviceGet(CUdevice* device, int ordinal);
CUresult cuDevicePrimaryCtxRetain(CUcontext* ctx, CUdevice device);
CUresult cuCtxSetCurrent(CUcontext ctx);
CUresult cuCtxSynchronize(void);
CUresult cuModuleLoadData(CUmodule* module, const void* image);
CUresult cuModuleGetFunction(CUfunction* f, CUmodule module, const char* name);
CUresult cuMemAllocAsync(CUdeviceptr* ptr, size_t bytes, CUstream stream);
CUresult cuMemFreeAsync(CUdeviceptr ptr, CUstream stream);
CUresult cuMemHostAlloc(void** ptr, size_t bytes, unsigned flags);
CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, CUstream stream);
CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t bytes, CUstream stream);
CUresult cuStreamCreate(CUstream* stream, unsigned flags);
CUresult cuStreamSynchronize(CUstream stream);
CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, CUstream stream, void** params, void** extra);
}

namespace {

constexpr CUresult kIllegalAddress = 700;
constexpr CUresult kLaunchFailed = 719;
constexpr CUresult kOutOfMemory = 2;

CUmodule module;
CUstream stream;

void check(CUresult r, const char* what) {
  if (r != 0) {
    std::printf("RESULT %s returned %d\n", what, r);
    std::fflush(stdout);
    std::exit(3);
  }
}

void setup() {
  check(cuInit(0), "cuInit");
  CUdevice dev;
  check(cuDeviceGet(&dev, 0), "cuDeviceGet");
  CUcontext ctx;
  check(cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
  check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
  static const char image[] = "selftest";
  check(cuModuleLoadData(&module, image), "cuModuleLoadData");
  check(cuStreamCreate(&stream, 1), "cuStreamCreate");
}

CUfunction fn(const char* name) {
  CUfunction f;
  check(cuModuleGetFunction(&f, module, name), name);
  return f;
}

CUdeviceptr alloc(size_t bytes) {
  CUdeviceptr p;
  check(cuMemAllocAsync(&p, bytes, stream), "cuMemAllocAsync");
  return p;
}

template <typename T>
std::vector<T> download(CUdeviceptr src, size_t n) {
  void* pinned;
  check(cuMemHostAlloc(&pinned, n * sizeof(T), 0), "cuMemHostAlloc");
  check(cuMemcpyDtoHAsync_v2(pinned, src, n * sizeof(T), stream), "cuMemcpyDtoHAsync");
  check(cuStreamSynchronize(stream), "cuStreamSynchronize");
  std::vector<T> out(static_cast<T*>(pinned), static_cast<T*>(pinned) + n);
  return out;
}

// Launches and synchronizes; prints the result code for the parent to check.
void launch_and_report(const char* name, unsigned grid, unsigned block, std::vector<void*> params) {
  CUresult r = cuLaunchKernel(fn(name), grid, 1, 1, block, 1, 1, 0, stream, params.data(), nullptr);
  if (r == 0) r = cuStreamSynchronize(stream);
  std::printf("RESULT %d\n", r);
}

int rotate(const char* kernel) {
  const int n = 4 * 256;
  CUdeviceptr out = alloc(n * 4);
  launch_and_report(kernel, 4, 256, {&out});
  std::vector<int32_t> got = download<int32_t>(out, n);
  int wrong = 0, poisoned = 0;
  for (int i = 0; i < n; i++) {
    const int t = i % 256;
    wrong += got[i] != ((t + 1) % 256) * 3;
    poisoned += static_cast<uint32_t>(got[i]) == 0xA5A5A5A5u;
  }
  std::printf("WRONG %d POISONED %d\n", wrong, poisoned);
  return 0;
}

int run_case(const std::string& name) {
  setup();
  if (name == "barrier-ok") return rotate("selftest_rotate_ok");
  if (name == "missing-barrier") return rotate("selftest_rotate_missing_barrier");
  // Kernels whose only parameter is an int32 output, launched as one block of `threads`.
  const struct {
    const char* name;
    const char* kernel;
    unsigned threads;
  } one_block[] = {
      {"partial-warp-ballot", "selftest_full_mask_ballot", 48},
      {"divergent-barrier", "selftest_divergent_barrier", 64},
      {"partial-barrier", "selftest_partial_barrier", 64},
      {"collective-deadlock", "selftest_collective_deadlock", 32},
  };
  for (const auto& c : one_block) {
    if (name == c.name) {
      CUdeviceptr out = alloc(c.threads * 4);
      launch_and_report(c.kernel, 1, c.threads, {&out});
      return 0;
    }
  }
  if (name == "match-any") {
    CUdeviceptr out = alloc(48 * 4);
    launch_and_report("selftest_match_any", 1, 48, {&out});
    std::vector<uint32_t> got = download<uint32_t>(out, 48);
    int wrong = 0;
    for (int t = 0; t < 48; t++) {
      const int lane = t & 31;
      uint32_t want = 0;
      for (int k = 0; k < 32; k++) {
        if (t < 32 && lane % 2 == 0 && k % 2 == 0 && k % 6 == lane % 6) want |= 1u << k;
        if (t >= 32 && k < 16 && k / 3 == lane / 3) want |= 1u << k;
      }
      wrong += got[t] != want;
    }
    std::printf("MATCH WRONG %d\n", wrong);
    return 0;
  }
  if (name == "write-past-allocation") {
    int64_t n = 1024;
    CUdeviceptr out = alloc(n * 4);
    launch_and_report("selftest_write_past_end", 5, 256, {&out, &n});
    return 0;
  }
  if (name == "read-before-sync") {
    // The kernel's result, copied to pinned memory: read before the stream is synchronized, the host
    // sees the old bytes (CUDA guarantees nothing else); after it, the kernel's.
    int64_t n = 4096;
    int32_t value = 7;
    CUdeviceptr out = alloc(n * 4);
    CUdeviceptr scratch = alloc(4);
    check(cuMemsetD8Async(out, 0, n * 4, stream), "cuMemsetD8Async");
    int32_t* pinned;
    check(cuMemHostAlloc(reinterpret_cast<void**>(&pinned), n * 4, 0), "cuMemHostAlloc");
    std::memset(pinned, 0, n * 4);
    std::vector<void*> params{&out, &n, &value, &scratch};
    check(cuLaunchKernel(fn("selftest_slow_fill"), 4, 1, 1, 256, 1, 1, 0, stream, params.data(), nullptr), "launch");
    check(cuMemcpyDtoHAsync_v2(pinned, out, n * 4, stream), "cuMemcpyDtoHAsync");
    const int32_t before = pinned[n - 1];
    check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    std::printf("BEFORE %d AFTER %d\n", before, pinned[n - 1]);
    return 0;
  }
  if (name == "out-of-memory") {
    CUdeviceptr p;
    std::printf("RESULT %d\n", cuMemAllocAsync(&p, 2u << 20, stream));  // EMBER_SIM_DEVICE_MEMORY=1m
    return 0;
  }
  if (name == "injected-launch-failure") {
    CUdeviceptr out = alloc(64 * 4);
    launch_and_report("selftest_rotate_ok", 1, 64, {&out});  // launch 1 runs
    launch_and_report("selftest_rotate_ok", 1, 64, {&out});  // EMBER_SIM_FAIL_LAUNCH=2
    return 0;
  }
  std::printf("unknown case %s\n", name.c_str());
  return 2;
}

struct Case {
  const char* name;
  std::vector<std::string> env;
  // Checks the child's output (stdout and stderr together); returns "" when the check holds.
  std::function<std::string(const std::string&)> expect;
};

std::function<std::string(const std::string&)> contains(std::vector<std::string> parts) {
  return [parts](const std::string& out) {
    for (const std::string& p : parts) {
      if (out.find(p) == std::string::npos) return "missing \"" + p + "\"";
    }
    return std::string();
  };
}

std::string run_child(const char* self, const Case& c) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    for (const std::string& e : c.env) putenv(strdup(e.c_str()));
    execl(self, self, "--case", c.name, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t got;
  while ((got = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(got));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) out += "\n[killed by signal " + std::to_string(WTERMSIG(status)) + "]";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--case") == 0) return run_case(argv[2]);
  const std::string code_failed = "RESULT " + std::to_string(kLaunchFailed);
  const std::string code_illegal = "RESULT " + std::to_string(kIllegalAddress);
  std::vector<Case> cases = {
      {"barrier-ok", {}, contains({"RESULT 0", "WRONG 0 POISONED 0"})},
      {"missing-barrier", {},
       [](const std::string& out) {
         int wrong = 0, poisoned = 0;
         const size_t at = out.find("WRONG ");
         if (at == std::string::npos || std::sscanf(out.c_str() + at, "WRONG %d POISONED %d", &wrong, &poisoned) != 2) {
           return std::string("no result");
         }
         return wrong > 0 && poisoned > 0 ? std::string() : "the missing barrier went unnoticed: " + out;
       }},
      {"match-any", {}, contains({"RESULT 0", "MATCH WRONG 0"})},
      {"partial-warp-ballot", {}, contains({code_failed, "__ballot_sync (mask 0xffffffff) at selftest.cu", "lanes 16-31, which do not exist"})},
      {"write-past-allocation", {}, contains({code_illegal, "selftest_write_past_end: illegal address", "thread (0,0,0)"})},
      {"divergent-barrier", {}, contains({code_failed, "divergent barrier", "selftest.cu:"})},
      {"partial-barrier", {}, contains({code_failed, "reached by only part of the block"})},
      {"collective-deadlock", {}, contains({code_failed, "__shfl_down_sync", "__syncthreads"})},
      {"read-before-sync", {}, contains({"BEFORE 0 AFTER 7"})},
      {"out-of-memory", {"EMBER_SIM_DEVICE_MEMORY=1m"}, contains({"RESULT " + std::to_string(kOutOfMemory)})},
      {"injected-launch-failure", {"EMBER_SIM_FAIL_LAUNCH=2"}, contains({"RESULT 0", code_failed})},
  };
  int failures = 0;
  for (const Case& c : cases) {
    const std::string out = run_child(argv[0], c);
    const std::string problem = c.expect(out);
    if (problem.empty()) {
      const bool reference = std::strcmp(c.name, "barrier-ok") == 0 || std::strcmp(c.name, "match-any") == 0;
      std::printf("[ember-sim] self-test %-24s %s\n", c.name, reference ? "passes (the reference)" : "caught as expected");
    } else {
      failures++;
      std::printf("[ember-sim] self-test %-24s FAILED: %s\n--- output ---\n%s\n--------------\n", c.name, problem.c_str(),
                  out.c_str());
    }
  }
  std::printf("[ember-sim] %zu self-tests, %d failed\n", cases.size(), failures);
  return failures == 0 ? 0 : 1;
}
