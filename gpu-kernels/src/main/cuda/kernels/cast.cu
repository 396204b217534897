// Casts between the fixed-width numeric types, with Spark 3.5's rules when ANSI mode is off
// (org.apache.spark.sql.catalyst.expressions.Cast, evalMode LEGACY), which are the JVM's:
//
// ember_cast_<from>_<to>(const From* in, To* out, int64_t n)
//   for every ordered pair of distinct types in {bool8, i8, i16, i32, i64, f32, f64}:
//   out[i] = cast(in[i]) for i in [0, n). n == 0 writes nothing; out must not overlap in unless
//   the two types have the same width and out == in.
//   Nulls: the kernel converts data only and never reads a validity bitmap. The result has the
//   input's validity (the op shares or copies it); rows that are null get the conversion of whatever
//   bytes they hold, which is always defined (no input value has undefined behavior here).
//   Rules (x is the input value):
//   - bool8 input: any non-zero byte is true. bool8 output: 1 for true, 0 for false.
//   - integral -> bool8, float/double -> bool8: x != 0, so NaN is true and -0.0 is false.
//   - bool8 -> any number: 1 or 0 (1.0 / 0.0 for floating point).
//   - integral -> narrower integral: two's-complement truncation (Java's (byte) / (short) / (int)).
//   - integral -> wider integral: sign extension.
//   - integral -> f32 / f64: round to nearest, ties to even (Java's l2f / l2d; exact where it fits).
//   - f64 -> f32: round to nearest even; overflow gives +-Inf; +-0.0 and +-Inf keep their sign.
//   - f32 -> f64: exact.
//   - float/double -> i32 / i64: truncation toward zero, saturating at the type's minimum and
//     maximum, NaN -> 0 (the JVM's d2i / d2l, written out: a C++ cast out of range is undefined).
//   - float/double -> i8 / i16: to i32 as above, then truncated (Spark evaluates x.toInt.toByte), so
//     300.7 -> 44 and 1e10 -> (byte) Integer.MAX_VALUE = -1.
//   - A NaN result is always the canonical NaN (0x7fc00000 / 0x7ff8000000000000, Java's Float.NaN
//     and Double.NaN): the GPU does not keep NaN payloads through conversions and the JVM may;
//     Spark only observes NaN-ness (floatToIntBits / doubleToLongBits canonicalize).
#include <type_traits>

#include "ember.cuh"
#include "ember_cast.cuh"

namespace {

// Storage types; bool8 is its own tag because it shares int8_t storage with i8.
struct Bool8 { using storage = int8_t; };
struct I8 { using storage = int8_t; };
struct I16 { using storage = int16_t; };
struct I32 { using storage = int32_t; };
struct I64 { using storage = int64_t; };
struct F32 { using storage = float; };
struct F64 { using storage = double; };

template <typename T> constexpr bool is_floating = false;
template <> constexpr bool is_floating<F32> = true;
template <> constexpr bool is_floating<F64> = true;

// The value of an input element as one of two intermediate forms: integral inputs (bool8 normalized
// to 0/1) as int64, floating inputs as double (exact for floats).
template <typename From>
__device__ __forceinline__ int64_t as_integral(typename From::storage x) {
  if constexpr (std::is_same<From, Bool8>::value) {
    return x != 0 ? 1 : 0;
  } else {
    return static_cast<int64_t>(x);
  }
}

template <typename To>
__device__ __forceinline__ typename To::storage from_integral(int64_t v) {
  if constexpr (std::is_same<To, Bool8>::value) {
    return static_cast<int8_t>(v != 0 ? 1 : 0);
  } else if constexpr (std::is_same<To, F32>::value) {
    return __ll2float_rn(v);  // one rounding, straight from the integer (never through double)
  } else if constexpr (std::is_same<To, F64>::value) {
    return __ll2double_rn(v);
  } else {
    return ember_wrap<typename To::storage>(v);
  }
}

template <typename To>
__device__ __forceinline__ typename To::storage from_floating(double x) {
  if constexpr (std::is_same<To, Bool8>::value) {
    return static_cast<int8_t>(x != 0.0 ? 1 : 0);  // NaN != 0 is true
  } else if constexpr (std::is_same<To, F32>::value) {
    return ember_canonical_nan_f32(__double2float_rn(x));
  } else if constexpr (std::is_same<To, F64>::value) {
    return ember_canonical_nan_f64(x);
  } else if constexpr (std::is_same<To, I64>::value) {
    return ember_jvm_d2l(x);
  } else {
    return ember_wrap<typename To::storage>(static_cast<int64_t>(ember_jvm_d2i(x)));
  }
}

template <typename From, typename To>
__device__ void cast(const typename From::storage* in, typename To::storage* out, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    typename From::storage x = in[i];
    if constexpr (is_floating<From>) {
      out[i] = from_floating<To>(static_cast<double>(x));
    } else {
      out[i] = from_integral<To>(as_integral<From>(x));
    }
  }
}

}  // namespace

#define EMBER_CAST(from_name, From, to_name, To)                                                  \
  extern "C" __global__ void ember_cast_##from_name##_##to_name(const From::storage* in,         \
                                                                 To::storage* out, int64_t n) {  \
    cast<From, To>(in, out, n);                                                                  \
  }

#define EMBER_CAST_TO_ALL_BUT_BOOL8(from_name, From) \
  EMBER_CAST(from_name, From, i8, I8)                \
  EMBER_CAST(from_name, From, i16, I16)              \
  EMBER_CAST(from_name, From, i32, I32)              \
  EMBER_CAST(from_name, From, i64, I64)              \
  EMBER_CAST(from_name, From, f32, F32)              \
  EMBER_CAST(from_name, From, f64, F64)

// bool8 -> every number.
EMBER_CAST_TO_ALL_BUT_BOOL8(bool8, Bool8)

// i8 -> everything else.
EMBER_CAST(i8, I8, bool8, Bool8)
EMBER_CAST(i8, I8, i16, I16)
EMBER_CAST(i8, I8, i32, I32)
EMBER_CAST(i8, I8, i64, I64)
EMBER_CAST(i8, I8, f32, F32)
EMBER_CAST(i8, I8, f64, F64)

// i16 -> everything else.
EMBER_CAST(i16, I16, bool8, Bool8)
EMBER_CAST(i16, I16, i8, I8)
EMBER_CAST(i16, I16, i32, I32)
EMBER_CAST(i16, I16, i64, I64)
EMBER_CAST(i16, I16, f32, F32)
EMBER_CAST(i16, I16, f64, F64)

// i32 -> everything else.
EMBER_CAST(i32, I32, bool8, Bool8)
EMBER_CAST(i32, I32, i8, I8)
EMBER_CAST(i32, I32, i16, I16)
EMBER_CAST(i32, I32, i64, I64)
EMBER_CAST(i32, I32, f32, F32)
EMBER_CAST(i32, I32, f64, F64)

// i64 -> everything else.
EMBER_CAST(i64, I64, bool8, Bool8)
EMBER_CAST(i64, I64, i8, I8)
EMBER_CAST(i64, I64, i16, I16)
EMBER_CAST(i64, I64, i32, I32)
EMBER_CAST(i64, I64, f32, F32)
EMBER_CAST(i64, I64, f64, F64)

// f32 -> everything else.
EMBER_CAST(f32, F32, bool8, Bool8)
EMBER_CAST(f32, F32, i8, I8)
EMBER_CAST(f32, F32, i16, I16)
EMBER_CAST(f32, F32, i32, I32)
EMBER_CAST(f32, F32, i64, I64)
EMBER_CAST(f32, F32, f64, F64)

// f64 -> everything else.
EMBER_CAST(f64, F64, bool8, Bool8)
EMBER_CAST(f64, F64, i8, I8)
EMBER_CAST(f64, F64, i16, I16)
EMBER_CAST(f64, F64, i32, I32)
EMBER_CAST(f64, F64, i64, I64)
EMBER_CAST(f64, F64, f32, F32)
