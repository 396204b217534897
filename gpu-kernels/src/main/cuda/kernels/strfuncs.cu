// String functions on STRING columns (Arrow layout: int32 offsets, UTF-8 bytes, validity) with
// Spark 3.5's semantics (UTF8String, ANSI off). Host side: ops/StringFunctions.java.
//
// Characters. Spark counts and cuts characters by stepping over UTF8String.numBytesForFirstByte(b)
// bytes from a lead byte b: 0xC2..0xDF -> 2, 0xE0..0xEF -> 3, 0xF0..0xF4 -> 4, every other byte
// (ASCII, continuation bytes, 0xC0, 0xC1, 0xF5..0xFF) -> 1. For valid UTF-8 a "unit" is one code
// point; for malformed bytes it is exactly what Spark's numChars/substring/trim step over. The only
// deliberate difference: a unit whose declared length runs past the end of the row is cut at the
// row's end (Spark would copy bytes past the string there).
//
// Every kernel below that produces a validity bitmap writes it as whole 32-bit words from a
// __ballot_sync up to the 64-bit-word bitmap size ((n + 63) / 64 * 8 bytes), bits past n 0; the
// bitmap must be 4-byte aligned and blockDim.x a multiple of 32. A 0 input validity pointer means
// all rows valid. Chars are read only at valid rows (a chars pointer may be 0 when the column has
// no bytes). n == 0 writes nothing unless stated.
//
// Variable-width results are built in two passes around a prefix sum, as the string gather: a
// "ranges" or "sizes" kernel writes each row's byte count (sizes has n + 1 entries, sizes[n] = 0,
// so the exclusive scan of all n + 1 ends with the total) and adds the exact int64 total to *total
// (zeroed by the caller; each warp adds its sum once), the host checks the total against its limit,
// scans the sizes into offsets and launches the copy kernel.
#include "ember.cuh"
#include "ember_strings.cuh"

// ember_str_length(out, out_validity, offsets, chars, validity, n)
//   out[i] (int32) = Spark's numChars of row i (the number of units, see above) and bit i valid
//   where row i is valid; out[i] = 0 and bit i 0 where it is null. Bytes past the row are never
//   read. One thread per row.
extern "C" __global__ void ember_str_length(int32_t* __restrict__ out, uint32_t* __restrict__ out_validity,
                                            const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                            const uint8_t* __restrict__ validity, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      valid = ember_is_valid(validity, i);
      int32_t count = 0;
      if (valid) {
        const uint8_t* s = ember_string_bytes(offsets, chars, i);
        const int32_t len = ember_string_length(offsets, i);
        for (int32_t p = 0; p < len; p += ember_unit_bytes(s[p])) {
          count++;
        }
      }
      out[i] = count;
    }
    ember_warp_finish(out_validity, nullptr, i, valid, 0);
  }
}

// ember_str_substring_ranges(starts, sizes, out_validity, total, offsets, chars, validity, pos, len, n)
//   UTF8String.substringSQL(pos, len) of every valid row, as a byte range: starts[i] (int32) is the
//   absolute position in chars of the result's first byte and sizes[i] its byte count; bit i valid.
//   Null rows: sizes[i] = 0, starts[i] = 0, bit 0. With c = the row's unit count:
//     start = pos > 0 ? pos - 1 : pos < 0 ? c + pos : 0   (character index, may be negative)
//     until = start + len, clamped to [INT32_MIN, INT32_MAX] (computed in 64 bits)
//   the result is the units with index in [max(start, 0), until) (empty when until <= start).
//   sizes[n] = 0; *total += the sum of sizes (exact, 64 bits).
extern "C" __global__ void ember_str_substring_ranges(int32_t* __restrict__ starts, int32_t* __restrict__ sizes,
                                                      uint32_t* __restrict__ out_validity,
                                                      unsigned long long* __restrict__ total,
                                                      const int32_t* __restrict__ offsets,
                                                      const uint8_t* __restrict__ chars,
                                                      const uint8_t* __restrict__ validity, int32_t pos, int32_t len,
                                                      int64_t n) {
  if (ember_thread_index() == 0) {
    sizes[n] = 0;
  }
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    uint64_t size = 0;
    if (i < n) {
      valid = ember_is_valid(validity, i);
      int32_t from = 0;
      if (valid) {
        const int32_t base = offsets[i];
        const uint8_t* s = chars + base;
        const int32_t bytes = offsets[i + 1] - base;
        int64_t start = 0;
        if (pos > 0) {
          start = static_cast<int64_t>(pos) - 1;
        } else if (pos < 0) {
          int32_t c = 0;
          for (int32_t p = 0; p < bytes; p += ember_unit_bytes(s[p])) {
            c++;
          }
          start = static_cast<int64_t>(c) + pos;
        }
        int64_t until = start + len;
        until = until > 2147483647LL ? 2147483647LL : (until < -2147483648LL ? -2147483648LL : until);
        int32_t p = 0;
        int32_t q = 0;
        if (until > start && start < bytes) {
          int64_t c = 0;
          while (p < bytes && c < start) {
            p = ember_next_unit(s, p, bytes);
            c++;
          }
          q = p;
          while (q < bytes && c < until) {
            q = ember_next_unit(s, q, bytes);
            c++;
          }
        }
        from = base + p;
        size = static_cast<uint64_t>(q - p);
      }
      starts[i] = from;
      sizes[i] = static_cast<int32_t>(size);
    }
    ember_warp_finish(out_validity, total, i, valid, size);
  }
}

// True when the bytes s[0, k) occur anywhere in set[0, set_len) (UTF8String.find of a unit in the
// trim string: a byte search, as Spark does).
__device__ __forceinline__ bool ember_unit_in(const uint8_t* s, int32_t k, const uint8_t* set, int32_t set_len) {
  for (int32_t a = 0; a + k <= set_len; a++) {
    bool same = true;
    for (int32_t b = 0; b < k; b++) {
      if (set[a + b] != s[b]) {
        same = false;
        break;
      }
    }
    if (same) {
      return true;
    }
  }
  return false;
}

// ember_str_trim_ranges(starts, sizes, out_validity, total, offsets, chars, validity, trim, trim_len,
//                       mode, n)
//   The byte range of every valid row after trimming, as ember_str_substring_ranges reports it.
//   mode bit 0: trim the left, bit 1: the right (3: both). Units (see above) are removed from the
//   chosen ends while their bytes occur in trim[0, trim_len) (UTF8String.trimLeft/trimRight(trimStr),
//   which trim(trimStr) applies left then right). With trim = " " (one byte 0x20) this is exactly
//   UTF8String.trim()/trimLeft()/trimRight(), which remove only ASCII spaces. The right end is
//   found by walking the units from the left end (malformed bytes split as Spark splits them).
//   One thread per row.
extern "C" __global__ void ember_str_trim_ranges(int32_t* __restrict__ starts, int32_t* __restrict__ sizes,
                                                 uint32_t* __restrict__ out_validity,
                                                 unsigned long long* __restrict__ total,
                                                 const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                                 const uint8_t* __restrict__ validity,
                                                 const uint8_t* __restrict__ trim, int32_t trim_len, int32_t mode,
                                                 int64_t n) {
  if (ember_thread_index() == 0) {
    sizes[n] = 0;
  }
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    uint64_t size = 0;
    if (i < n) {
      valid = ember_is_valid(validity, i);
      int32_t from = 0;
      if (valid) {
        const int32_t base = offsets[i];
        const uint8_t* s = chars + base;
        const int32_t bytes = offsets[i + 1] - base;
        int32_t p = 0;
        if (mode & 1) {
          while (p < bytes) {
            const int32_t q = ember_next_unit(s, p, bytes);
            if (!ember_unit_in(s + p, q - p, trim, trim_len)) {
              break;
            }
            p = q;
          }
        }
        int32_t end = bytes;
        if (mode & 2) {
          // The end of the last unit that is kept: walk forward, remembering where the current
          // run of trimmable units started.
          int32_t keep = p;
          for (int32_t u = p; u < bytes;) {
            const int32_t q = ember_next_unit(s, u, bytes);
            if (!ember_unit_in(s + u, q - u, trim, trim_len)) {
              keep = q;
            }
            u = q;
          }
          end = keep;
        }
        from = base + p;
        size = static_cast<uint64_t>(end - p);
      }
      starts[i] = from;
      sizes[i] = static_cast<int32_t>(size);
    }
    ember_warp_finish(out_validity, total, i, valid, size);
  }
}

// ember_str_copy_ranges(out_chars, out_offsets, chars, starts, n)
//   For each row i in [0, n) copies out_offsets[i + 1] - out_offsets[i] bytes from chars[starts[i]]
//   to out_chars[out_offsets[i]] (out_offsets: the scanned sizes of a ranges kernel; starts its
//   starts). Rows of length 0 read nothing. One thread per row. out_chars must not overlap chars.
extern "C" __global__ void ember_str_copy_ranges(uint8_t* __restrict__ out_chars,
                                                 const int32_t* __restrict__ out_offsets,
                                                 const uint8_t* __restrict__ chars, const int32_t* __restrict__ starts,
                                                 int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t at = out_offsets[i];
    const int32_t len = out_offsets[i + 1] - at;
    if (len > 0) {
      const uint8_t* src = chars + starts[i];
      uint8_t* dst = out_chars + at;
      for (int32_t k = 0; k < len; k++) {
        dst[k] = src[k];
      }
    }
  }
}

// ember_str_case_ascii(out_chars, flags, count, offsets, chars, validity, upper, n)
//   The fast path of UTF8String.toUpperCase (upper != 0) / toLowerCase (upper == 0): for every valid
//   row i, each byte b of the row is written to the same position of out_chars (the result has the
//   input's offsets) as b with 'a'..'z' -> 'A'..'Z' (upper) or 'A'..'Z' -> 'a'..'z' (lower), every
//   other byte unchanged. flags[i] (int8) = 1 where the row holds a byte 0xC2..0xF4 (a lead byte of
//   a multi-byte character: Spark then converts the whole row with java.lang.String's case mapping,
//   which the host applies to those rows), else 0; null rows get flag 0 and no bytes. *count (an
//   int64, zeroed by the caller) is increased by the number of flagged rows.
extern "C" __global__ void ember_str_case_ascii(uint8_t* __restrict__ out_chars, int8_t* __restrict__ flags,
                                                unsigned long long* __restrict__ count,
                                                const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                                const uint8_t* __restrict__ validity, int32_t upper, int64_t n) {
  const uint8_t lo = upper ? 'a' : 'A';
  EMBER_GRID_STRIDE(i, n) {
    int8_t flag = 0;
    if (ember_is_valid(validity, i)) {
      const int32_t start = offsets[i];
      const int32_t end = offsets[i + 1];
      for (int32_t k = start; k < end; k++) {
        const uint8_t b = chars[k];
        flag |= (b >= 0xC2 && b <= 0xF4) ? 1 : 0;
        out_chars[k] = (b >= lo && b <= lo + 25) ? static_cast<uint8_t>(b ^ 0x20) : b;
      }
    }
    flags[i] = flag;
    if (flag) {
      atomicAdd(count, 1ULL);
    }
  }
}

// ember_str_match(out, out_validity, offsets, chars, validity, pat, pat_len, mode, n)
//   out[i] (BOOL8: 1 or 0) for every valid row, byte-wise as UTF8String: mode 0 startsWith(pat),
//   1 endsWith(pat), 2 contains(pat) (an empty pattern matches every row). Null rows: out 0, bit 0.
//   pat (device memory, pat_len bytes) may be 0 when pat_len is 0. contains compares at each start
//   position (worst case row length x pattern length per row).
extern "C" __global__ void ember_str_match(int8_t* __restrict__ out, uint32_t* __restrict__ out_validity,
                                           const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                           const uint8_t* __restrict__ validity, const uint8_t* __restrict__ pat,
                                           int32_t pat_len, int32_t mode, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      valid = ember_is_valid(validity, i);
      bool hit = false;
      if (valid) {
        const uint8_t* s = ember_string_bytes(offsets, chars, i);
        const int32_t len = ember_string_length(offsets, i);
        if (pat_len <= len) {
          const int32_t first = mode == 1 ? len - pat_len : 0;
          const int32_t last = mode == 2 ? len - pat_len : first;
          for (int32_t a = first; a <= last && !hit; a++) {
            hit = ember_string_equal(s + a, pat_len, pat, pat_len);
          }
        }
      }
      out[i] = hit ? 1 : 0;
    }
    ember_warp_finish(out_validity, nullptr, i, valid, 0);
  }
}

// LIKE programs (built by ops/LikePattern.java): pairs of int32 (kind, bytes). kind 1..4: a literal
// character whose UTF-8 bytes are the low kind bytes of `bytes`, least significant first; kind 0:
// '_' (any one unit); kind -1: '%' (any sequence; the host merges runs of '%').

// Matches the tokens [a, b) (no '%') at byte position p, within [p, end): the position after the
// match, or -1.
__device__ __forceinline__ int32_t ember_like_segment(const int32_t* prog, int32_t a, int32_t b, const uint8_t* s,
                                                      int32_t p, int32_t end) {
  for (int32_t t = a; t < b; t++) {
    if (p >= end) {
      return -1;
    }
    const int32_t kind = prog[2 * t];
    if (kind == 0) {
      p = ember_next_unit(s, p, end);
    } else {
      if (p + kind > end) {
        return -1;
      }
      const uint32_t bytes = static_cast<uint32_t>(prog[2 * t + 1]);
      for (int32_t k = 0; k < kind; k++) {
        if (s[p + k] != ((bytes >> (8 * k)) & 0xffu)) {
          return -1;
        }
      }
      p += kind;
    }
  }
  return p;
}

// The LIKE match of one row: the leading segment is anchored at the start, the trailing one at the
// end (placed by counting units), the ones between are found leftmost-first in order, which is
// exact for '%' patterns (a greedy leftmost match leaves the most room for what follows).
__device__ __forceinline__ bool ember_like_row(const int32_t* prog, int32_t tokens, const uint8_t* s, int32_t len) {
  int32_t a = 0;
  while (a < tokens && prog[2 * a] != -1) {
    a++;
  }
  int32_t p = ember_like_segment(prog, 0, a, s, 0, len);
  if (p < 0) {
    return false;
  }
  if (a == tokens) {
    return p == len;
  }
  // The trailing segment: tokens (z, tokens) after the last '%'.
  int32_t z = tokens - 1;
  while (prog[2 * z] != -1) {
    z--;
  }
  const int32_t tail = tokens - 1 - z;
  int32_t units = 0;
  for (int32_t u = p; u < len; u = ember_next_unit(s, u, len)) {
    units++;
  }
  if (units < tail) {
    return false;
  }
  int32_t q = p;
  for (int32_t k = 0; k < units - tail; k++) {
    q = ember_next_unit(s, q, len);
  }
  if (ember_like_segment(prog, z + 1, tokens, s, q, len) != len) {
    return false;
  }
  // Middle segments between a (the first '%') and z (the last '%'), each searched in [p, q).
  int32_t t = a;
  while (t < z) {
    int32_t b = t + 1;
    while (prog[2 * b] != -1) {
      b++;
    }
    if (b > t + 1) {
      int32_t found = -1;
      for (int32_t at = p; at < q; at = ember_next_unit(s, at, q)) {
        found = ember_like_segment(prog, t + 1, b, s, at, q);
        if (found >= 0) {
          break;
        }
      }
      if (found < 0) {
        return false;
      }
      p = found;
    }
    t = b;
  }
  return true;
}

// ember_str_like(out, out_validity, offsets, chars, validity, prog, tokens, n)
//   out[i] (BOOL8) = whether valid row i matches the LIKE program prog (tokens pairs, see above; the
//   host has resolved escapes): '_' matches exactly one unit, '%' any run of units (also none), a
//   literal exactly its UTF-8 bytes; the whole row must match. Null rows: out 0, bit 0. No
//   backtracking: the cost per row is linear in its length times the longest segment between two
//   '%'. One thread per row.
extern "C" __global__ void ember_str_like(int8_t* __restrict__ out, uint32_t* __restrict__ out_validity,
                                          const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                          const uint8_t* __restrict__ validity, const int32_t* __restrict__ prog,
                                          int32_t tokens, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      valid = ember_is_valid(validity, i);
      bool hit = false;
      if (valid) {
        hit = ember_like_row(prog, tokens, ember_string_bytes(offsets, chars, i), ember_string_length(offsets, i));
      }
      out[i] = hit ? 1 : 0;
    }
    ember_warp_finish(out_validity, nullptr, i, valid, 0);
  }
}

// ember_str_in_list(out, out_validity, offsets, chars, validity, list_offsets, list_chars, list_count,
//                   list_has_null, n)
//   SQL IN with a list of non-null string literals (list_count rows in Arrow layout, list_offsets
//   list_count + 1 int32; list_chars may be 0 when they have no bytes) and, if list_has_null != 0,
//   a null literal: for valid row i, out[i] = 1 and bit i valid when the row equals (bytes) one of
//   the literals; otherwise out[i] = 0 and bit i is valid unless the list holds a null (then null).
//   Null rows: out 0, bit 0. Each row is compared with the literals in turn.
extern "C" __global__ void ember_str_in_list(int8_t* __restrict__ out, uint32_t* __restrict__ out_validity,
                                             const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                             const uint8_t* __restrict__ validity,
                                             const int32_t* __restrict__ list_offsets,
                                             const uint8_t* __restrict__ list_chars, int32_t list_count,
                                             int32_t list_has_null, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      bool hit = false;
      if (ember_is_valid(validity, i)) {
        const uint8_t* s = ember_string_bytes(offsets, chars, i);
        const int32_t len = ember_string_length(offsets, i);
        for (int32_t k = 0; k < list_count && !hit; k++) {
          hit = ember_string_equal(s, len, list_chars + list_offsets[k], list_offsets[k + 1] - list_offsets[k]);
        }
        valid = hit || list_has_null == 0;
      }
      out[i] = hit ? 1 : 0;
    }
    ember_warp_finish(out_validity, nullptr, i, valid, 0);
  }
}

// Concatenation inputs: count descriptors of four int64 each: (offsets, chars, validity, scalar_len).
// offsets != 0: a STRING column of n rows (validity 0: all valid). offsets == 0: a non-null scalar of
// scalar_len bytes at chars, the same in every row.
__device__ __forceinline__ int32_t ember_concat_part_len(const int64_t* in, int32_t k, int64_t i) {
  const int32_t* offsets = reinterpret_cast<const int32_t*>(in[4 * k]);
  return offsets == nullptr ? static_cast<int32_t>(in[4 * k + 3]) : offsets[i + 1] - offsets[i];
}

// ember_str_concat_sizes(sizes, out_validity, total, inputs, count, n)
//   Spark's Concat of count inputs (descriptors above): row i is valid when every column input is
//   valid at i (null if any is null), and sizes[i] = the sum of the parts' byte counts (0 for null
//   rows); sizes[n] = 0; *total += the sum (exact, 64 bits). A row's own size must fit int32: the
//   host's limit (at most 2^31 - 1 for the whole result) guarantees it for every row it accepts, and
//   rows whose parts sum past it make the total exceed the limit.
extern "C" __global__ void ember_str_concat_sizes(int32_t* __restrict__ sizes, uint32_t* __restrict__ out_validity,
                                                  unsigned long long* __restrict__ total,
                                                  const int64_t* __restrict__ inputs, int32_t count, int64_t n) {
  if (ember_thread_index() == 0) {
    sizes[n] = 0;
  }
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    uint64_t size = 0;
    if (i < n) {
      valid = true;
      for (int32_t k = 0; k < count && valid; k++) {
        const uint8_t* v = reinterpret_cast<const uint8_t*>(inputs[4 * k + 2]);
        valid = inputs[4 * k] == 0 || ember_is_valid(v, i);
      }
      if (valid) {
        for (int32_t k = 0; k < count; k++) {
          size += static_cast<uint64_t>(static_cast<uint32_t>(ember_concat_part_len(inputs, k, i)));
        }
      }
      sizes[i] = static_cast<int32_t>(static_cast<uint32_t>(size));
    }
    ember_warp_finish(out_validity, total, i, valid, size);
  }
}

// ember_str_concat_chars(out_chars, out_offsets, inputs, count, n)
//   For each row i whose output length (out_offsets[i + 1] - out_offsets[i], the scanned sizes) is
//   positive, writes the parts' bytes one after the other at out_chars[out_offsets[i]]. Rows of
//   length 0 read nothing. One thread per row.
extern "C" __global__ void ember_str_concat_chars(uint8_t* __restrict__ out_chars,
                                                  const int32_t* __restrict__ out_offsets,
                                                  const int64_t* __restrict__ inputs, int32_t count, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    int32_t at = out_offsets[i];
    if (out_offsets[i + 1] > at) {
      for (int32_t k = 0; k < count; k++) {
        const int32_t* offsets = reinterpret_cast<const int32_t*>(inputs[4 * k]);
        const uint8_t* src = reinterpret_cast<const uint8_t*>(inputs[4 * k + 1]);
        int32_t len;
        if (offsets == nullptr) {
          len = static_cast<int32_t>(inputs[4 * k + 3]);
        } else {
          src += offsets[i];
          len = offsets[i + 1] - offsets[i];
        }
        for (int32_t b = 0; b < len; b++) {
          out_chars[at + b] = src[b];
        }
        at += len;
      }
    }
  }
}
