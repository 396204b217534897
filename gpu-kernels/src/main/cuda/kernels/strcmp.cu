// Row-wise comparison of STRING columns (Arrow layout: int32 offsets, UTF-8 bytes, validity) in
// Spark's order (UTF8String.compareTo: unsigned bytes, then length; see ember_strings.cuh). The
// expression layer maps the -1/0/1 results to = < <= > >= (and <=>, with the validity).
#include "ember.cuh"
#include "ember_strings.cuh"

// ember_string_compare_cc(out, out_validity, a_offsets, a_chars, a_validity,
//                         b_offsets, b_chars, b_validity, n)
//   For i in [0, n): if row i of a and row i of b are both valid (a 0 bitmap means all valid),
//   out[i] = ember_string_compare(a row i, b row i) in {-1, 0, 1} and output bit i is 1; otherwise
//   out[i] = 0 and output bit i is 0 (a comparison with null is null). out_validity is written as
//   whole 32-bit words up to the 64-bit-word bitmap size, bits past n 0; 4-byte aligned; blockDim.x a
//   multiple of 32. Chars are read only for valid rows (a chars pointer may be 0 when its column
//   has no bytes). One thread per row: comparisons usually stop within the first bytes; a long
//   common prefix costs its length in that thread (correct for rows of any length). n == 0 writes
//   nothing.
extern "C" __global__ void ember_string_compare_cc(int8_t* __restrict__ out, uint32_t* __restrict__ out_validity,
                                                   const int32_t* __restrict__ a_offsets,
                                                   const uint8_t* __restrict__ a_chars,
                                                   const uint8_t* __restrict__ a_validity,
                                                   const int32_t* __restrict__ b_offsets,
                                                   const uint8_t* __restrict__ b_chars,
                                                   const uint8_t* __restrict__ b_validity, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      valid = ember_is_valid(a_validity, i) && ember_is_valid(b_validity, i);
      int8_t r = 0;
      if (valid) {
        r = static_cast<int8_t>(ember_string_compare(ember_string_bytes(a_offsets, a_chars, i),
                                                     ember_string_length(a_offsets, i),
                                                     ember_string_bytes(b_offsets, b_chars, i),
                                                     ember_string_length(b_offsets, i)));
      }
      out[i] = r;
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    if ((threadIdx.x & 31) == 0) {
      out_validity[i >> 5] = word;
    }
  }
}

// ember_string_compare_cs(out, out_validity, a_offsets, a_chars, a_validity, s_chars, s_len, n)
//   As ember_string_compare_cc with every row of b being the non-null scalar s (s_len bytes at
//   s_chars in device memory; s_chars may be 0 when s_len is 0): out[i] = compare(a row i, s) where
//   a row i is valid, else null (out[i] = 0, bit 0). A null scalar makes every result null; the
//   host writes that without a launch.
extern "C" __global__ void ember_string_compare_cs(int8_t* __restrict__ out, uint32_t* __restrict__ out_validity,
                                                   const int32_t* __restrict__ a_offsets,
                                                   const uint8_t* __restrict__ a_chars,
                                                   const uint8_t* __restrict__ a_validity,
                                                   const uint8_t* __restrict__ s_chars, int32_t s_len, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      valid = ember_is_valid(a_validity, i);
      int8_t r = 0;
      if (valid) {
        r = static_cast<int8_t>(ember_string_compare(ember_string_bytes(a_offsets, a_chars, i),
                                                     ember_string_length(a_offsets, i), s_chars, s_len));
      }
      out[i] = r;
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    if ((threadIdx.x & 31) == 0) {
      out_validity[i >> 5] = word;
    }
  }
}
