// Casts between STRING columns (Arrow layout: int32 offsets, UTF-8 bytes, validity) and integers
// and dates, with Spark 3.5's rules when ANSI mode is off (Cast, evalMode LEGACY): an input that
// does not parse gives null, never an error. Host side: ops/StringCasts.java.
//
// Conventions as strfuncs.cu: output validity as whole 32-bit words from __ballot_sync up to the
// 64-bit-word bitmap size, bits past n 0, 4-byte aligned, blockDim.x a multiple of 32; a 0 input
// validity means all valid; chars read only at valid rows; n == 0 writes nothing unless stated.
// To-string casts run in two passes (sizes with the exact int64 total, prefix sum, chars) and keep
// the input's validity (the host copies it).
#include "ember.cuh"
#include "ember_strings.cuh"

// UTF8String.isWhitespaceOrISOControl of a (signed) byte: Character.isWhitespace ||
// Character.isISOControl, which for the values -128..127 is 0x00..0x20 and 0x7F.
__device__ __forceinline__ bool ember_cast_space(uint8_t b) { return b <= 0x20 || b == 0x7F; }

// UTF8String.toLong(allowDecimal = true) / toInt(allowDecimal = true) into [lo, hi]: skips
// ember_cast_space bytes at both ends; an optional '+' or '-' (not alone); decimal digits
// accumulated as a negative number with Spark's overflow checks (so exactly lo..hi parse); an
// optional '.' followed only by digits (the fraction is dropped; "1." and even "." parse, as in
// Spark). Anything else, an empty or all-space row, or a value outside [lo, hi] fails.
__device__ __forceinline__ bool ember_parse_integral(const uint8_t* s, int32_t len, int64_t lo, int64_t hi,
                                                     int64_t* value) {
  int32_t p = 0;
  while (p < len && ember_cast_space(s[p])) {
    p++;
  }
  if (p == len) {
    return false;
  }
  int32_t end = len - 1;
  while (end > p && ember_cast_space(s[end])) {
    end--;
  }
  const bool negative = s[p] == '-';
  if (negative || s[p] == '+') {
    if (end == p) {
      return false;
    }
    p++;
  }
  const int64_t stop = lo / 10;
  int64_t result = 0;
  while (p <= end) {
    const uint8_t b = s[p];
    p++;
    if (b == '.') {
      break;
    }
    if (b < '0' || b > '9') {
      return false;
    }
    const int64_t digit = b - '0';
    if (result < stop) {
      return false;
    }
    const int64_t times10 = result * 10;  // >= lo - 8: no overflow
    if (times10 < lo + digit) {
      return false;  // Spark: result * 10 - digit wraps past the minimum
    }
    result = times10 - digit;
  }
  while (p <= end) {
    if (s[p] < '0' || s[p] > '9') {
      return false;
    }
    p++;
  }
  if (!negative) {
    if (result < -hi) {
      return false;  // -lo is out of range (Spark: -result stays negative)
    }
    result = -result;
  }
  *value = result;
  return true;
}

// ember_str_to_<t>(out, out_validity, offsets, chars, validity, n) for t in i8, i16, i32, i64:
//   Cast(string AS TINYINT/SMALLINT/INT/BIGINT): i64 parses as UTF8String.toLong, i32 as toInt,
//   i16 and i8 as toShort/toByte (toInt, then null unless the value fits). A row that does not
//   parse, and a null row, gives out[i] = 0 and bit i 0. One thread per row.
template <typename T>
__device__ __forceinline__ void str_to_integral(T* out, uint32_t* out_validity, const int32_t* offsets,
                                                const uint8_t* chars, const uint8_t* validity, int64_t lo,
                                                int64_t hi, int64_t narrow_lo, int64_t narrow_hi, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      int64_t v = 0;
      if (ember_is_valid(validity, i)) {
        valid = ember_parse_integral(ember_string_bytes(offsets, chars, i), ember_string_length(offsets, i), lo, hi,
                                     &v) &&
                v >= narrow_lo && v <= narrow_hi;
      }
      out[i] = valid ? static_cast<T>(v) : static_cast<T>(0);
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    if ((threadIdx.x & 31) == 0) {
      out_validity[i >> 5] = word;
    }
  }
}

#define EMBER_INT32_MIN (-2147483647LL - 1)
#define EMBER_INT64_MIN (-9223372036854775807LL - 1)

extern "C" __global__ void ember_str_to_i8(int8_t* out, uint32_t* out_validity, const int32_t* offsets,
                                           const uint8_t* chars, const uint8_t* validity, int64_t n) {
  str_to_integral<int8_t>(out, out_validity, offsets, chars, validity, EMBER_INT32_MIN, 2147483647LL, -128, 127, n);
}
extern "C" __global__ void ember_str_to_i16(int16_t* out, uint32_t* out_validity, const int32_t* offsets,
                                            const uint8_t* chars, const uint8_t* validity, int64_t n) {
  str_to_integral<int16_t>(out, out_validity, offsets, chars, validity, EMBER_INT32_MIN, 2147483647LL, -32768, 32767,
                           n);
}
extern "C" __global__ void ember_str_to_i32(int32_t* out, uint32_t* out_validity, const int32_t* offsets,
                                            const uint8_t* chars, const uint8_t* validity, int64_t n) {
  str_to_integral<int32_t>(out, out_validity, offsets, chars, validity, EMBER_INT32_MIN, 2147483647LL,
                           EMBER_INT32_MIN, 2147483647LL, n);
}
extern "C" __global__ void ember_str_to_i64(int64_t* out, uint32_t* out_validity, const int32_t* offsets,
                                            const uint8_t* chars, const uint8_t* validity, int64_t n) {
  str_to_integral<int64_t>(out, out_validity, offsets, chars, validity, EMBER_INT64_MIN, 9223372036854775807LL,
                           EMBER_INT64_MIN, 9223372036854775807LL, n);
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day valid for it).
__device__ __forceinline__ int64_t ember_days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

__device__ __forceinline__ int64_t ember_days_in_month(int64_t y, int64_t m) {
  if (m == 2) {
    const bool leap = (y % 4 == 0) && (y % 100 != 0 || y % 400 == 0);
    return leap ? 29 : 28;
  }
  return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

// DateTimeUtils.stringToDate: ember_cast_space bytes trimmed at both ends; an optional sign; then
// yyyy[y..] (4 to 7 digits), yyyy-[m]m or yyyy-[m]m-[d]d (1 or 2 digits each, missing parts 1); the
// date part ends at the end, or (only after the day) at the first ' ' or 'T', after which anything
// may follow. The date must exist (LocalDate.of) and its day number fit an int32 (localDateToDays,
// Math.toIntExact). Returns false when it does not parse.
__device__ __forceinline__ bool ember_parse_date(const uint8_t* s, int32_t len, int32_t* days) {
  int32_t j = 0;
  while (j < len && ember_cast_space(s[j])) {
    j++;
  }
  int32_t end = len;
  while (end > j && ember_cast_space(s[end - 1])) {
    end--;
  }
  if (j == end) {
    return false;
  }
  int64_t sign = 1;
  if (s[j] == '-' || s[j] == '+') {
    sign = s[j] == '-' ? -1 : 1;
    j++;
  }
  int64_t seg0 = 1, seg1 = 1, value = 0;
  int32_t segment = 0, digits = 0;
  while (j < end && s[j] != ' ' && s[j] != 'T') {
    const uint8_t b = s[j];
    if (segment < 2 && b == '-') {
      if (segment == 0 ? (digits < 4 || digits > 7) : (digits < 1 || digits > 2)) {
        return false;
      }
      if (segment == 0) {
        seg0 = value;
      } else {
        seg1 = value;
      }
      value = 0;
      digits = 0;
      segment++;
    } else {
      if (b < '0' || b > '9') {
        return false;
      }
      // Past 7 digits the segment is invalid anyway; stop growing the value.
      if (digits < 8) {
        value = value * 10 + (b - '0');
      }
      digits++;
    }
    j++;
  }
  if (segment == 0 ? (digits < 4 || digits > 7) : (digits < 1 || digits > 2)) {
    return false;
  }
  if (segment < 2 && j < end) {
    return false;
  }
  int64_t y, m, d;
  if (segment == 0) {
    y = value; m = 1; d = 1;
  } else if (segment == 1) {
    y = seg0; m = value; d = 1;
  } else {
    y = seg0; m = seg1; d = value;
  }
  y *= sign;
  if (m < 1 || m > 12 || d < 1 || d > ember_days_in_month(y, m)) {
    return false;
  }
  // localDateToDays: Math.toIntExact of the epoch day; past the int32 range (years beyond about
  // +5881580 / -5877641) Spark's overflow is caught and the cast gives null.
  const int64_t epoch_day = ember_days_from_civil(y, m, d);
  if (epoch_day < EMBER_INT32_MIN || epoch_day > 2147483647LL) {
    return false;
  }
  *days = static_cast<int32_t>(epoch_day);
  return true;
}

// ember_str_to_date32(out, out_validity, offsets, chars, validity, n)
//   Cast(string AS DATE): out[i] = days since 1970-01-01 (int32) of row i parsed as
//   DateTimeUtils.stringToDate (see ember_parse_date) and bit i valid; a row that does not parse,
//   and a null row, gives out[i] = 0 and bit i 0. One thread per row.
extern "C" __global__ void ember_str_to_date32(int32_t* __restrict__ out, uint32_t* __restrict__ out_validity,
                                               const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                               const uint8_t* __restrict__ validity, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      int32_t days = 0;
      if (ember_is_valid(validity, i)) {
        valid = ember_parse_date(ember_string_bytes(offsets, chars, i), ember_string_length(offsets, i), &days);
      }
      out[i] = valid ? days : 0;
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    if ((threadIdx.x & 31) == 0) {
      out_validity[i >> 5] = word;
    }
  }
}

// Decimal digits of a magnitude (1 for 0).
__device__ __forceinline__ int32_t ember_digits(uint64_t v) {
  int32_t k = 1;
  while (v >= 10) {
    v /= 10;
    k++;
  }
  return k;
}

// Writes the digits of v ending just before out + end.
__device__ __forceinline__ void ember_write_digits(uint8_t* out, int32_t end, uint64_t v, int32_t digits) {
  for (int32_t k = end - 1; k >= end - digits; k--) {
    out[k] = static_cast<uint8_t>('0' + v % 10);
    v /= 10;
  }
}

// Sum of a warp's sizes into *total (all lanes present).
__device__ __forceinline__ void ember_add_total(unsigned long long* total, uint64_t size) {
  for (int d = 16; d > 0; d >>= 1) {
    size += __shfl_down_sync(0xffffffffu, size, d);
  }
  if ((threadIdx.x & 31) == 0 && size != 0) {
    atomicAdd(total, static_cast<unsigned long long>(size));
  }
}

// ember_<t>_to_str_sizes(sizes, total, in, validity, n) for t in i8, i16, i32, i64:
//   sizes[i] = the length of Long.toString(in[i]) (a '-' and the digits, no leading zeros) for valid
//   rows, 0 for null rows; sizes[n] = 0; *total += the sum. blockDim.x a multiple of 32.
// ember_<t>_to_str_chars(out_chars, out_offsets, in, n):
//   writes Long.toString(in[i]) at out_chars[out_offsets[i]] for rows of positive length (the
//   scanned sizes; null rows have length 0 and are skipped).
template <typename T>
__device__ __forceinline__ void integral_to_str_sizes(int32_t* sizes, unsigned long long* total, const T* in,
                                                      const uint8_t* validity, int64_t n) {
  if (ember_thread_index() == 0) {
    sizes[n] = 0;
  }
  EMBER_WARP_STRIDE(i, n) {
    uint64_t size = 0;
    if (i < n && ember_is_valid(validity, i)) {
      const int64_t v = static_cast<int64_t>(in[i]);
      const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
      size = static_cast<uint64_t>(ember_digits(mag) + (v < 0 ? 1 : 0));
    }
    if (i < n) {
      sizes[i] = static_cast<int32_t>(size);
    }
    ember_add_total(total, size);
  }
}

template <typename T>
__device__ __forceinline__ void integral_to_str_chars(uint8_t* out_chars, const int32_t* out_offsets, const T* in,
                                                      int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t at = out_offsets[i];
    const int32_t len = out_offsets[i + 1] - at;
    if (len > 0) {
      const int64_t v = static_cast<int64_t>(in[i]);
      const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
      if (v < 0) {
        out_chars[at] = '-';
      }
      ember_write_digits(out_chars, at + len, mag, len - (v < 0 ? 1 : 0));
    }
  }
}

#define EMBER_INTEGRAL_TO_STR(T, t)                                                                             \
  extern "C" __global__ void ember_##t##_to_str_sizes(int32_t* sizes, unsigned long long* total, const T* in,  \
                                                      const uint8_t* validity, int64_t n) {                    \
    integral_to_str_sizes<T>(sizes, total, in, validity, n);                                                   \
  }                                                                                                            \
  extern "C" __global__ void ember_##t##_to_str_chars(uint8_t* out_chars, const int32_t* out_offsets,          \
                                                      const T* in, int64_t n) {                                \
    integral_to_str_chars<T>(out_chars, out_offsets, in, n);                                                   \
  }

EMBER_INTEGRAL_TO_STR(int8_t, i8)
EMBER_INTEGRAL_TO_STR(int16_t, i16)
EMBER_INTEGRAL_TO_STR(int32_t, i32)
EMBER_INTEGRAL_TO_STR(int64_t, i64)

// The proleptic Gregorian year, month and day of a day number (days since 1970-01-01).
__device__ __forceinline__ void ember_civil_from_days(int64_t days, int64_t* y, int64_t* m, int64_t* d) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

// The length of a date's text: the year as java.time's "uuuu" (at least 4 digits; '-' for years
// before 0; '+' for years past 9999), then "-MM-dd".
__device__ __forceinline__ int32_t ember_date_text_length(int64_t y) {
  const uint64_t mag = static_cast<uint64_t>(y < 0 ? -y : y);
  const int32_t digits = ember_digits(mag);
  return (digits < 4 ? 4 : digits) + ((y < 0 || y > 9999) ? 1 : 0) + 6;
}

// ember_date32_to_str_sizes(sizes, total, in, validity, n)
//   Cast(date AS STRING): sizes[i] = the length of row i's text (see ember_date_text_length) for
//   valid rows, 0 for null rows; sizes[n] = 0; *total += the sum. blockDim.x a multiple of 32.
// ember_date32_to_str_chars(out_chars, out_offsets, in, n)
//   writes the text (Spark's DateFormatter "yyyy-MM-dd", i.e. java.time "uuuu-MM-dd", proleptic
//   Gregorian) of in[i] at out_chars[out_offsets[i]] for rows of positive length.
extern "C" __global__ void ember_date32_to_str_sizes(int32_t* __restrict__ sizes,
                                                     unsigned long long* __restrict__ total,
                                                     const int32_t* __restrict__ in,
                                                     const uint8_t* __restrict__ validity, int64_t n) {
  if (ember_thread_index() == 0) {
    sizes[n] = 0;
  }
  EMBER_WARP_STRIDE(i, n) {
    uint64_t size = 0;
    if (i < n && ember_is_valid(validity, i)) {
      int64_t y, m, d;
      ember_civil_from_days(in[i], &y, &m, &d);
      size = static_cast<uint64_t>(ember_date_text_length(y));
    }
    if (i < n) {
      sizes[i] = static_cast<int32_t>(size);
    }
    ember_add_total(total, size);
  }
}

extern "C" __global__ void ember_date32_to_str_chars(uint8_t* __restrict__ out_chars,
                                                     const int32_t* __restrict__ out_offsets,
                                                     const int32_t* __restrict__ in, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t at = out_offsets[i];
    const int32_t len = out_offsets[i + 1] - at;
    if (len > 0) {
      int64_t y, m, d;
      ember_civil_from_days(in[i], &y, &m, &d);
      int32_t p = at;
      if (y < 0) {
        out_chars[p++] = '-';
      } else if (y > 9999) {
        out_chars[p++] = '+';
      }
      const int32_t year_end = at + len - 6;
      const uint64_t mag = static_cast<uint64_t>(y < 0 ? -y : y);
      ember_write_digits(out_chars, year_end, mag, year_end - p);
      out_chars[year_end] = '-';
      out_chars[year_end + 1] = static_cast<uint8_t>('0' + m / 10);
      out_chars[year_end + 2] = static_cast<uint8_t>('0' + m % 10);
      out_chars[year_end + 3] = '-';
      out_chars[year_end + 4] = static_cast<uint8_t>('0' + d / 10);
      out_chars[year_end + 5] = static_cast<uint8_t>('0' + d % 10);
    }
  }
}
