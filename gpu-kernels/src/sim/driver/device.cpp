// cuInit and configuration, the one simulated device, and the primary context.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "driver_internal.h"

// The simulated device. Handles are the address of the one primary context.
struct EmberSimContext {
  int refcount = 0;
  std::atomic<bool> active{false};
  unsigned flags = 0;
};

namespace ember::sim::drv {
namespace {

Config* g_config = new Config();  // leaked: read by threads still running at process exit
std::atomic<bool> g_initialized{false};
std::mutex g_init_mu;
std::mutex g_ctx_mu;
EmberSimContext g_ctx;

// The only thread-local of the driver: the calling thread's current context (8 bytes,
// initial-exec, so it never competes with the kernel families' dynamic TLS).
__thread CUcontext tl_current __attribute__((tls_model("initial-exec"))) = nullptr;

const char kDeviceName[] = "Ember SIMT simulator (CPU, not a GPU)";

bool parse_size(const char* text, size_t& out) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text, &end, 0);
  if (end == text) return false;
  switch (*end) {
    case 'k': case 'K': v <<= 10; ++end; break;
    case 'm': case 'M': v <<= 20; ++end; break;
    case 'g': case 'G': v <<= 30; ++end; break;
    default: break;
  }
  if (*end == 'b' || *end == 'B') ++end;
  if (*end != '\0') return false;
  out = v;
  return true;
}

long env_long(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long r = std::strtol(v, &end, 0);
  if (*end != '\0') {
    warn("ignoring %s=%s (not a number)", name, v);
    return fallback;
  }
  return r;
}

void read_config(Config& c) {
  c.verbose = env_long("EMBER_SIM_VERBOSE", 0) != 0;
  const char* seed = std::getenv("EMBER_SIM_SEED");
  if (seed && *seed) {
    c.seed = std::strtoull(seed, nullptr, 0);
  } else {
    uint64_t t = uint64_t(std::chrono::high_resolution_clock::now().time_since_epoch().count());
    c.seed = splitmix64(t) % 1000000000ull;  // short enough to retype
  }
  if (const char* mem = std::getenv("EMBER_SIM_DEVICE_MEMORY"); mem && *mem) {
    if (!parse_size(mem, c.device_memory) || c.device_memory == 0) {
      warn("ignoring EMBER_SIM_DEVICE_MEMORY=%s (expected bytes with an optional k/m/g suffix)", mem);
      c.device_memory = size_t(8) << 30;
    }
  }
  c.sms = int(env_long("EMBER_SIM_SMS", 4));
  if (c.sms < 1) c.sms = 1;
  c.fail_launch = env_long("EMBER_SIM_FAIL_LAUNCH", 0);
  c.fail_alloc = env_long("EMBER_SIM_FAIL_ALLOC", 0);
  if (const char* log = std::getenv("EMBER_SIM_LAUNCH_LOG")) c.launch_log = log;
  c.poison = (unsigned char)env_long("EMBER_SIM_POISON", 0xA5);
  c.defer_streams = env_long("EMBER_SIM_DEFER_STREAMS", 0) != 0;
}

CUresult check_init() { return g_initialized.load(std::memory_order_acquire) ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED; }

CUresult check_device(CUdevice dev) {
  if (CUresult r = check_init()) return r;
  return dev == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

bool attribute(int attrib, int& v) {
  const Config& c = *g_config;
  switch (attrib) {
    case 1: v = 1024; return true;                        // MAX_THREADS_PER_BLOCK
    case 2: case 3: v = 1024; return true;                // MAX_BLOCK_DIM_X/Y
    case 4: v = 64; return true;                          // MAX_BLOCK_DIM_Z
    case 5: v = 2147483647; return true;                  // MAX_GRID_DIM_X
    case 6: case 7: v = 65535; return true;               // MAX_GRID_DIM_Y/Z
    case 8: v = 49152; return true;                       // MAX_SHARED_MEMORY_PER_BLOCK
    case 9: v = 65536; return true;                       // TOTAL_CONSTANT_MEMORY
    case 10: v = 32; return true;                         // WARP_SIZE
    case 11: v = 2147483647; return true;                 // MAX_PITCH
    case 12: v = 65536; return true;                      // MAX_REGISTERS_PER_BLOCK
    case 13: v = 1000000; return true;                    // CLOCK_RATE (kHz)
    case 14: v = 512; return true;                        // TEXTURE_ALIGNMENT
    case 15: v = 1; return true;                          // GPU_OVERLAP
    case 16: v = c.sms; return true;                      // MULTIPROCESSOR_COUNT
    case 19: v = 1; return true;                          // CAN_MAP_HOST_MEMORY
    case 30: v = 512; return true;                        // SURFACE_ALIGNMENT
    case 31: v = 1; return true;                          // CONCURRENT_KERNELS
    case 36: v = 1000000; return true;                    // MEMORY_CLOCK_RATE
    case 37: v = 5120; return true;                       // GLOBAL_MEMORY_BUS_WIDTH
    case 38: v = 50 << 20; return true;                   // L2_CACHE_SIZE
    case 39: v = 2048; return true;                       // MAX_THREADS_PER_MULTIPROCESSOR
    case 40: v = 2; return true;                          // ASYNC_ENGINE_COUNT
    case 41: v = 1; return true;                          // UNIFIED_ADDRESSING
    case 75: v = 9; return true;                          // COMPUTE_CAPABILITY_MAJOR
    case 76: v = 0; return true;                          // COMPUTE_CAPABILITY_MINOR
    case 79: case 80: v = 1; return true;                 // GLOBAL/LOCAL_L1_CACHE_SUPPORTED
    case 81: v = 233472; return true;                     // MAX_SHARED_MEMORY_PER_MULTIPROCESSOR
    case 82: v = 65536; return true;                      // MAX_REGISTERS_PER_MULTIPROCESSOR
    case 97: v = 49152; return true;                      // MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
    case 106: v = 32; return true;                        // MAX_BLOCKS_PER_MULTIPROCESSOR
    case 115: v = 1; return true;                         // MEMORY_POOLS_SUPPORTED
    default:
      if (attrib < 1 || attrib > 147) return false;
      v = 0;  // features the simulator does not have
      return true;
  }
}

void deactivate_locked() {
  g_ctx.active.store(false);
  sync_all();
  streams_teardown();
  modules_teardown();
  memory_teardown();
  clear_sticky();
}

}  // namespace

const Config& config() { return *g_config; }
bool initialized() { return g_initialized.load(std::memory_order_acquire); }

CUresult check_ctx() {
  if (!initialized()) return CUDA_ERROR_NOT_INITIALIZED;
  if (tl_current != &g_ctx || !g_ctx.active.load(std::memory_order_acquire)) return CUDA_ERROR_INVALID_CONTEXT;
  return sticky();
}

}  // namespace ember::sim::drv

using namespace ember::sim::drv;

extern "C" {

CUresult cuInit(unsigned int flags) {
  if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> lock(g_init_mu);
  if (g_initialized.load()) return CUDA_SUCCESS;
  read_config(*g_config);
  std::fprintf(stderr, "[ember-sim] CPU SIMT simulator, seed %llu (set EMBER_SIM_SEED=%llu to replay)\n",
               (unsigned long long)g_config->seed, (unsigned long long)g_config->seed);
  std::fflush(stderr);
  load_families();
  g_initialized.store(true, std::memory_order_release);
  EMBER_TRACE("cuInit: memory %zu bytes, %d SMs%s", g_config->device_memory, g_config->sms,
              g_config->defer_streams ? ", deferred streams" : "");
  return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int* version) {
  if (!version) return CUDA_ERROR_INVALID_VALUE;
  *version = 13000;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int* count) {
  EMBER_TRACE("cuDeviceGetCount");
  if (CUresult r = check_init()) return r;
  if (!count) return CUDA_ERROR_INVALID_VALUE;
  *count = 1;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
  EMBER_TRACE("cuDeviceGet %d", ordinal);
  if (CUresult r = check_init()) return r;
  if (!device) return CUDA_ERROR_INVALID_VALUE;
  if (ordinal != 0) return CUDA_ERROR_INVALID_DEVICE;
  *device = 0;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int len, CUdevice dev) {
  EMBER_TRACE("cuDeviceGetName");
  if (CUresult r = check_device(dev)) return r;
  if (!name || len <= 0) return CUDA_ERROR_INVALID_VALUE;
  std::strncpy(name, kDeviceName, size_t(len) - 1);
  name[len - 1] = '\0';
  return CUDA_SUCCESS;
}

CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice dev) {
  EMBER_TRACE("cuDeviceTotalMem");
  if (CUresult r = check_device(dev)) return r;
  if (!bytes) return CUDA_ERROR_INVALID_VALUE;
  *bytes = g_config->device_memory;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* pi, int attrib, CUdevice dev) {
  EMBER_TRACE("cuDeviceGetAttribute %d", attrib);
  if (CUresult r = check_device(dev)) return r;
  if (!pi) return CUDA_ERROR_INVALID_VALUE;
  int v = 0;
  if (!attribute(attrib, v)) return CUDA_ERROR_INVALID_VALUE;
  *pi = v;
  return CUDA_SUCCESS;
}

CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice dev) {
  if (CUresult r = check_device(dev)) return r;
  if (!major || !minor) return CUDA_ERROR_INVALID_VALUE;
  *major = 9;
  *minor = 0;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetUuid(CUuuid* uuid, CUdevice dev) {
  if (CUresult r = check_device(dev)) return r;
  if (!uuid) return CUDA_ERROR_INVALID_VALUE;
  static const char kUuid[16] = {'e', 'm', 'b', 'e', 'r', '-', 's', 'i', 'm', '-', 'd', 'e', 'v', 'i', 'c', 'e'};
  std::memcpy(uuid->bytes, kUuid, 16);
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* pctx, CUdevice dev) {
  EMBER_TRACE("cuDevicePrimaryCtxRetain");
  if (CUresult r = check_device(dev)) return r;
  if (!pctx) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> lock(g_ctx_mu);
  if (g_ctx.refcount++ == 0) {
    streams_activate();
    g_ctx.active.store(true, std::memory_order_release);
  }
  *pctx = &g_ctx;
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) {
  EMBER_TRACE("cuDevicePrimaryCtxRelease");
  if (CUresult r = check_device(dev)) return r;
  std::lock_guard<std::mutex> lock(g_ctx_mu);
  if (g_ctx.refcount == 0) return CUDA_ERROR_INVALID_CONTEXT;
  if (--g_ctx.refcount == 0) deactivate_locked();
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int* flags, int* active) {
  if (CUresult r = check_device(dev)) return r;
  if (!flags || !active) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard<std::mutex> lock(g_ctx_mu);
  *flags = g_ctx.flags;
  *active = g_ctx.refcount > 0;
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxSetFlags_v2(CUdevice dev, unsigned int flags) {
  if (CUresult r = check_device(dev)) return r;
  std::lock_guard<std::mutex> lock(g_ctx_mu);
  g_ctx.flags = flags;  // scheduling flags mean nothing on the CPU
  return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext ctx) {
  EMBER_TRACE("cuCtxSetCurrent %p", (void*)ctx);
  if (CUresult r = check_init()) return r;
  if (ctx != nullptr && ctx != &g_ctx) return CUDA_ERROR_INVALID_CONTEXT;
  tl_current = ctx;
  return CUDA_SUCCESS;
}

CUresult cuCtxGetCurrent(CUcontext* pctx) {
  if (CUresult r = check_init()) return r;
  if (!pctx) return CUDA_ERROR_INVALID_VALUE;
  *pctx = tl_current;
  return CUDA_SUCCESS;
}

CUresult cuCtxGetDevice(CUdevice* device) {
  if (CUresult r = check_ctx()) return r;
  if (!device) return CUDA_ERROR_INVALID_VALUE;
  *device = 0;
  return CUDA_SUCCESS;
}

CUresult cuCtxGetFlags(unsigned int* flags) {
  if (CUresult r = check_ctx()) return r;
  if (!flags) return CUDA_ERROR_INVALID_VALUE;
  *flags = g_ctx.flags;
  return CUDA_SUCCESS;
}

CUresult cuCtxGetApiVersion(CUcontext ctx, unsigned int* version) {
  if (CUresult r = check_init()) return r;
  if (!version) return CUDA_ERROR_INVALID_VALUE;
  if (ctx != nullptr && ctx != &g_ctx) return CUDA_ERROR_INVALID_CONTEXT;
  *version = 12000;
  return CUDA_SUCCESS;
}

CUresult cuCtxSynchronize(void) {
  EMBER_TRACE("cuCtxSynchronize");
  if (CUresult r = check_ctx()) return r;
  sync_all();
  return sticky();
}

}  // extern "C"
