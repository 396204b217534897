// Exact decimal aggregation for hash aggregation (hashagg.cu builds the table: row_slot gives each
// row's slot or -1, group_slots each group's slot): the sums of Spark's Sum and Average buffers over
// decimals, and Spark's decimal AVG result from merged buffers.
//
// Decimal values are unscaled two's-complement integers: DECIMAL64 one int64 per row, DECIMAL128 two
// uint64 words per row (low word first, 16-byte aligned). Sums are 192-bit two's-complement integers,
// three uint64 words per slot (low word first, slot s at words 3s..3s+2), zero before the first update.
//
// ember_hashaggdec_sum_dec64(uint64_t* sums, uint64_t* nulls, const int32_t* row_slot,
//                            const int64_t* data, const uint8_t* validity, int64_t n)
// ember_hashaggdec_sum_dec128(uint64_t* sums, uint64_t* nulls, const int32_t* row_slot,
//                             const uint64_t* data, const uint8_t* validity, int64_t n)
//   One thread per row i in [0, n); rows with row_slot[i] < 0 are skipped. A valid row adds its value,
//   sign-extended to 192 bits, to its slot's sum. A null row adds 1 to nulls[slot] when nulls is not 0
//   (merging partial sums, where a null partial means that partial overflowed) and is ignored
//   otherwise. nulls (one uint64 per slot) starts at 0.
//   How: atomicAdd on the low word; the carry out of it (computed from the old value atomicAdd returns)
//   is added with the value's middle word to the middle word, whose carry goes with the top word to
//   the top word; additions of 0 are skipped. Every addition's carries reach the next word exactly
//   once, so the final words are the exact sum modulo 2^192 whatever the thread order (intermediate
//   states may be torn); 2^31 rows of |v| < 10^38 < 2^127 sum to less than 2^158 in magnitude, so the
//   final sum is exact.
//
// ember_hashaggdec_emit_dec64(int64_t* out, uint32_t* out_validity, const uint64_t* sums,
//                             const uint64_t* nulls, const int32_t* group_slots, int32_t precision,
//                             int64_t groups)
// ember_hashaggdec_emit_dec128(uint64_t* out, uint32_t* out_validity, const uint64_t* sums,
//                              const uint64_t* nulls, const int32_t* group_slots, int32_t precision,
//                              int64_t groups)
//   One thread per group g in [0, groups), slot = group_slots[g]. Group g is valid when nulls is 0 or
//   nulls[slot] == 0, and |sum| < 10^precision (Spark's non-ANSI decimal sum overflow gives null).
//   precision is 1..38, and at most 18 for dec64. Valid groups get the sum's low 64 bits (dec64) or low
//   128 bits (dec128: two words, low first), which hold the value exactly; null groups get 0.
//   out_validity (not 0) is written as whole 32-bit words up to the 64-bit-word size of the bitmap,
//   bits past groups 0; blockDim.x must be a multiple of 32.
//
// ember_hashaggdec_average_dec64(void* out, uint32_t* out_validity, const int64_t* sums,
//                                const uint8_t* sum_validity, const int64_t* counts,
//                                const uint8_t* count_validity, int32_t shift, int32_t precision,
//                                int32_t out_words, int64_t n)
// ember_hashaggdec_average_dec128(void* out, uint32_t* out_validity, const uint64_t* sums, ...same...)
//   Spark's decimal AVG from its merged buffers (Average.evaluateExpression), one thread per row i in
//   [0, n): sums (scale s) and INT64 counts, either may have nulls (validity 0: none). The result has
//   scale s + shift (shift in [0, 19], so 10^shift fits in 64 bits) and the given precision (1..38):
//   out = sum * 10^shift / count rounded HALF_UP (ties away from zero), which equals Spark's division
//   to scale 39 truncating followed by HALF_UP rounding to the result scale. Null when the sum or the
//   count is null, the count is 0, or |out| >= 10^precision. out_words 1: out is int64 per row (the
//   precision must be at most 18); 2: two uint64 words per row, low first. Null rows get 0; validity
//   as in emit (whole words, bits past n 0, blockDim.x a multiple of 32).
//   How: the magnitude |sum| * 10^shift (at most 2^127 * 2^64) as 192 bits, divided by |count| word by
//   word from the top (128-by-64-bit divisions whose quotients fit 64 bits), the remainder r rounds up
//   when 2r >= |count|, and the sign is applied last.
#include "ember.cuh"

namespace {

typedef unsigned __int128 u128;

__device__ __forceinline__ u128 pow10_u128(int32_t p) {
  u128 r = 1;
  for (int32_t k = 0; k < p; k++) r *= 10u;
  return r;
}

__device__ __forceinline__ void add_192(unsigned long long* at, uint64_t v0, uint64_t v1, uint64_t v2) {
  uint64_t carry0 = 0;
  if (v0 != 0) {
    const uint64_t old = atomicAdd(&at[0], static_cast<unsigned long long>(v0));
    carry0 = old + v0 < old ? 1 : 0;
  }
  // v1 = 2^64 - 1 with a carry wraps to 0: the middle word gains 2^64, i.e. 1 in the top word.
  const uint64_t t1 = v1 + carry0;
  uint64_t carry1 = t1 < v1 ? 1 : 0;
  if (t1 != 0) {
    const uint64_t old = atomicAdd(&at[1], static_cast<unsigned long long>(t1));
    carry1 = old + t1 < old ? 1 : 0;
  }
  const uint64_t t2 = v2 + carry1;
  if (t2 != 0) {
    atomicAdd(&at[2], static_cast<unsigned long long>(t2));
  }
}

__device__ void sum_dec64(unsigned long long* sums, unsigned long long* nulls, const int32_t* row_slot,
                          const int64_t* data, const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s < 0) continue;
    if (ember_is_valid(validity, i)) {
      const int64_t v = data[i];
      const uint64_t ext = v < 0 ? ~0ull : 0ull;
      add_192(&sums[3 * static_cast<int64_t>(s)], static_cast<uint64_t>(v), ext, ext);
    } else if (nulls != nullptr) {
      atomicAdd(&nulls[s], 1ull);
    }
  }
}

__device__ void sum_dec128(unsigned long long* sums, unsigned long long* nulls, const int32_t* row_slot,
                           const uint64_t* data, const uint8_t* validity, int64_t n) {
  const ulonglong2* rows = reinterpret_cast<const ulonglong2*>(data);
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s < 0) continue;
    if (ember_is_valid(validity, i)) {
      const ulonglong2 v = rows[i];
      const uint64_t ext = static_cast<int64_t>(v.y) < 0 ? ~0ull : 0ull;
      add_192(&sums[3 * static_cast<int64_t>(s)], v.x, v.y, ext);
    } else if (nulls != nullptr) {
      atomicAdd(&nulls[s], 1ull);
    }
  }
}

// Whether the 192-bit two's-complement (w0, w1, w2) has magnitude below `bound` (< 2^128).
__device__ __forceinline__ bool below(uint64_t w0, uint64_t w1, uint64_t w2, u128 bound) {
  if (static_cast<int64_t>(w2) < 0) {
    // Negate: invert and add 1.
    w0 = ~w0;
    w1 = ~w1;
    w2 = ~w2;
    w0 += 1;
    if (w0 == 0) {
      w1 += 1;
      if (w1 == 0) w2 += 1;
    }
  }
  return w2 == 0 && ((static_cast<u128>(w1) << 64) | w0) < bound;
}

template <bool WIDE>
__device__ void emit(uint64_t* out, uint32_t* out_validity, const uint64_t* sums, const unsigned long long* nulls,
                     const int32_t* group_slots, int32_t precision, int64_t groups) {
  const u128 bound = pow10_u128(precision);
  const int64_t rows_in_words = ((groups + 63) / 64) * 64;
  EMBER_WARP_STRIDE(g, rows_in_words) {
    bool valid = false;
    if (g < groups) {
      const int64_t s = group_slots[g];
      const uint64_t w0 = sums[3 * s];
      const uint64_t w1 = sums[3 * s + 1];
      const uint64_t w2 = sums[3 * s + 2];
      valid = (nulls == nullptr || nulls[s] == 0) && below(w0, w1, w2, bound);
      if (WIDE) {
        out[2 * g] = valid ? w0 : 0;
        out[2 * g + 1] = valid ? w1 : 0;
      } else {
        out[g] = valid ? w0 : 0;
      }
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    if (out_validity != nullptr && (threadIdx.x & 31) == 0) {
      out_validity[g >> 5] = word;
    }
  }
}

// One step of the long division: (hi * 2^64 + lo) / d with hi < d, so the quotient fits 64 bits.
__device__ __forceinline__ uint64_t div_step(uint64_t& rem, uint64_t lo, uint64_t d) {
  const u128 cur = (static_cast<u128>(rem) << 64) | lo;
  const uint64_t q = static_cast<uint64_t>(cur / d);
  rem = static_cast<uint64_t>(cur - static_cast<u128>(q) * d);
  return q;
}

// Sums as (low, high) words of a signed 128-bit value.
__device__ __forceinline__ void load_sum(const int64_t* sums, int64_t i, uint64_t& lo, int64_t& hi) {
  const int64_t v = sums[i];
  lo = static_cast<uint64_t>(v);
  hi = v < 0 ? -1 : 0;
}
__device__ __forceinline__ void load_sum(const uint64_t* sums, int64_t i, uint64_t& lo, int64_t& hi) {
  const ulonglong2 v = reinterpret_cast<const ulonglong2*>(sums)[i];
  lo = v.x;
  hi = static_cast<int64_t>(v.y);
}

template <typename S>
__device__ void average(void* out, uint32_t* out_validity, const S* sums, const uint8_t* sum_validity,
                        const int64_t* counts, const uint8_t* count_validity, int32_t shift, int32_t precision,
                        int32_t out_words, int64_t n) {
  const u128 bound = pow10_u128(precision);
  const uint64_t scale = static_cast<uint64_t>(pow10_u128(shift));
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    uint64_t r0 = 0;
    uint64_t r1 = 0;
    if (i < n) {
      const int64_t count = counts[i];
      if (ember_is_valid(sum_validity, i) && ember_is_valid(count_validity, i) && count != 0) {
        uint64_t lo;
        int64_t hi;
        load_sum(sums, i, lo, hi);
        const bool sum_negative = hi < 0;
        u128 mag = (static_cast<u128>(static_cast<uint64_t>(hi)) << 64) | lo;
        if (sum_negative) mag = ~mag + 1;  // 2^127 stays exact as an unsigned value
        const uint64_t d = count < 0 ? 0ull - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
        // Numerator |sum| * 10^shift: at most 2^127 * 2^64, three words.
        const u128 p0 = static_cast<u128>(static_cast<uint64_t>(mag)) * scale;
        const u128 p1 = static_cast<u128>(static_cast<uint64_t>(mag >> 64)) * scale + (p0 >> 64);
        uint64_t rem = 0;
        const uint64_t q2 = div_step(rem, static_cast<uint64_t>(p1 >> 64), d);
        const uint64_t q1 = div_step(rem, static_cast<uint64_t>(p1), d);
        const uint64_t q0 = div_step(rem, static_cast<uint64_t>(p0), d);
        // HALF_UP: rem >= d / 2 exactly when rem >= d - rem (rem < d <= 2^63, no overflow).
        u128 q = (static_cast<u128>(q1) << 64) | q0;
        bool overflow = q2 != 0;
        if (rem >= d - rem) {
          q += 1;
          overflow = overflow || q == 0;
        }
        valid = !overflow && q < bound;
        if (valid) {
          if (sum_negative != (count < 0)) q = ~q + 1;
          r0 = static_cast<uint64_t>(q);
          r1 = static_cast<uint64_t>(q >> 64);
        }
      }
      if (out_words == 2) {
        static_cast<uint64_t*>(out)[2 * i] = r0;
        static_cast<uint64_t*>(out)[2 * i + 1] = r1;
      } else {
        static_cast<uint64_t*>(out)[i] = r0;
      }
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    if (out_validity != nullptr && (threadIdx.x & 31) == 0) {
      out_validity[i >> 5] = word;
    }
  }
}

}  // namespace

extern "C" __global__ void ember_hashaggdec_sum_dec64(unsigned long long* sums, unsigned long long* nulls,
                                                      const int32_t* row_slot, const int64_t* data,
                                                      const uint8_t* validity, int64_t n) {
  sum_dec64(sums, nulls, row_slot, data, validity, n);
}

extern "C" __global__ void ember_hashaggdec_sum_dec128(unsigned long long* sums, unsigned long long* nulls,
                                                       const int32_t* row_slot, const uint64_t* data,
                                                       const uint8_t* validity, int64_t n) {
  sum_dec128(sums, nulls, row_slot, data, validity, n);
}

extern "C" __global__ void ember_hashaggdec_emit_dec64(int64_t* out, uint32_t* out_validity, const uint64_t* sums,
                                                       const unsigned long long* nulls, const int32_t* group_slots,
                                                       int32_t precision, int64_t groups) {
  emit<false>(reinterpret_cast<uint64_t*>(out), out_validity, sums, nulls, group_slots, precision, groups);
}

extern "C" __global__ void ember_hashaggdec_emit_dec128(uint64_t* out, uint32_t* out_validity, const uint64_t* sums,
                                                        const unsigned long long* nulls, const int32_t* group_slots,
                                                        int32_t precision, int64_t groups) {
  emit<true>(out, out_validity, sums, nulls, group_slots, precision, groups);
}

extern "C" __global__ void ember_hashaggdec_average_dec64(void* out, uint32_t* out_validity, const int64_t* sums,
                                                          const uint8_t* sum_validity, const int64_t* counts,
                                                          const uint8_t* count_validity, int32_t shift,
                                                          int32_t precision, int32_t out_words, int64_t n) {
  average(out, out_validity, sums, sum_validity, counts, count_validity, shift, precision, out_words, n);
}

extern "C" __global__ void ember_hashaggdec_average_dec128(void* out, uint32_t* out_validity, const uint64_t* sums,
                                                           const uint8_t* sum_validity, const int64_t* counts,
                                                           const uint8_t* count_validity, int32_t shift,
                                                           int32_t precision, int32_t out_words, int64_t n) {
  average(out, out_validity, sums, sum_validity, counts, count_validity, shift, precision, out_words, n);
}
