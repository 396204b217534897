// Cast(string AS DOUBLE) and Cast(string AS FLOAT) with Spark 3.5's rules when ANSI mode is off:
// Spark decodes the UTF-8 row into a java.lang.String and calls Double.parseDouble /
// Float.parseFloat; on NumberFormatException Cast.processFloatingPointSpecialLiterals maps
// trim().toLowerCase(ROOT) of "inf", "+inf", "infinity", "+infinity" to +Infinity, "-inf",
// "-infinity" to -Infinity, "nan" to NaN, anything else to null.
//
// The GPU decides a row only where the result is provably Java's: the special literals, text that
// no Java parse or special literal can accept (null), and plain decimals on Clinger's fast path
// (at most 15 significant digits and a decimal exponent within +-22 for double, 7 and +-10 for
// float: the digits and the power of ten are exact, so one IEEE multiply or divide is the
// correctly rounded result). Every other row is flagged; the host parses the flagged rows with
// Java's own parser and writes them back (ops/StringCasts.toFloating).
//
// Conventions as strcast.cu: output validity as whole 32-bit words from __ballot_sync up to the
// 64-bit-word bitmap size, bits past n 0, 4-byte aligned, blockDim.x a multiple of 32; a 0 input
// validity means all valid; chars read only at valid rows.
#include "ember.cuh"
#include "ember_strings.cuh"

#define EMBER_FP_NULL 0
#define EMBER_FP_FINITE 1
#define EMBER_FP_INF 2
#define EMBER_FP_NAN 3
#define EMBER_FP_HOST 4

__constant__ double ember_pow10_f64[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
__constant__ float ember_pow10_f32[11] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

// Case-insensitive equality of s[0, len) with a lower-case ASCII word.
__device__ __forceinline__ bool ember_fp_word(const uint8_t* s, int32_t len, const char* word, int32_t word_len) {
  if (len != word_len) {
    return false;
  }
  for (int32_t k = 0; k < len; k++) {
    const uint8_t b = (s[k] >= 'A' && s[k] <= 'Z') ? static_cast<uint8_t>(s[k] | 0x20) : s[k];
    if (b != static_cast<uint8_t>(word[k])) {
      return false;
    }
  }
  return true;
}

// A byte that can occur in a text Java's parser might accept past the special literals: digits,
// '.', signs, hex digits (a-f covers the exponent 'e' and the suffixes 'd'/'f'), 'x' and 'p'.
__device__ __forceinline__ bool ember_fp_alphabet(uint8_t b) {
  const uint8_t l = (b >= 'A' && b <= 'Z') ? static_cast<uint8_t>(b | 0x20) : b;
  return (b >= '0' && b <= '9') || b == '.' || b == '+' || b == '-' || (l >= 'a' && l <= 'f') || l == 'x' ||
         l == 'p';
}

// Classifies a row: String.trim (code units <= 0x20, i.e. bytes <= 0x20) at both ends; empty ->
// NULL; any byte >= 0x80 -> HOST; an optional sign; "inf"/"infinity" in any case -> INF (negative
// with '-'); "nan" in any case unsigned, or exactly "NaN" after a sign -> NAN, other signed
// spellings -> NULL; digits with at most one '.' (at least one digit), then optionally [eE][+-]digits,
// then the end: FINITE with *w (the significant digits, leading zeros skipped) and *e10 (the
// decimal exponent) when the value is 0 or it has at most max_digits significant digits and
// |e10| <= max_exp, else HOST; any other text -> HOST when all its bytes are in ember_fp_alphabet,
// else NULL (no Java float syntax and no special literal holds other ASCII characters).
__device__ __forceinline__ int ember_fp_classify(const uint8_t* s, int32_t len, int32_t max_digits, int32_t max_exp,
                                                 bool* negative, uint64_t* w, int32_t* e10) {
  int32_t p = 0;
  int32_t end = len;
  while (p < end && s[p] <= 0x20) {
    p++;
  }
  while (end > p && s[end - 1] <= 0x20) {
    end--;
  }
  if (p == end) {
    return EMBER_FP_NULL;
  }
  for (int32_t k = p; k < end; k++) {
    if (s[k] >= 0x80) {
      return EMBER_FP_HOST;
    }
  }
  const bool has_sign = s[p] == '+' || s[p] == '-';
  *negative = s[p] == '-';
  if (has_sign) {
    p++;
  }
  const int32_t rest = end - p;
  if (ember_fp_word(s + p, rest, "inf", 3) || ember_fp_word(s + p, rest, "infinity", 8)) {
    return EMBER_FP_INF;
  }
  if (ember_fp_word(s + p, rest, "nan", 3)) {
    return (!has_sign || (s[p] == 'N' && s[p + 1] == 'a' && s[p + 2] == 'N')) ? EMBER_FP_NAN : EMBER_FP_NULL;
  }
  uint64_t digits_value = 0;
  int32_t significant = 0;
  int64_t fraction = 0;
  bool any_digit = false;
  bool dot = false;
  int32_t q = p;
  for (; q < end; q++) {
    const uint8_t b = s[q];
    if (b >= '0' && b <= '9') {
      any_digit = true;
      fraction += dot ? 1 : 0;
      if (digits_value != 0 || b != '0') {
        // Past 19 digits the value is not needed: such rows go to the host.
        if (significant < 19) {
          digits_value = digits_value * 10 + (b - '0');
        }
        significant++;
      }
    } else if (b == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  bool ok = any_digit;
  int64_t exponent = 0;
  if (ok && q < end && (s[q] == 'e' || s[q] == 'E')) {
    q++;
    bool exponent_negative = false;
    if (q < end && (s[q] == '+' || s[q] == '-')) {
      exponent_negative = s[q] == '-';
      q++;
    }
    int32_t exponent_digits = 0;
    while (q < end && s[q] >= '0' && s[q] <= '9') {
      // Saturates: any exponent this large sends a non-zero value to the host.
      if (exponent < 100000) {
        exponent = exponent * 10 + (s[q] - '0');
      }
      exponent_digits++;
      q++;
    }
    ok = exponent_digits > 0;
    exponent = exponent_negative ? -exponent : exponent;
  }
  if (ok && q == end) {
    if (digits_value == 0) {
      *w = 0;
      *e10 = 0;
      return EMBER_FP_FINITE;
    }
    const int64_t scale = exponent - fraction;
    if (significant <= max_digits && scale >= -max_exp && scale <= max_exp) {
      *w = digits_value;
      *e10 = static_cast<int32_t>(scale);
      return EMBER_FP_FINITE;
    }
    return EMBER_FP_HOST;
  }
  for (int32_t k = p; k < end; k++) {
    if (!ember_fp_alphabet(s[k])) {
      return EMBER_FP_NULL;
    }
  }
  return EMBER_FP_HOST;
}

__device__ __forceinline__ double ember_fp_value(uint64_t w, int32_t e10, double) {
  const double v = static_cast<double>(w);
  return e10 >= 0 ? __dmul_rn(v, ember_pow10_f64[e10]) : __ddiv_rn(v, ember_pow10_f64[-e10]);
}

__device__ __forceinline__ float ember_fp_value(uint64_t w, int32_t e10, float) {
  const float v = static_cast<float>(static_cast<uint32_t>(w));
  return e10 >= 0 ? __fmul_rn(v, ember_pow10_f32[e10]) : __fdiv_rn(v, ember_pow10_f32[-e10]);
}

__device__ __forceinline__ double ember_fp_special(bool nan, double) {
  return nan ? __longlong_as_double(0x7ff8000000000000LL) : __longlong_as_double(0x7ff0000000000000LL);
}

__device__ __forceinline__ float ember_fp_special(bool nan, float) {
  return nan ? __int_as_float(0x7fc00000) : __int_as_float(0x7f800000);
}

// ember_str_to_<t>(out, out_validity, flags, count, offsets, chars, validity, n) for t in f64, f32:
//   Cast(string AS DOUBLE) / Cast(string AS FLOAT) of each row as ember_fp_classify decides (max
//   digits 15 and exponent 22 for f64, 7 and 10 for f32): FINITE -> out[i] = w * 10^e10 (or
//   w / 10^-e10) rounded once to nearest-even, negated with a '-' (so "-0" gives -0.0), bit i 1;
//   INF -> +-Infinity, NAN -> the canonical NaN (0x7ff8000000000000 / 0x7fc00000), bit i 1; NULL and
//   null rows -> out[i] = 0, bit i 0; HOST -> out[i] = 0, bit i 0 and flags[i] = 1 (int8; 0 for
//   every other row). *count (an int64 the caller zeroes) is increased by the number of flagged
//   rows. One thread per row.
template <typename T>
__device__ __forceinline__ void str_to_floating(T* out, uint32_t* out_validity, int8_t* flags,
                                                unsigned long long* count, const int32_t* offsets,
                                                const uint8_t* chars, const uint8_t* validity, int32_t max_digits,
                                                int32_t max_exp, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    bool host = false;
    if (i < n) {
      T value = static_cast<T>(0);
      if (ember_is_valid(validity, i)) {
        bool negative = false;
        uint64_t w = 0;
        int32_t e10 = 0;
        const int kind = ember_fp_classify(ember_string_bytes(offsets, chars, i), ember_string_length(offsets, i),
                                           max_digits, max_exp, &negative, &w, &e10);
        if (kind == EMBER_FP_FINITE || kind == EMBER_FP_INF) {
          const T magnitude =
              kind == EMBER_FP_FINITE ? ember_fp_value(w, e10, static_cast<T>(0)) : ember_fp_special(false, static_cast<T>(0));
          value = negative ? -magnitude : magnitude;
          valid = true;
        } else if (kind == EMBER_FP_NAN) {
          value = ember_fp_special(true, static_cast<T>(0));
          valid = true;
        }
        host = kind == EMBER_FP_HOST;
      }
      out[i] = value;
      flags[i] = host ? 1 : 0;
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    const uint32_t flagged = __ballot_sync(0xffffffffu, host);
    if ((threadIdx.x & 31) == 0) {
      out_validity[i >> 5] = word;
      if (flagged != 0) {
        atomicAdd(count, static_cast<unsigned long long>(__popc(flagged)));
      }
    }
  }
}

extern "C" __global__ void ember_str_to_f64(double* __restrict__ out, uint32_t* __restrict__ out_validity,
                                            int8_t* __restrict__ flags, unsigned long long* __restrict__ count,
                                            const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                            const uint8_t* __restrict__ validity, int64_t n) {
  str_to_floating<double>(out, out_validity, flags, count, offsets, chars, validity, 15, 22, n);
}

extern "C" __global__ void ember_str_to_f32(float* __restrict__ out, uint32_t* __restrict__ out_validity,
                                            int8_t* __restrict__ flags, unsigned long long* __restrict__ count,
                                            const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                            const uint8_t* __restrict__ validity, int64_t n) {
  str_to_floating<float>(out, out_validity, flags, count, offsets, chars, validity, 7, 10, n);
}
