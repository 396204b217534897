// Device functions on UTF-8 strings in Arrow's layout (int32 offsets + bytes), shared by the string
// kernels and usable by later aggregation, join and sort kernels.
#pragma once
#include <cstdint>

// Spark's order of strings (UTF8String.compareTo, binaryCompare): the bytes compared as unsigned
// values 0..255 from the first on; the first difference decides, and when one string is a prefix of
// the other the shorter one is smaller. Returns -1, 0 or 1. Byte order equals code point order for
// valid UTF-8, so this is also Unicode code point order (not UTF-16 order: Java's String.compareTo
// differs for supplementary characters against U+E000..U+FFFF). a and b may be null when their
// length is 0. One thread walks the bytes: rows of any length (a MiB or more) are correct, and the
// loop stops at the first difference.
__device__ __forceinline__ int ember_string_compare(const uint8_t* a, int32_t a_len, const uint8_t* b,
                                                    int32_t b_len) {
  const int32_t n = a_len < b_len ? a_len : b_len;
  for (int32_t k = 0; k < n; k++) {
    const uint32_t x = a[k];
    const uint32_t y = b[k];
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return a_len < b_len ? -1 : (a_len > b_len ? 1 : 0);
}

// Byte-for-byte equality (UTF8String.equals): equal lengths and equal bytes.
__device__ __forceinline__ bool ember_string_equal(const uint8_t* a, int32_t a_len, const uint8_t* b,
                                                   int32_t b_len) {
  if (a_len != b_len) {
    return false;
  }
  for (int32_t k = 0; k < a_len; k++) {
    if (a[k] != b[k]) {
      return false;
    }
  }
  return true;
}

// Row i of a string column: its first byte and its length.
__device__ __forceinline__ const uint8_t* ember_string_bytes(const int32_t* offsets, const uint8_t* chars,
                                                             int64_t i) {
  return chars + offsets[i];
}
__device__ __forceinline__ int32_t ember_string_length(const int32_t* offsets, int64_t i) {
  return offsets[i + 1] - offsets[i];
}

// The epilogue of a string kernel's warp (all 32 lanes present, one row each): writes the warp's
// validity word and adds the warp's output sizes to *total (when total is not null).
__device__ __forceinline__ void ember_warp_finish(uint32_t* out_validity, unsigned long long* total, int64_t i,
                                                  bool valid, uint64_t size) {
  const uint32_t word = __ballot_sync(0xffffffffu, valid);
  for (int d = 16; d > 0; d >>= 1) {
    size += __shfl_down_sync(0xffffffffu, size, d);
  }
  if ((threadIdx.x & 31) == 0) {
    out_validity[i >> 5] = word;
    if (total != nullptr && size != 0) {
      atomicAdd(total, static_cast<unsigned long long>(size));
    }
  }
}

// The bytes of the unit a lead byte starts: UTF8String.numBytesForFirstByte (a unit whose declared
// length runs past the end of a row is cut at the row's end by ember_next_unit).
__device__ __forceinline__ int32_t ember_unit_bytes(uint8_t b) {
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 1;
}

// The byte position after the unit at p (p < end), never past end.
__device__ __forceinline__ int32_t ember_next_unit(const uint8_t* s, int32_t p, int32_t end) {
  const int32_t q = p + ember_unit_bytes(s[p]);
  return q < end ? q : end;
}
