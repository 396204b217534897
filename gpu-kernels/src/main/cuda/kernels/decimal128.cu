// Decimal arithmetic whose results are wider than the expression engine's 64-bit registers: the
// exact product of two DECIMAL64 columns as a DECIMAL128 column (Spark's decimal multiply when the
// result type is decimal(p1 + p2 + 1, s1 + s2), i.e. exact and never rounded).
//
// Decimal values are unscaled two's-complement integers: DECIMAL64 one int64 per row, DECIMAL128 two
// uint64 words per row (low word first, 16-byte aligned).
//
// ember_decimal128_multiply_dec64(uint64_t* out, const int64_t* a, const uint8_t* a_validity,
//                                 const int64_t* b, const uint8_t* b_validity, int64_t n)
//   One thread per row i in [0, n). When a and b are both valid at i (a validity pointer of 0 means
//   all valid), out row i is the exact signed 128-bit product a[i] * b[i]: low word
//   (uint64) a[i] * (uint64) b[i], high word the signed high half __mul64hi(a[i], b[i]). Every pair of
//   int64 values has a product in [-2^126 + 2^63, 2^126], so the 128 bits hold it exactly (including
//   INT64_MIN * INT64_MIN = 2^126). A row where either operand is null gets 0 in both words (the
//   caller builds the result's validity from the operands'); values under nulls are not read.
#include "ember.cuh"

namespace {

__device__ __forceinline__ ulonglong2 multiply_row(const int64_t* a, const uint8_t* a_validity,
                                                   const int64_t* b, const uint8_t* b_validity, int64_t i) {
  if (!ember_is_valid(a_validity, i) || !ember_is_valid(b_validity, i)) {
    return make_ulonglong2(0, 0);
  }
  const int64_t x = a[i];
  const int64_t y = b[i];
  // Unsigned wrap-around gives the low 64 bits of the signed product without signed overflow.
  const uint64_t lo = static_cast<uint64_t>(x) * static_cast<uint64_t>(y);
  const uint64_t hi = static_cast<uint64_t>(__mul64hi(static_cast<long long>(x), static_cast<long long>(y)));
  return make_ulonglong2(lo, hi);
}

}  // namespace

extern "C" __global__ void ember_decimal128_multiply_dec64(uint64_t* out, const int64_t* a,
                                                           const uint8_t* a_validity, const int64_t* b,
                                                           const uint8_t* b_validity, int64_t n) {
  ulonglong2* out2 = reinterpret_cast<ulonglong2*>(out);
  EMBER_GRID_STRIDE(i, n) {
    out2[i] = multiply_row(a, a_validity, b, b_validity, i);
  }
}
