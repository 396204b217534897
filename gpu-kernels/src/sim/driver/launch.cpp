// Kernel families (dlopened at cuInit), modules, functions, cuLaunchKernel and the launch log.
#include <dirent.h>
#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "driver_internal.h"

struct EmberSimModule {
  int unused;
};

// What a CUfunction points at.
struct EmberSimFunction {
  const ember::sim::KernelEntry* kernel;
  const ember::sim::FamilyEntry* family;
  ember::sim::SharedMemory shared;
  long launches = 0;  // guarded by the launch-log mutex
};

namespace ember::sim::drv {
namespace {

struct Family {
  std::string path;
  const FamilyEntry* entry;
  SharedMemory shared;
};

std::vector<Family>& g_families = *new std::vector<Family>();
std::mutex& mu = *new std::mutex();
std::map<std::string, EmberSimFunction*>& g_functions = *new std::map<std::string, EmberSimFunction*>();
std::set<EmberSimFunction*>& g_function_set = *new std::set<EmberSimFunction*>();
std::set<EmberSimModule*>& g_modules = *new std::set<EmberSimModule*>();
std::atomic<long> g_launch_count{0};
std::mutex& log_mu = *new std::mutex();
FILE* g_launch_log = nullptr;

struct TlsQuery {
  size_t modid;
  size_t size;
};

int find_tls(struct dl_phdr_info* info, size_t, void* data) {
  auto* q = static_cast<TlsQuery*>(data);
  if (info->dlpi_tls_modid != q->modid) return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i)
    if (info->dlpi_phdr[i].p_type == PT_TLS) q->size = info->dlpi_phdr[i].p_memsz;
  return 1;
}

void load_family(const std::string& path) {
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    warn("cannot load kernel family %s: %s", path.c_str(), dlerror());
    return;
  }
  using GetFamily = const FamilyEntry* (*)();
  auto get = reinterpret_cast<GetFamily>(dlsym(h, "ember_sim_family"));
  const FamilyEntry* entry = get ? get() : nullptr;
  if (!entry) {
    warn("kernel family %s has no ember_sim_family()", path.c_str());
    return;
  }
  Family f{path, entry, SharedMemory{0, 0}};
  size_t modid = 0;
  if (dlinfo(h, RTLD_DI_TLS_MODID, &modid) == 0 && modid != 0) {
    TlsQuery q{modid, 0};
    dl_iterate_phdr(find_tls, &q);
    f.shared = SharedMemory{modid, q.size};
  }
  EMBER_TRACE("family %s: %d kernels, TLS module %zu (%zu bytes), from %s", entry->family, entry->kernel_count,
              f.shared.tls_modid, f.shared.tls_size, path.c_str());
  g_families.push_back(f);
}

void load_dir(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind("libember_sim_", 0) == 0 && n.size() > 3 && n.compare(n.size() - 3, 3, ".so") == 0) names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) load_family(dir + "/" + n);
}

void write_counts() {
  std::lock_guard<std::mutex> lock(log_mu);
  if (!g_launch_log) return;
  for (auto& [name, f] : g_functions)
    if (f->launches > 0) std::fprintf(g_launch_log, "count %s %ld\n", name.c_str(), f->launches);
  std::fflush(g_launch_log);
}

bool valid_dims(unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz) {
  if (!gx || !gy || !gz || !bx || !by || !bz) return false;
  if (gx > 2147483647u || gy > 65535 || gz > 65535) return false;
  if (bx > 1024 || by > 1024 || bz > 64) return false;
  return uint64_t(bx) * by * bz <= 1024;
}

}  // namespace

void load_families() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&cuInit), &info) && info.dli_fname) {
    std::string self = info.dli_fname;
    size_t slash = self.rfind('/');
    std::string dir = slash == std::string::npos ? "." : self.substr(0, slash);
    load_dir(dir + "/kernels");
  }
  if (const char* extra = std::getenv("EMBER_SIM_EXTRA_KERNELS")) {
    std::string list = extra;
    size_t pos = 0;
    while (pos <= list.size()) {
      size_t colon = list.find(':', pos);
      if (colon == std::string::npos) colon = list.size();
      if (colon > pos) load_family(list.substr(pos, colon - pos));
      pos = colon + 1;
    }
  }
  if (g_families.empty()) warn("no kernel families found (kernels/libember_sim_*.so next to libcuda.so.1)");
  if (!config().launch_log.empty()) {
    // A fresh log per process: it says what this process launched.
    g_launch_log = std::fopen(config().launch_log.c_str(), "w");
    if (!g_launch_log) warn("cannot open EMBER_SIM_LAUNCH_LOG=%s", config().launch_log.c_str());
    else std::atexit(write_counts);
  }
}

void modules_teardown() {
  std::lock_guard<std::mutex> lock(mu);
  for (EmberSimModule* m : g_modules) delete m;
  g_modules.clear();
}

}  // namespace ember::sim::drv

using namespace ember::sim;
using namespace ember::sim::drv;

extern "C" {

CUresult cuModuleLoadData(CUmodule* module, const void* image) {
  EMBER_TRACE("cuModuleLoadData");
  if (CUresult r = check_ctx()) return r;
  if (!module || !image) return CUDA_ERROR_INVALID_VALUE;
  // The image (an nvcc fatbin) is ignored: kernels resolve in the CPU-compiled families.
  auto* m = new EmberSimModule();
  std::lock_guard<std::mutex> lock(mu);
  g_modules.insert(m);
  *module = m;
  return CUDA_SUCCESS;
}

CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int, int*, void**) {
  return cuModuleLoadData(module, image);
}

CUresult cuModuleUnload(CUmodule hmod) {
  EMBER_TRACE("cuModuleUnload");
  CUresult r = check_ctx();
  if (r != CUDA_SUCCESS && r != sticky()) return r;
  std::lock_guard<std::mutex> lock(mu);
  if (!g_modules.erase(hmod)) return CUDA_ERROR_INVALID_HANDLE;
  delete hmod;
  return r;
}

CUresult cuModuleGetFunction(CUfunction* hfunc, CUmodule hmod, const char* name) {
  EMBER_TRACE("cuModuleGetFunction %s", name ? name : "(null)");
  if (CUresult r = check_ctx()) return r;
  if (!hfunc || !name) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> lock(mu);
  if (!g_modules.count(hmod)) return CUDA_ERROR_INVALID_HANDLE;
  auto it = g_functions.find(name);
  if (it != g_functions.end()) {
    *hfunc = it->second;
    return CUDA_SUCCESS;
  }
  for (const Family& f : g_families) {
    for (int i = 0; i < f.entry->kernel_count; ++i) {
      const KernelEntry& k = f.entry->kernels[i];
      if (std::strcmp(k.name, name) != 0) continue;
      auto* fn = new EmberSimFunction{&k, f.entry, f.shared};  // lives for the process
      g_functions[name] = fn;
      g_function_set.insert(fn);
      *hfunc = fn;
      return CUDA_SUCCESS;
    }
  }
  warn("cuModuleGetFunction: no kernel named %s in the loaded families", name);
  return CUDA_ERROR_NOT_FOUND;
}

CUresult cuFuncGetAttribute(int* pi, int attrib, CUfunction hfunc) {
  if (CUresult r = check_ctx()) return r;
  if (!pi) return CUDA_ERROR_INVALID_VALUE;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!g_function_set.count(hfunc)) return CUDA_ERROR_INVALID_HANDLE;
  }
  uint32_t cap = hfunc->family->dynamic_shared_capacity;
  switch (attrib) {
    case 0: *pi = 1024; return CUDA_SUCCESS;                      // MAX_THREADS_PER_BLOCK
    case 1: *pi = int(hfunc->shared.tls_size); return CUDA_SUCCESS;  // SHARED_SIZE_BYTES
    case 2: case 3: *pi = 0; return CUDA_SUCCESS;                 // CONST/LOCAL_SIZE_BYTES
    case 4: *pi = 32; return CUDA_SUCCESS;                        // NUM_REGS
    case 5: case 6: *pi = 90; return CUDA_SUCCESS;                // PTX/BINARY_VERSION
    case 7: *pi = 0; return CUDA_SUCCESS;                         // CACHE_MODE_CA
    case 8: *pi = int(cap ? cap : 49152); return CUDA_SUCCESS;    // MAX_DYNAMIC_SHARED_SIZE_BYTES
    default: return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                        unsigned int by, unsigned int bz, unsigned int sharedMemBytes, CUstream hStream,
                        void** kernelParams, void** extra) {
  if (CUresult r = check_ctx()) return r;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!g_function_set.count(f)) return CUDA_ERROR_INVALID_HANDLE;
  }
  const KernelEntry* k = f->kernel;
  EMBER_TRACE("cuLaunchKernel %s grid=%u,%u,%u block=%u,%u,%u shared=%u", k->name, gx, gy, gz, bx, by, bz,
              sharedMemBytes);
  if (extra) return CUDA_ERROR_NOT_SUPPORTED;
  if (!valid_dims(gx, gy, gz, bx, by, bz)) {
    warn("cuLaunchKernel %s: invalid grid=%u,%u,%u block=%u,%u,%u", k->name, gx, gy, gz, bx, by, bz);
    return CUDA_ERROR_INVALID_VALUE;
  }
  uint32_t cap = f->family->dynamic_shared_capacity ? f->family->dynamic_shared_capacity : 49152;
  if (sharedMemBytes > cap) {
    warn("cuLaunchKernel %s: %u bytes of dynamic shared memory, at most %u", k->name, sharedMemBytes, cap);
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (k->param_count > 0 && !kernelParams) return CUDA_ERROR_INVALID_VALUE;
  StreamPtr s;
  if (CUresult r = resolve_stream(hStream, s)) return r;

  long n = ++g_launch_count;
  {
    std::lock_guard<std::mutex> lock(log_mu);
    if (f->launches++ == 0 && g_launch_log) {
      std::fprintf(g_launch_log, "launch %s grid=%u,%u,%u block=%u,%u,%u\n", k->name, gx, gy, gz, bx, by, bz);
      std::fflush(g_launch_log);
    }
  }
  if (config().fail_launch > 0 && n == config().fail_launch) {
    set_sticky(CUDA_ERROR_LAUNCH_FAILED,
               "EMBER_SIM_FAIL_LAUNCH=" + std::to_string(n) + ": launch of " + k->name + " fails");
    return CUDA_ERROR_LAUNCH_FAILED;
  }

  // Copy the argument values now, as cuLaunchKernel does (16-byte aligned slots).
  struct Block {
    std::vector<void*> ptrs;
    unsigned char* bytes = nullptr;
    ~Block() { std::free(bytes); }
  };
  auto block = std::make_shared<Block>();
  size_t total = 0;
  std::vector<size_t> offsets(size_t(k->param_count));
  for (int i = 0; i < k->param_count; ++i) {
    offsets[size_t(i)] = total;
    total += (size_t(k->param_sizes[i]) + 15) / 16 * 16;
  }
  block->bytes = static_cast<unsigned char*>(std::aligned_alloc(16, total ? total : 16));
  block->ptrs.resize(size_t(k->param_count));
  for (int i = 0; i < k->param_count; ++i) {
    if (!kernelParams[i]) return CUDA_ERROR_INVALID_VALUE;
    std::memcpy(block->bytes + offsets[size_t(i)], kernelParams[i], k->param_sizes[i]);
    block->ptrs[size_t(i)] = block->bytes + offsets[size_t(i)];
  }

  Launch launch;
  launch.kernel = k;
  launch.family = f->family->family;
  launch.shared = f->shared;
  launch.grid = Dim3{gx, gy, gz};
  launch.block = Dim3{bx, by, bz};
  launch.dynamic_shared_bytes = sharedMemBytes;
  launch.params = block->ptrs.data();
  launch.seed = splitmix64(config().seed ^ splitmix64(uint64_t(n)));
  enqueue(s, [launch, block] {
    LaunchError e = run_grid(launch);
    if (e.code != 0)
      set_sticky(e.code, e.message.empty() ? std::string("kernel ") + launch.kernel->name + " failed" : e.message);
  }, true);
  return CUDA_SUCCESS;
}

}  // extern "C"
