// Exact decimal arithmetic on 128-bit unscaled values, with Spark 3.5's rounding (ANSI off): the
// result of +, -, * and / is the exact value rounded HALF_UP (ties away from zero) to the result
// scale, null when it has more digits than the result precision. Spark computes a product to 39
// significant digits rounding down and a quotient to scale 39 rounding down before rounding HALF_UP to
// the result type; for every result that fits decimal(38) both roundings together equal one HALF_UP
// rounding of the exact value, which is what these functions compute.
//
// Values are two's-complement int128 in (lo, hi) uint64 words; intermediates are magnitudes of up to
// 384 bits in six little-endian uint64 limbs (|a| * 10^76 < 2^381), divisors up to 256 bits in four.
// Used by expr.cu's DECIMAL128 instructions.
#pragma once
#include <cstdint>

namespace ember_dec {
namespace {

typedef unsigned __int128 u128;

enum : int { kAdd = 0, kSubtract = 1, kMultiply = 2, kDivide = 3 };

// 10^0 .. 10^38 as {low word, high word}.
__constant__ uint64_t kPow10x2[39][2] = {
    {0x0000000000000001ull, 0x0000000000000000ull},  // 10^0
    {0x000000000000000aull, 0x0000000000000000ull},
    {0x0000000000000064ull, 0x0000000000000000ull},
    {0x00000000000003e8ull, 0x0000000000000000ull},
    {0x0000000000002710ull, 0x0000000000000000ull},
    {0x00000000000186a0ull, 0x0000000000000000ull},  // 10^5
    {0x00000000000f4240ull, 0x0000000000000000ull},
    {0x0000000000989680ull, 0x0000000000000000ull},
    {0x0000000005f5e100ull, 0x0000000000000000ull},
    {0x000000003b9aca00ull, 0x0000000000000000ull},
    {0x00000002540be400ull, 0x0000000000000000ull},  // 10^10
    {0x000000174876e800ull, 0x0000000000000000ull},
    {0x000000e8d4a51000ull, 0x0000000000000000ull},
    {0x000009184e72a000ull, 0x0000000000000000ull},
    {0x00005af3107a4000ull, 0x0000000000000000ull},
    {0x00038d7ea4c68000ull, 0x0000000000000000ull},  // 10^15
    {0x002386f26fc10000ull, 0x0000000000000000ull},
    {0x016345785d8a0000ull, 0x0000000000000000ull},
    {0x0de0b6b3a7640000ull, 0x0000000000000000ull},
    {0x8ac7230489e80000ull, 0x0000000000000000ull},
    {0x6bc75e2d63100000ull, 0x0000000000000005ull},  // 10^20
    {0x35c9adc5dea00000ull, 0x0000000000000036ull},
    {0x19e0c9bab2400000ull, 0x000000000000021eull},
    {0x02c7e14af6800000ull, 0x000000000000152dull},
    {0x1bcecceda1000000ull, 0x000000000000d3c2ull},
    {0x161401484a000000ull, 0x0000000000084595ull},  // 10^25
    {0xdcc80cd2e4000000ull, 0x000000000052b7d2ull},
    {0x9fd0803ce8000000ull, 0x00000000033b2e3cull},
    {0x3e25026110000000ull, 0x00000000204fce5eull},
    {0x6d7217caa0000000ull, 0x00000001431e0faeull},
    {0x4674edea40000000ull, 0x0000000c9f2c9cd0ull},  // 10^30
    {0xc0914b2680000000ull, 0x0000007e37be2022ull},
    {0x85acef8100000000ull, 0x000004ee2d6d415bull},
    {0x38c15b0a00000000ull, 0x0000314dc6448d93ull},
    {0x378d8e6400000000ull, 0x0001ed09bead87c0ull},
    {0x2b878fe800000000ull, 0x0013426172c74d82ull},  // 10^35
    {0xb34b9f1000000000ull, 0x00c097ce7bc90715ull},
    {0x00f436a000000000ull, 0x0785ee10d5da46d9ull},
    {0x098a224000000000ull, 0x4b3b4ca85a86c47aull},
};

__device__ __forceinline__ u128 pow10_u128(int k) {
  return (static_cast<u128>(kPow10x2[k][1]) << 64) | kPow10x2[k][0];
}

__device__ __forceinline__ u128 make_u128(uint64_t lo, uint64_t hi) { return (static_cast<u128>(hi) << 64) | lo; }

// x (six limbs) *= m; the product must fit 384 bits. Each partial sum stays below 2^128:
// (2^64 - 1)^2 + 2 * (2^64 - 1) = 2^128 - 1.
__device__ __forceinline__ void mul_limbs(uint64_t* x, u128 m) {
  const uint64_t mlo = static_cast<uint64_t>(m);
  const uint64_t mhi = static_cast<uint64_t>(m >> 64);
  uint64_t r[6];
  u128 carry = 0;
  for (int i = 0; i < 6; i++) {
    const u128 p = static_cast<u128>(x[i]) * mlo + carry;
    r[i] = static_cast<uint64_t>(p);
    carry = p >> 64;
  }
  if (mhi != 0) {
    carry = 0;
    for (int i = 1; i < 6; i++) {
      const u128 p = static_cast<u128>(x[i - 1]) * mhi + r[i] + carry;
      r[i] = static_cast<uint64_t>(p);
      carry = p >> 64;
    }
  }
  for (int i = 0; i < 6; i++) x[i] = r[i];
}

// x *= 10^k for k in [0, 76].
__device__ __forceinline__ void mul_pow10(uint64_t* x, int k) {
  if (k > 38) {
    mul_limbs(x, pow10_u128(38));
    k -= 38;
  }
  if (k > 0) mul_limbs(x, pow10_u128(k));
}

__device__ __forceinline__ void set_limbs(uint64_t* x, u128 v) {
  x[0] = static_cast<uint64_t>(v);
  x[1] = static_cast<uint64_t>(v >> 64);
  for (int i = 2; i < 6; i++) x[i] = 0;
}

// -1, 0 or 1 as x compares with y (six limbs each).
__device__ __forceinline__ int compare_limbs(const uint64_t* x, const uint64_t* y) {
  for (int i = 5; i >= 0; i--) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

// x -= y (six limbs, x >= y).
__device__ __forceinline__ void sub_limbs(uint64_t* x, const uint64_t* y) {
  uint64_t borrow = 0;
  for (int i = 0; i < 6; i++) {
    const uint64_t yi = y[i] + borrow;
    const uint64_t next = (yi < borrow || x[i] < yi) ? 1 : 0;
    x[i] -= yi;
    borrow = next;
  }
}

// x += y (six limbs; the sum must fit).
__device__ __forceinline__ void add_limbs(uint64_t* x, const uint64_t* y) {
  uint64_t carry = 0;
  for (int i = 0; i < 6; i++) {
    const uint64_t s = x[i] + y[i];
    const uint64_t c1 = s < x[i] ? 1 : 0;
    x[i] = s + carry;
    carry = c1 | (x[i] < s ? 1 : 0);
  }
}

// The magnitude q of n / d (d != 0) rounded HALF_UP when half_up, else toward zero. Returns false
// when q >= 10^p (p in 1..38; p == 0 checks nothing, for quotients known to be below 2^127).
__device__ inline bool divide_round(uint64_t* n, const uint64_t* d, int p, bool half_up, u128* q) {
  const bool short_divisor = d[1] == 0 && d[2] == 0 && d[3] == 0 && d[4] == 0 && d[5] == 0;
  uint64_t quotient[6];
  uint64_t* rem = n;  // n becomes the remainder
  if (short_divisor) {
    const uint64_t dv = d[0];
    uint64_t r = 0;
    for (int i = 5; i >= 0; i--) {
      const u128 cur = (static_cast<u128>(r) << 64) | n[i];
      quotient[i] = static_cast<uint64_t>(cur / dv);
      r = static_cast<uint64_t>(cur % dv);
    }
    set_limbs(rem, r);
  } else {
    // floor(n / d) >= 10^p exactly when n >= d * 10^p; below that the quotient is under 2^127.
    if (p > 0) {
      uint64_t bound[6];
      for (int i = 0; i < 6; i++) bound[i] = d[i];
      mul_limbs(bound, pow10_u128(p));
      if (compare_limbs(n, bound) >= 0) return false;
    }
    // Shift-and-subtract over the 128 quotient bits: shifted = d * 2^127 fits 384 bits (d < 2^256).
    uint64_t shifted[6];
    shifted[0] = 0;
    shifted[1] = d[0] << 63;
    for (int i = 2; i < 6; i++) shifted[i] = (d[i - 1] << 63) | (d[i - 2] >> 1);
    u128 qv = 0;
    for (int bit = 127; bit >= 0; bit--) {
      if (compare_limbs(rem, shifted) >= 0) {
        sub_limbs(rem, shifted);
        qv |= static_cast<u128>(1) << bit;
      }
      for (int i = 0; i < 5; i++) shifted[i] = (shifted[i] >> 1) | (shifted[i + 1] << 63);
      shifted[5] >>= 1;
    }
    set_limbs(quotient, qv);
  }
  if (half_up) {
    // Round up when 2 * rem >= d, i.e. rem >= d - rem (rem < d).
    uint64_t rest[6];
    for (int i = 0; i < 6; i++) rest[i] = d[i];
    sub_limbs(rest, rem);
    if (compare_limbs(rem, rest) >= 0) {
      const uint64_t one[6] = {1, 0, 0, 0, 0, 0};
      add_limbs(quotient, one);
    }
  }
  if (quotient[2] != 0 || quotient[3] != 0 || quotient[4] != 0 || quotient[5] != 0) return false;
  const u128 v = make_u128(quotient[0], quotient[1]);
  if (p > 0 && v >= pow10_u128(p)) return false;
  *q = v;
  return true;
}

// A 128-bit result and whether it exists (false: null). Returned by value, in registers.
struct Result128 {
  u128 value;
  bool valid;
};

// Sign and magnitude of a two's-complement int128.
__device__ __forceinline__ u128 magnitude(u128 v, bool* negative) {
  *negative = static_cast<int64_t>(static_cast<uint64_t>(v >> 64)) < 0;
  return *negative ? ~v + 1 : v;
}

__device__ __forceinline__ u128 with_sign(u128 m, bool negative) { return negative ? ~m + 1 : m; }

// n *= 10^e for e >= 0, else d = d * 10^-e (e in [-76, 76]).
__device__ __forceinline__ void apply_exponent(uint64_t* n, uint64_t* d, int e) {
  if (e >= 0) {
    mul_pow10(n, e);
  } else {
    mul_pow10(d, -e);
  }
}

// Rescales v at scale sf to scale st (HALF_UP when digits are dropped), or truncates it to an integer
// (st = 0, half_up false, p = 0); false when the result has more than p digits.
__device__ __noinline__ Result128 rescale128(u128 v, int sf, int st, int p, bool half_up) {
  bool negative;
  const u128 m = magnitude(v, &negative);
  uint64_t n[6], d[6];
  set_limbs(n, m);
  set_limbs(d, 1);
  apply_exponent(n, d, st - sf);
  u128 q = 0;
  if (!divide_round(n, d, p, half_up, &q)) return Result128{0, false};
  return Result128{with_sign(q, negative), true};
}

// Spark's a op b of decimals a (scale sa) and b (scale sb) for a result of scale s and precision p:
// the exact value rounded HALF_UP to scale s; false (null) when it has more than p digits, or when
// dividing by zero.
__device__ __noinline__ Result128 arithmetic128(int op, u128 a, u128 b, int sa, int sb, int s, int p) {
  bool na, nb;
  const u128 ma = magnitude(a, &na);
  const u128 mb = magnitude(b, &nb);
  uint64_t n[6], d[6];
  set_limbs(d, 1);
  bool negative;
  int e;
  if (op == kAdd || op == kSubtract) {
    if (op == kSubtract) nb = !nb;
    const int common = sa > sb ? sa : sb;
    uint64_t x[6], y[6];
    set_limbs(x, ma);
    set_limbs(y, mb);
    mul_pow10(x, common - sa);
    mul_pow10(y, common - sb);
    if (na == nb) {
      add_limbs(x, y);
      negative = na;
    } else if (compare_limbs(x, y) >= 0) {
      sub_limbs(x, y);
      negative = na;
    } else {
      sub_limbs(y, x);
      for (int i = 0; i < 6; i++) x[i] = y[i];
      negative = nb;
    }
    for (int i = 0; i < 6; i++) n[i] = x[i];
    e = s - common;
  } else if (op == kMultiply) {
    set_limbs(n, ma);
    mul_limbs(n, mb);
    negative = na != nb;
    e = s - sa - sb;
  } else {
    if (mb == 0) return Result128{0, false};
    set_limbs(n, ma);
    set_limbs(d, mb);
    negative = na != nb;
    e = s + sb - sa;
  }
  apply_exponent(n, d, e);
  u128 q = 0;
  if (!divide_round(n, d, p, true, &q)) return Result128{0, false};
  return Result128{with_sign(q, negative && q != 0), true};
}

}  // namespace
}  // namespace ember_dec
