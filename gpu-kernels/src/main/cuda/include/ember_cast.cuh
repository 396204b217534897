// Spark 3.5's non-ANSI numeric conversions (the JVM's), shared by cast.cu and expr.cu so the two
// kernels cannot drift apart. See cast.cu's header for the rules these implement.
#pragma once
#include <cstdint>
#include <type_traits>

// A NaN result is always the canonical NaN (0x7fc00000 / 0x7ff8000000000000, Java's Float.NaN and
// Double.NaN): the GPU does not keep NaN payloads through arithmetic and conversions, the JVM may, and
// Spark only observes NaN-ness.
__device__ __forceinline__ float ember_canonical_nan_f32(float x) {
  return x != x ? __int_as_float(0x7fc00000) : x;
}
__device__ __forceinline__ double ember_canonical_nan_f64(double x) {
  return x != x ? __longlong_as_double(0x7ff8000000000000LL) : x;
}

// The JVM's d2i: NaN -> 0, saturating, truncation toward zero inside the range. Every float is
// exactly representable as a double, so f2i goes through here too with the same result.
__device__ __forceinline__ int32_t ember_jvm_d2i(double x) {
  if (x != x) return 0;
  if (x >= 2147483647.0) return INT32_MAX;
  if (x <= -2147483648.0) return INT32_MIN;
  return static_cast<int32_t>(x);  // |trunc(x)| fits: defined
}

// The JVM's d2l: bounds are +-2^63, exactly representable; values strictly between convert exactly.
__device__ __forceinline__ int64_t ember_jvm_d2l(double x) {
  if (x != x) return 0;
  if (x >= 9223372036854775808.0) return INT64_MAX;
  if (x <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(x);
}

// Two's-complement truncation through the unsigned type: the unsigned conversion is modular by the
// standard, and nvcc defines unsigned -> signed as the bit pattern (C++20 requires it).
template <typename To>
__device__ __forceinline__ To ember_wrap(int64_t v) {
  using U = typename std::make_unsigned<To>::type;
  return static_cast<To>(static_cast<U>(static_cast<uint64_t>(v)));
}
