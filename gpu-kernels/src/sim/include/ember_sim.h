// The CUDA surface that Ember's kernels use, for compiling them unchanged with g++ into the SIMT
// simulator (forced in with `-include ember_sim.h`). Each CUDA thread is a fiber of the runtime
// (libcuda.so.1); the builtins below read its state, and every collective (barriers, warp
// intrinsics) is a call into the runtime, which checks CUDA's rules and reports a violation with
// the kernel, block, thread and source line. Nothing here is kernel logic: arithmetic intrinsics map
// to the C++ operation with the same IEEE result (the build uses -ffp-contract=off, like nvcc's
// -fmad=false), and atomics are real atomics followed by a seeded switch point.
#pragma once
#ifndef EMBER_SIM_H
#define EMBER_SIM_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "ember_sim_runtime.h"

#define EMBER_SIMULATOR 1

// ---- Qualifiers ----
// The build's scan for entry points compiles with EMBER_SIM_SCAN and finds `extern "C" EMBER_SIM_GLOBAL`.
#ifndef EMBER_SIM_SCAN
#define EMBER_SIM_GLOBAL
#endif
#define __global__ EMBER_SIM_GLOBAL
#define __device__
#define __host__
#define __constant__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
// Shared memory is the family library's thread-local storage: each OS worker runs one block at a
// time, so all fibers of a block see one copy; the runtime poisons it at every block start.
#define __shared__ thread_local

// ---- Built-in variables (plain identifiers: CUDA headers use gridDim as a parameter name) ----
struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};
#define threadIdx (static_cast<const uint3&>(ember_sim_current->thread_idx))
#define blockIdx (static_cast<const uint3&>(ember_sim_current->block_idx))
#define blockDim (static_cast<const uint3&>(ember_sim_current->block_dim))
#define gridDim (static_cast<const uint3&>(ember_sim_current->grid_dim))
constexpr int warpSize = 32;

// ---- Vector types ----
#define EMBER_SIM_VEC(T, N, A)             \
  struct __attribute__((aligned(A))) N##1 { T x; };       \
  struct __attribute__((aligned(2 * A))) N##2 { T x, y; }; \
  struct N##3 { T x, y, z; };              \
  struct __attribute__((aligned(4 * A > 16 ? 16 : 4 * A))) N##4 { T x, y, z, w; };
EMBER_SIM_VEC(signed char, char, 1)
EMBER_SIM_VEC(unsigned char, uchar, 1)
EMBER_SIM_VEC(short, short, 2)
EMBER_SIM_VEC(unsigned short, ushort, 2)
EMBER_SIM_VEC(int, int, 4)
EMBER_SIM_VEC(float, float, 4)
#undef EMBER_SIM_VEC
// uint3 comes from ember_sim_runtime.h (it is threadIdx's type).
struct __attribute__((aligned(4))) uint1 { unsigned x; };
struct __attribute__((aligned(8))) uint2 { unsigned x, y; };
struct __attribute__((aligned(16))) uint4 { unsigned x, y, z, w; };
struct __attribute__((aligned(8))) longlong1 { long long x; };
struct __attribute__((aligned(16))) longlong2 { long long x, y; };
struct __attribute__((aligned(8))) ulonglong1 { unsigned long long x; };
struct __attribute__((aligned(16))) ulonglong2 { unsigned long long x, y; };
struct __attribute__((aligned(8))) double1 { double x; };
struct __attribute__((aligned(16))) double2 { double x, y; };
inline int2 make_int2(int x, int y) { return {x, y}; }
inline int4 make_int4(int x, int y, int z, int w) { return {x, y, z, w}; }
inline uint2 make_uint2(unsigned x, unsigned y) { return {x, y}; }
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }
inline float2 make_float2(float x, float y) { return {x, y}; }
inline double2 make_double2(double x, double y) { return {x, y}; }
inline longlong2 make_longlong2(long long x, long long y) { return {x, y}; }
inline ulonglong2 make_ulonglong2(unsigned long long x, unsigned long long y) { return {x, y}; }

// ---- Barriers and warp collectives ----
#define __syncthreads() ember_sim_syncthreads(__FILE__, __LINE__)
#define __syncthreads_count(p) ember_sim_syncthreads_reduce(0, (p) ? 1 : 0, __FILE__, __LINE__)
#define __syncthreads_and(p) ember_sim_syncthreads_reduce(1, (p) ? 1 : 0, __FILE__, __LINE__)
#define __syncthreads_or(p) ember_sim_syncthreads_reduce(2, (p) ? 1 : 0, __FILE__, __LINE__)
#define __syncwarp(...) (EmberSimSite{__FILE__, __LINE__}.syncwarp(__VA_ARGS__))
#define __ballot_sync(mask, p) \
  static_cast<unsigned>(ember_sim_warp(EMBER_SIM_WARP_BALLOT, (mask), (p) ? 1 : 0, 0, 32, __FILE__, __LINE__))
#define __any_sync(mask, p) \
  static_cast<int>(ember_sim_warp(EMBER_SIM_WARP_ANY, (mask), (p) ? 1 : 0, 0, 32, __FILE__, __LINE__))
#define __all_sync(mask, p) \
  static_cast<int>(ember_sim_warp(EMBER_SIM_WARP_ALL, (mask), (p) ? 1 : 0, 0, 32, __FILE__, __LINE__))
#define __shfl_sync(...) (EmberSimSite{__FILE__, __LINE__}.shfl(EMBER_SIM_WARP_SHFL, __VA_ARGS__))
#define __shfl_up_sync(...) (EmberSimSite{__FILE__, __LINE__}.shfl(EMBER_SIM_WARP_SHFL_UP, __VA_ARGS__))
#define __shfl_down_sync(...) (EmberSimSite{__FILE__, __LINE__}.shfl(EMBER_SIM_WARP_SHFL_DOWN, __VA_ARGS__))
#define __shfl_xor_sync(...) (EmberSimSite{__FILE__, __LINE__}.shfl(EMBER_SIM_WARP_SHFL_XOR, __VA_ARGS__))
#define __match_any_sync(mask, value) (EmberSimSite{__FILE__, __LINE__}.match_any((mask), (value)))
#define __activemask() ember_sim_active_mask()
#define __trap() ember_sim_trap("__trap()", __FILE__, __LINE__)

// The call site of a warp collective, carrying CUDA's optional arguments (mask of __syncwarp, width of
// the shuffles) as default arguments.
struct EmberSimSite {
  const char* file;
  int line;
  void syncwarp(unsigned mask = 0xffffffffu) const { ember_sim_warp(EMBER_SIM_WARP_SYNC, mask, 0, 0, 32, file, line); }
  template <typename T>
  T shfl(int op, unsigned mask, T value, int arg, int width = 32) const {
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable<T>::value, "shuffles move up to 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    bits = ember_sim_warp(op, mask, bits, arg, width, file, line);
    T out;
    std::memcpy(&out, &bits, sizeof(T));
    return out;
  }
  // The lanes of the mask whose value has the same bits as the caller's (CUDA compares the 32- or
  // 64-bit patterns, so a float NaN matches only the same NaN and -0.0 does not match 0.0).
  template <typename T>
  unsigned match_any(unsigned mask, T value) const {
    static_assert((sizeof(T) == 4 || sizeof(T) == 8) && std::is_arithmetic<T>::value,
                  "__match_any_sync takes a 32- or 64-bit integer or floating-point value");
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    return static_cast<unsigned>(ember_sim_warp(EMBER_SIM_WARP_MATCH_ANY, mask, bits, 0, 32, file, line));
  }
};

// ---- Memory fences, loads, clocks ----
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_system() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
template <typename T>
inline T __ldg(const T* p) {
  return *p;
}
inline void __nanosleep(unsigned) { ember_sim_atomic_point(); }

// ---- Atomics: real atomics (blocks of different streams may run at once), then a switch point ----
template <typename T>
inline T ember_sim_fetch_add(T* p, T v) {
  T old = __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
  ember_sim_atomic_point();
  return old;
}
template <typename T>
inline T ember_sim_cas_loop(T* p, T (*f)(T, T), T v) {
  T old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
  while (!__atomic_compare_exchange_n(p, &old, f(old, v), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  ember_sim_atomic_point();
  return old;
}
template <typename F>
inline F ember_sim_fadd(F* p, F v) {
  using Bits = std::conditional_t<sizeof(F) == 8, uint64_t, uint32_t>;
  Bits* bp = reinterpret_cast<Bits*>(p);
  Bits old = __atomic_load_n(bp, __ATOMIC_SEQ_CST);
  for (;;) {
    F of;
    std::memcpy(&of, &old, sizeof(F));
    F nf = of + v;
    Bits nb;
    std::memcpy(&nb, &nf, sizeof(F));
    if (__atomic_compare_exchange_n(bp, &old, nb, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
      ember_sim_atomic_point();
      return of;
    }
  }
}
#define EMBER_SIM_INT_ATOMICS(T)                                                                  \
  inline T atomicAdd(T* p, T v) { return ember_sim_fetch_add(p, v); }                           \
  inline T atomicSub(T* p, T v) {                                                               \
    T old = __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST);                                         \
    ember_sim_atomic_point();                                                                   \
    return old;                                                                                 \
  }                                                                                             \
  inline T atomicExch(T* p, T v) {                                                              \
    T old = __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);                                        \
    ember_sim_atomic_point();                                                                   \
    return old;                                                                                 \
  }                                                                                             \
  inline T atomicCAS(T* p, T expected, T desired) {                                             \
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
    ember_sim_atomic_point();                                                                   \
    return expected;                                                                            \
  }                                                                                             \
  inline T atomicMin(T* p, T v) {                                                               \
    return ember_sim_cas_loop<T>(p, [](T a, T b) { return a < b ? a : b; }, v);                \
  }                                                                                             \
  inline T atomicMax(T* p, T v) {                                                               \
    return ember_sim_cas_loop<T>(p, [](T a, T b) { return a > b ? a : b; }, v);                \
  }                                                                                             \
  inline T atomicAnd(T* p, T v) {                                                               \
    T old = __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);                                         \
    ember_sim_atomic_point();                                                                   \
    return old;                                                                                 \
  }                                                                                             \
  inline T atomicOr(T* p, T v) {                                                                \
    T old = __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);                                          \
    ember_sim_atomic_point();                                                                   \
    return old;                                                                                 \
  }                                                                                             \
  inline T atomicXor(T* p, T v) {                                                               \
    T old = __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);                                         \
    ember_sim_atomic_point();                                                                   \
    return old;                                                                                 \
  }
EMBER_SIM_INT_ATOMICS(int)
EMBER_SIM_INT_ATOMICS(unsigned int)
EMBER_SIM_INT_ATOMICS(long long)
EMBER_SIM_INT_ATOMICS(unsigned long long)
#undef EMBER_SIM_INT_ATOMICS
inline float atomicAdd(float* p, float v) { return ember_sim_fadd(p, v); }
inline double atomicAdd(double* p, double v) { return ember_sim_fadd(p, v); }
inline unsigned atomicInc(unsigned* p, unsigned limit) {
  return ember_sim_cas_loop<unsigned>(p, [](unsigned old, unsigned lim) { return old >= lim ? 0u : old + 1; }, limit);
}
inline unsigned atomicDec(unsigned* p, unsigned limit) {
  return ember_sim_cas_loop<unsigned>(
      p, [](unsigned old, unsigned lim) { return (old == 0 || old > lim) ? lim : old - 1; }, limit);
}

// ---- Integer intrinsics ----
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(static_cast<unsigned>(x)); }
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll(static_cast<unsigned long long>(x)); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned __brev(unsigned x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
  return __builtin_bswap32(x);
}
inline long long __mul64hi(long long a, long long b) {
  return static_cast<long long>((static_cast<__int128>(a) * b) >> 64);
}
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
  return static_cast<unsigned long long>((static_cast<unsigned __int128>(a) * b) >> 64);
}
inline int __mulhi(int a, int b) { return static_cast<int>((static_cast<long long>(a) * b) >> 32); }
inline unsigned __umulhi(unsigned a, unsigned b) {
  return static_cast<unsigned>((static_cast<unsigned long long>(a) * b) >> 32);
}
// funnel shifts: the 64-bit concatenation hi:lo shifted, shift amount taken modulo 32 (wrap) or
// clamped to 32 (clamp), exactly as PTX shf defines them.
inline unsigned __funnelshift_l(unsigned lo, unsigned hi, unsigned shift) {
  const unsigned long long v = (static_cast<unsigned long long>(hi) << 32) | lo;
  return static_cast<unsigned>((v << (shift & 31)) >> 32);
}
inline unsigned __funnelshift_r(unsigned lo, unsigned hi, unsigned shift) {
  const unsigned long long v = (static_cast<unsigned long long>(hi) << 32) | lo;
  return static_cast<unsigned>(v >> (shift & 31));
}
inline unsigned __funnelshift_lc(unsigned lo, unsigned hi, unsigned shift) {
  const unsigned s = shift > 32 ? 32 : shift;
  const unsigned long long v = (static_cast<unsigned long long>(hi) << 32) | lo;
  return static_cast<unsigned>((v << s) >> 32);
}
inline unsigned __funnelshift_rc(unsigned lo, unsigned hi, unsigned shift) {
  const unsigned s = shift > 32 ? 32 : shift;
  const unsigned long long v = (static_cast<unsigned long long>(hi) << 32) | lo;
  return static_cast<unsigned>(v >> s);
}

// ---- Bit casts ----
template <typename To, typename From>
inline To ember_sim_bit_cast(From v) {
  static_assert(sizeof(To) == sizeof(From), "bit casts keep the size");
  To out;
  std::memcpy(&out, &v, sizeof(To));
  return out;
}
inline long long __double_as_longlong(double v) { return ember_sim_bit_cast<long long>(v); }
inline double __longlong_as_double(long long v) { return ember_sim_bit_cast<double>(v); }
inline int __float_as_int(float v) { return ember_sim_bit_cast<int>(v); }
inline unsigned __float_as_uint(float v) { return ember_sim_bit_cast<unsigned>(v); }
inline float __int_as_float(int v) { return ember_sim_bit_cast<float>(v); }
inline float __uint_as_float(unsigned v) { return ember_sim_bit_cast<float>(v); }
inline int __double2hiint(double v) { return static_cast<int>(ember_sim_bit_cast<unsigned long long>(v) >> 32); }
inline int __double2loint(double v) { return static_cast<int>(ember_sim_bit_cast<unsigned long long>(v)); }

// ---- Rounded arithmetic and conversions: x86-64 SSE rounds to nearest even, as the _rn forms ----
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __ddiv_rn(double a, double b) { return a / b; }
inline double __fma_rn(double a, double b, double c) { return std::fma(a, b, c); }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline double __ll2double_rn(long long v) { return static_cast<double>(v); }
inline double __ull2double_rn(unsigned long long v) { return static_cast<double>(v); }
inline double __int2double_rn(int v) { return static_cast<double>(v); }
inline double __uint2double_rn(unsigned v) { return static_cast<double>(v); }
inline float __ll2float_rn(long long v) { return static_cast<float>(v); }
inline float __ull2float_rn(unsigned long long v) { return static_cast<float>(v); }
inline float __int2float_rn(int v) { return static_cast<float>(v); }
inline float __uint2float_rn(unsigned v) { return static_cast<float>(v); }
inline float __double2float_rn(double v) { return static_cast<float>(v); }
// Truncating conversions saturate and map NaN to 0, as PTX cvt.rzi does.
template <typename I, typename F>
inline I ember_sim_sat_trunc(F v) {
  if (v != v) return 0;
  if (v <= static_cast<F>(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  if (v >= static_cast<F>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return static_cast<I>(v);
}
inline long long __double2ll_rz(double v) { return ember_sim_sat_trunc<long long>(v); }
inline int __double2int_rz(double v) { return ember_sim_sat_trunc<int>(v); }
inline long long __float2ll_rz(float v) { return ember_sim_sat_trunc<long long>(v); }
inline int __float2int_rz(float v) { return ember_sim_sat_trunc<int>(v); }

#endif  // EMBER_SIM_H
