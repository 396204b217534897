// String functions that search a row for a literal or build a new row from it, with Spark 3.5's
// semantics (UTF8String, ANSI off): locate/instr, lpad/rpad, replace, reverse, repeat and
// substring_index. Host side: ops/StringEdits.java. Layout, "units" (what UTF8String steps over
// from a lead byte), the validity words and the two-pass sizes/chars scheme are those of
// strfuncs.cu; as there, a unit whose declared length runs past the end of a row is cut at the
// row's end.
#include "ember.cuh"
#include "ember_strings.cuh"

// The number of units of s[0, len).
__device__ __forceinline__ int32_t ember_edit_units(const uint8_t* s, int32_t len) {
  int32_t c = 0;
  for (int32_t p = 0; p < len; p = ember_next_unit(s, p, len)) {
    c++;
  }
  return c;
}

// The byte position after the first `units` units of s[0, len) (len when it has fewer).
__device__ __forceinline__ int32_t ember_edit_prefix(const uint8_t* s, int32_t len, int64_t units) {
  int32_t p = 0;
  for (int64_t c = 0; p < len && c < units; c++) {
    p = ember_next_unit(s, p, len);
  }
  return p;
}

// True when pat[0, pat_len) occurs at s[p] (p + pat_len <= len checked by the caller).
__device__ __forceinline__ bool ember_edit_at(const uint8_t* s, int32_t p, const uint8_t* pat, int32_t pat_len) {
  for (int32_t k = 0; k < pat_len; k++) {
    if (s[p + k] != pat[k]) {
      return false;
    }
  }
  return true;
}

// Appends src[0, len) at out + at when out is not null; returns at + len (the count either way).
__device__ __forceinline__ int64_t ember_edit_put(uint8_t* out, int64_t at, const uint8_t* src, int64_t len) {
  if (out != nullptr) {
    for (int64_t k = 0; k < len; k++) {
      out[at + k] = src[k];
    }
  }
  return at + len;
}

// ember_str_locate(out, out_validity, offsets, chars, validity, pat, pat_len, start, n)
//   out[i] (int32) = UTF8String.indexOf(pat, start) + 1 of row i, start a 0-based character index
//   >= 0: 1 when pat is empty (indexOf gives 0 whatever start is); otherwise the 1-based character
//   position of the first occurrence of the bytes of pat that begins at a unit boundary at or after
//   unit `start`, 0 when there is none. start < 0 gives 0 (StringLocate's pos < 1). Bit i valid
//   where row i is valid (out 0 at nulls).
//   StringInstr is start 0; StringLocate(substr, str, pos) is start pos - 1 for pos >= 1.
extern "C" __global__ void ember_str_locate(int32_t* __restrict__ out, uint32_t* __restrict__ out_validity,
                                            const int32_t* __restrict__ offsets, const uint8_t* __restrict__ chars,
                                            const uint8_t* __restrict__ validity, const uint8_t* __restrict__ pat,
                                            int32_t pat_len, int32_t start, int64_t n) {
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    if (i < n) {
      valid = ember_is_valid(validity, i);
      int32_t result = 0;
      if (valid) {
        if (start < 0) {
          result = 0;
        } else if (pat_len == 0) {
          result = 1;
        } else {
          const uint8_t* s = ember_string_bytes(offsets, chars, i);
          const int32_t len = ember_string_length(offsets, i);
          int32_t p = 0;
          int32_t c = 0;
          while (p < len && c < start) {
            p = ember_next_unit(s, p, len);
            c++;
          }
          while (p + pat_len <= len) {
            if (ember_edit_at(s, p, pat, pat_len)) {
              result = c + 1;
              break;
            }
            p = ember_next_unit(s, p, len);
            c++;
          }
        }
      }
      out[i] = result;
    }
    ember_warp_finish(out_validity, nullptr, i, valid, 0);
  }
}

// The operations of ember_str_edit_sizes / ember_str_edit_chars (StringEdits.Op).
#define EMBER_EDIT_LPAD 0
#define EMBER_EDIT_RPAD 1
#define EMBER_EDIT_REPLACE 2
#define EMBER_EDIT_REVERSE 3
#define EMBER_EDIT_REPEAT 4
#define EMBER_EDIT_SUBSTRING_INDEX 5
#define EMBER_EDIT_SPLIT_PART 6

// The number of pieces of s[0, len) split at the non-overlapping occurrences (left to right) of the
// bytes a (a_len > 0), at most limit pieces when limit > 0 (the last one the rest of the row); and,
// when want >= 0, the byte range of piece want in *from / *to.
__device__ __forceinline__ int32_t ember_split_pieces(const uint8_t* s, int32_t len, const uint8_t* a, int32_t a_len,
                                                      int32_t limit, int32_t want, int32_t* from, int32_t* to) {
  int32_t pieces = 0;
  int32_t start = 0;
  int32_t p = 0;
  while (p + a_len <= len && (limit <= 0 || pieces < limit - 1)) {
    if (ember_edit_at(s, p, a, a_len)) {
      if (pieces == want) {
        *from = start;
        *to = p;
      }
      pieces++;
      p += a_len;
      start = p;
    } else {
      p++;
    }
  }
  if (pieces == want) {
    *from = start;
    *to = len;
  }
  return pieces + 1;
}

// The result of operation op on the row s[0, len), written at out when out is not null; returns its
// byte count (exact, 64 bits; computed the same way whether or not it writes), or -1 for a null
// result (SPLIT_PART only). a/b and k are the operation's literal operands:
//   LPAD/RPAD (UTF8String.lpad/rpad(k, a)): with c the row's units and spaces = k - c: spaces <= 0
//     or a empty gives the first k units (empty for k <= 0); otherwise a repeated spaces / units(a)
//     times and the first spaces % units(a) units of a, before (LPAD) or after (RPAD) the row.
//   REPLACE (UTF8String.replace(a, b)): every non-overlapping occurrence of the bytes a, left to
//     right, replaced by b; the row itself when it or a is empty.
//   REVERSE (UTF8String.reverse): the units in reverse order, each unit's bytes in order.
//   REPEAT (UTF8String.repeat(k)): the row k times; empty for k <= 0.
//   SUBSTRING_INDEX (UTF8String.subStringIndex(a, k), k != INT32_MIN): empty when a is empty or
//     k == 0; for k > 0 the bytes before the k-th occurrence of a from the left (occurrences may
//     overlap), for k < 0 those after the |k|-th from the right; the row itself when there are
//     fewer occurrences.
//   SPLIT_PART (StringSplit with a literal, non-regex pattern a (not empty) and limit b_len, then
//     the element k of the array: >= 0 from the start, 0-based; < 0 from the end, -1 the last): the
//     row cut at the non-overlapping occurrences of a (String.split(pattern, limit) with limit 0 as
//     -1: empty pieces, leading and trailing, kept; at most b_len pieces when b_len > 0); null (-1)
//     when the array has no element k.
__device__ int64_t ember_edit(int32_t op, const uint8_t* s, int32_t len, const uint8_t* a, int32_t a_len,
                              const uint8_t* b, int32_t b_len, int32_t k, uint8_t* out) {
  switch (op) {
    case EMBER_EDIT_LPAD:
    case EMBER_EDIT_RPAD: {
      const int64_t spaces = static_cast<int64_t>(k) - ember_edit_units(s, len);
      if (spaces <= 0 || a_len == 0) {
        return ember_edit_put(out, 0, s, k <= 0 ? 0 : ember_edit_prefix(s, len, k));
      }
      const int32_t pad_units = ember_edit_units(a, a_len);
      const int64_t count = spaces / pad_units;
      const int32_t remain = ember_edit_prefix(a, a_len, spaces - count * pad_units);
      int64_t at = 0;
      if (op == EMBER_EDIT_RPAD) {
        at = ember_edit_put(out, at, s, len);
      }
      for (int64_t r = 0; r < count; r++) {
        at = ember_edit_put(out, at, a, a_len);
      }
      at = ember_edit_put(out, at, a, remain);
      if (op == EMBER_EDIT_LPAD) {
        at = ember_edit_put(out, at, s, len);
      }
      return at;
    }
    case EMBER_EDIT_REPLACE: {
      if (len == 0 || a_len == 0) {
        return ember_edit_put(out, 0, s, len);
      }
      int64_t at = 0;
      int32_t from = 0;
      int32_t p = 0;
      while (p + a_len <= len) {
        if (ember_edit_at(s, p, a, a_len)) {
          at = ember_edit_put(out, at, s + from, p - from);
          at = ember_edit_put(out, at, b, b_len);
          p += a_len;
          from = p;
        } else {
          p++;
        }
      }
      return ember_edit_put(out, at, s + from, len - from);
    }
    case EMBER_EDIT_REVERSE: {
      if (out != nullptr) {
        for (int32_t p = 0; p < len;) {
          const int32_t q = ember_next_unit(s, p, len);
          ember_edit_put(out, len - q, s + p, q - p);
          p = q;
        }
      }
      return len;
    }
    case EMBER_EDIT_REPEAT: {
      int64_t at = 0;
      for (int32_t r = 0; r < k; r++) {
        at = ember_edit_put(out, at, s, len);
      }
      return at;
    }
    case EMBER_EDIT_SUBSTRING_INDEX: {
      if (a_len == 0 || k == 0) {
        return 0;
      }
      if (k > 0) {
        int32_t idx = -1;
        for (int32_t left = k; left > 0; left--) {
          int32_t p = idx + 1;
          while (p <= len - a_len && !ember_edit_at(s, p, a, a_len)) {
            p++;
          }
          if (p > len - a_len) {
            return ember_edit_put(out, 0, s, len);
          }
          idx = p;
        }
        return ember_edit_put(out, 0, s, idx);
      }
      int32_t idx = len - a_len + 1;
      for (int32_t left = -k; left > 0; left--) {
        int32_t p = idx - 1;
        while (p >= 0 && !ember_edit_at(s, p, a, a_len)) {
          p--;
        }
        if (p < 0) {
          return ember_edit_put(out, 0, s, len);
        }
        idx = p;
      }
      return ember_edit_put(out, 0, s + idx + a_len, len - a_len - idx);
    }
    case EMBER_EDIT_SPLIT_PART: {
      int32_t from = 0;
      int32_t to = 0;
      int32_t want = k;
      if (k < 0) {
        const int32_t pieces = ember_split_pieces(s, len, a, a_len, b_len, -1, &from, &to);
        if (static_cast<int64_t>(pieces) + k < 0) {
          return -1;
        }
        want = pieces + k;
      }
      const int32_t pieces = ember_split_pieces(s, len, a, a_len, b_len, want, &from, &to);
      if (want >= pieces) {
        return -1;
      }
      return ember_edit_put(out, 0, s + from, to - from);
    }
    default:
      return 0;
  }
}

// ember_str_edit_sizes(sizes, out_validity, total, offsets, chars, validity, a, a_len, b, b_len, k, op, n)
//   sizes[i] = the byte count of operation op (see ember_edit) on row i, bit i valid, where row i is
//   valid and the result is not null; 0 and bit 0 otherwise. sizes[n] = 0; *total += the exact sum (64 bits). A row's
//   size past int32 is stored truncated, but then the total is past the host's limit, which rejects
//   the result before the sizes are used.
extern "C" __global__ void ember_str_edit_sizes(int32_t* __restrict__ sizes, uint32_t* __restrict__ out_validity,
                                                unsigned long long* __restrict__ total,
                                                const int32_t* __restrict__ offsets,
                                                const uint8_t* __restrict__ chars,
                                                const uint8_t* __restrict__ validity, const uint8_t* __restrict__ a,
                                                int32_t a_len, const uint8_t* __restrict__ b, int32_t b_len,
                                                int32_t k, int32_t op, int64_t n) {
  if (ember_thread_index() == 0) {
    sizes[n] = 0;
  }
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    bool valid = false;
    uint64_t size = 0;
    if (i < n) {
      valid = ember_is_valid(validity, i);
      if (valid) {
        const int64_t r = ember_edit(op, ember_string_bytes(offsets, chars, i), ember_string_length(offsets, i), a,
                                     a_len, b, b_len, k, nullptr);
        valid = r >= 0;
        size = valid ? static_cast<uint64_t>(r) : 0;
      }
      sizes[i] = static_cast<int32_t>(static_cast<uint32_t>(size));
    }
    ember_warp_finish(out_validity, total, i, valid, size);
  }
}

// ember_str_edit_chars(out_chars, out_offsets, offsets, chars, a, a_len, b, b_len, k, op, n)
//   Writes operation op's result for every row whose output length (out_offsets: the scanned sizes)
//   is positive at out_chars[out_offsets[i]]. Null and empty rows read nothing. One thread per row.
extern "C" __global__ void ember_str_edit_chars(uint8_t* __restrict__ out_chars,
                                                const int32_t* __restrict__ out_offsets,
                                                const int32_t* __restrict__ offsets,
                                                const uint8_t* __restrict__ chars, const uint8_t* __restrict__ a,
                                                int32_t a_len, const uint8_t* __restrict__ b, int32_t b_len,
                                                int32_t k, int32_t op, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t at = out_offsets[i];
    if (out_offsets[i + 1] > at) {
      ember_edit(op, ember_string_bytes(offsets, chars, i), ember_string_length(offsets, i), a, a_len, b, b_len, k,
                 out_chars + at);
    }
  }
}

// ember_str_initcap_ascii(out_chars, flags, count, offsets, chars, validity, n)
//   The fast path of InitCap (UTF8String.toLowerCase().toTitleCase()): for every valid row i whose
//   bytes hold no 0xC2..0xF4 (no lead byte of a multi-byte character), each byte b is written to the
//   same position of out_chars (the result has the input's offsets) as 'A'..'Z' -> 'a'..'z', then
//   'a'..'z' -> 'A'..'Z' at position 0 and after a byte ' '; every other byte unchanged. Rows
//   holding such a byte are flagged (flags[i] = 1, *count += 1; Spark maps them with java.lang.String,
//   which the host applies to them) and their bytes copied unchanged. Null rows: flag 0, no bytes.
extern "C" __global__ void ember_str_initcap_ascii(uint8_t* __restrict__ out_chars, int8_t* __restrict__ flags,
                                                   unsigned long long* __restrict__ count,
                                                   const int32_t* __restrict__ offsets,
                                                   const uint8_t* __restrict__ chars,
                                                   const uint8_t* __restrict__ validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    int8_t flag = 0;
    if (ember_is_valid(validity, i)) {
      const int32_t start = offsets[i];
      const int32_t end = offsets[i + 1];
      uint8_t previous = ' ';
      for (int32_t k = start; k < end; k++) {
        const uint8_t b = chars[k];
        flag |= (b >= 0xC2 && b <= 0xF4) ? 1 : 0;
        uint8_t c = (b >= 'A' && b <= 'Z') ? static_cast<uint8_t>(b ^ 0x20) : b;
        if (previous == ' ' && c >= 'a' && c <= 'z') {
          c = static_cast<uint8_t>(c ^ 0x20);
        }
        out_chars[k] = c;
        previous = b;
      }
      if (flag) {
        for (int32_t k = start; k < end; k++) {
          out_chars[k] = chars[k];
        }
      }
    }
    flags[i] = flag;
    if (flag) {
      atomicAdd(count, 1ULL);
    }
  }
}

// ConcatWs inputs: 4 int64 words per input, as ember_str_concat_* take them: offsets (0 for a
// scalar), bytes, validity (0: all valid) and, for a scalar, its byte count. Input k is part of row
// i when it is a scalar or valid at i.
__device__ __forceinline__ bool ember_ws_present(const int64_t* in, int32_t k, int64_t i) {
  return in[4 * k] == 0 || ember_is_valid(reinterpret_cast<const uint8_t*>(in[4 * k + 2]), i);
}

__device__ __forceinline__ const uint8_t* ember_ws_part(const int64_t* in, int32_t k, int64_t i, int32_t* len) {
  const int32_t* offsets = reinterpret_cast<const int32_t*>(in[4 * k]);
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(in[4 * k + 1]);
  if (offsets == nullptr) {
    *len = static_cast<int32_t>(in[4 * k + 3]);
    return bytes;
  }
  *len = offsets[i + 1] - offsets[i];
  return bytes + offsets[i];
}

// ember_str_concat_ws_sizes(sizes, out_validity, total, inputs, count, sep_len, n)
//   ConcatWs(sep, inputs...) with a non-null separator of sep_len bytes: row i joins the inputs
//   present at i (null inputs are skipped) with the separator between them; "" when none is.
//   sizes[i] = its byte count; every row valid (bit i 1). sizes[n] = 0; *total += the exact sum.
extern "C" __global__ void ember_str_concat_ws_sizes(int32_t* __restrict__ sizes, uint32_t* __restrict__ out_validity,
                                                     unsigned long long* __restrict__ total,
                                                     const int64_t* __restrict__ inputs, int32_t count,
                                                     int32_t sep_len, int64_t n) {
  if (ember_thread_index() == 0) {
    sizes[n] = 0;
  }
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    uint64_t size = 0;
    if (i < n) {
      int32_t parts = 0;
      for (int32_t k = 0; k < count; k++) {
        if (ember_ws_present(inputs, k, i)) {
          int32_t len;
          ember_ws_part(inputs, k, i, &len);
          size += static_cast<uint64_t>(static_cast<uint32_t>(len)) + (parts > 0 ? static_cast<uint64_t>(sep_len) : 0);
          parts++;
        }
      }
      sizes[i] = static_cast<int32_t>(static_cast<uint32_t>(size));
    }
    ember_warp_finish(out_validity, total, i, i < n, size);
  }
}

// ember_str_concat_ws_chars(out_chars, out_offsets, inputs, count, sep, sep_len, n)
//   Writes row i's joined parts (see ember_str_concat_ws_sizes) at out_chars[out_offsets[i]] when
//   its length is positive. One thread per row.
extern "C" __global__ void ember_str_concat_ws_chars(uint8_t* __restrict__ out_chars,
                                                     const int32_t* __restrict__ out_offsets,
                                                     const int64_t* __restrict__ inputs, int32_t count,
                                                     const uint8_t* __restrict__ sep, int32_t sep_len, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    int64_t at = out_offsets[i];
    if (out_offsets[i + 1] > at) {
      bool first = true;
      for (int32_t k = 0; k < count; k++) {
        if (ember_ws_present(inputs, k, i)) {
          if (!first) {
            at = ember_edit_put(out_chars, at, sep, sep_len);
          }
          int32_t len;
          const uint8_t* src = ember_ws_part(inputs, k, i, &len);
          at = ember_edit_put(out_chars, at, src, len);
          first = false;
        }
      }
    }
  }
}
