// Fill and sequence kernels.
#include "ember.cuh"

// ember_fill_<t>(out, n, value)
//   out[i] = value for i in [0, n). Floating-point columns are filled through the integer kernel of
//   the same width with the value's bit pattern, so -0.0 and NaN payloads are preserved exactly.
//   n == 0 writes nothing. The value parameter is passed at the kernel's own width.
template <typename T>
__device__ void fill(T* out, int64_t n, T value) {
  EMBER_GRID_STRIDE(i, n) { out[i] = value; }
}
extern "C" __global__ void ember_fill_i8(int8_t* out, int64_t n, int32_t value) { fill<int8_t>(out, n, static_cast<int8_t>(value)); }
extern "C" __global__ void ember_fill_i16(int16_t* out, int64_t n, int32_t value) { fill<int16_t>(out, n, static_cast<int16_t>(value)); }
extern "C" __global__ void ember_fill_i32(int32_t* out, int64_t n, int32_t value) { fill<int32_t>(out, n, value); }
extern "C" __global__ void ember_fill_i64(int64_t* out, int64_t n, int64_t value) { fill<int64_t>(out, n, value); }

// ember_sequence_<t>(out, n, start, step)
//   out[i] = start + i * step for i in [0, n), computed with two's-complement wrap-around (as Java's
//   int/long arithmetic), so the sequence may wrap past the type's maximum without undefined behavior.
template <typename T, typename U>
__device__ void sequence(T* out, int64_t n, T start, T step) {
  EMBER_GRID_STRIDE(i, n) {
    out[i] = static_cast<T>(static_cast<U>(start) + static_cast<U>(i) * static_cast<U>(step));
  }
}
extern "C" __global__ void ember_sequence_i32(int32_t* out, int64_t n, int32_t start, int32_t step) { sequence<int32_t, uint32_t>(out, n, start, step); }
extern "C" __global__ void ember_sequence_i64(int64_t* out, int64_t n, int64_t start, int64_t step) { sequence<int64_t, uint64_t>(out, n, start, step); }
