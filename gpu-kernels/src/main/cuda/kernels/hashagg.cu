// Hash aggregation (GROUP BY): an open-addressing hash table of representative row indices in
// device memory, per-slot aggregation states updated with atomics, and the per-group results.
// (The exact decimal sums and the decimal average are in hashaggdec.cu.)
//
// The table: `capacity` int32 slots (a power of two), each EMPTY (-1) or the index of the row that
// first claimed it for its key. Keys are compared column by column through a descriptor of int64
// words, four per key column, with the kinds and the equality of ember_keys.cuh (nulls equal,
// -0.0 = 0.0, NaN = NaN: Spark normalizes -0.0 and NaN before grouping). Row hashes are Spark's
// Murmur3 of the key columns (hash.cu), which already hashes -0.0 as 0.0 and every NaN as the
// canonical NaN, so equal keys have equal hashes; rows with different hashes are therefore never
// compared key by key.
//
// ember_hashagg_insert(int32_t* slots, int32_t* min_row, int32_t* row_slot, uint32_t* status,
//                      const int32_t* hashes, const int64_t* keys, int32_t num_keys,
//                      int64_t capacity, int64_t max_groups, int64_t n)
//   slots: capacity entries, EMPTY (-1) before the first launch; min_row: capacity entries, INT32_MAX
//   before; status: two uint32 words, 0 before ([0] = groups inserted, [1] = rows without a slot).
//   capacity is a power of two in [1, 2^31]; rows are in [0, n) with n <= 2^31 - 1.
//   For each row i: linear probing from slot (uint32) hashes[i] & (capacity - 1): a slot holding a row
//   with equal keys is the row's slot; an EMPTY slot is claimed with atomicCAS(EMPTY -> i) (status[0]
//   counts each claim) unless status[0] already reached max_groups; a lost CAS re-reads the slot's
//   row and compares. row_slot[i] = the slot, and min_row[slot] = min(min_row[slot], i) (atomicMin),
//   so after the launch min_row holds the smallest row of every group whatever the thread order.
//   A row that finds no slot (max_groups reached, or capacity probes) gets row_slot[i] = -1 and adds 1
//   to status[1]: the caller must rebuild with a larger table, and status[0] + status[1] bounds the
//   number of groups, so one rebuild with room for that many suffices. Which slot a group lands in depends
//   on the thread order; which rows share a slot and min_row of each group do not.
//
// ember_hashagg_mark_first(int8_t* flags, const int32_t* row_slot, const int32_t* min_row, int64_t n)
//   flags[i] = 1 when row i is the first (smallest) row of its group (row_slot[i] >= 0 and
//   min_row[row_slot[i]] == i), else 0. Compacting the flags lists the groups by their first row.
//
// Updates: one thread per row; row_slot[i] < 0 skips the row; null rows (validity bit 0; validity 0
// means all valid) are ignored; counts are uint64 per slot, zero before the first update.
// ember_hashagg_count(uint64_t* counts, const int32_t* row_slot, const uint8_t* validity, int64_t n)
//   counts[slot] += 1 per valid row: COUNT(column), and COUNT(*) with validity 0.
// ember_hashagg_sum_<t>(int64_t* sums, uint64_t* counts, const int32_t* row_slot, const T* data,
//                       const uint8_t* validity, int64_t n)      t: i8 i16 i32 i64 f32 f64
//   Integral t: sums[slot] += (int64) value with two's-complement wrap-around (Spark's SUM with ANSI
//   off); floating t: the slot's 8 bytes are a double, += (double) value with IEEE addition in a
//   thread order that is not fixed (rounding may differ between runs; exact sums do not). sums start
//   at 0 (0.0 for doubles: Spark adds to coalesce(sum, 0), so -0.0 alone sums to 0.0). counts[slot]
//   += 1 per valid row: a group with count 0 has a null sum.
// ember_hashagg_min_<t> / ember_hashagg_max_<t>(int64_t* state, uint64_t* counts, const int32_t* row_slot,
//                       const T* data, const uint8_t* validity, int64_t n)   t: bool8 i8 i16 i32 i64 f32 f64
//   state[slot] = min / max (atomicMin / atomicMax on signed 64 bits) of the rows' order keys, and
//   counts[slot] += 1 per valid row. Order keys: integers sign-extended, BOOL8 as 0 or 1; floats
//   widened to double (exact), NaN replaced by the canonical NaN, then the double's bits b as
//   (b >= 0 ? b : b ^ INT64_MAX): signed order of the keys is Java's Double.compare order, so NaN is
//   above +Infinity as in Spark, and -0.0 is just below 0.0: a group with both zeros reports -0.0 as
//   its MIN and 0.0 as its MAX (Spark treats them as equal and keeps whichever it met first). state
//   starts at INT64_MAX for min and INT64_MIN for max.
//
// Results: one thread per group g in [0, groups), slot = group_slots[g].
// ember_hashagg_emit_<t>(T* out, uint32_t* out_validity, const int64_t* state, const uint64_t* counts,
//                        const int32_t* group_slots, int64_t groups)          t: i8 i16 i32 i64 f32 f64
//   Valid when counts is 0 (COUNT results, never null) or counts[slot] != 0. Valid rows: integral t
//   out[g] = (T) state[slot] (the value's own type, so no narrowing loses bits); f32/f64 decode the
//   order key back into the value (NaN written as the canonical 0x7fc00000 / 0x7ff8000000000000).
//   Null rows get 0. out_validity (when not 0) is written as whole 32-bit words up to the 64-bit-word
//   size of the bitmap, bits past groups 0; blockDim.x must be a multiple of 32.
// ember_hashagg_emit_sum_f64: the same for floating sums: state's bits are the double, written as is
//   except NaN, written as 0x7ff8000000000000.
//
// ember_hashagg_emit_any_valid / _none_valid(int8_t* out, const uint64_t* counts, const int32_t* group_slots,
//                        int64_t groups)
//   BOOL8, never null: out[g] = counts[slot] != 0 (any) / == 0 (none), counts being COUNT's states
//   (the non-null values per slot): Spark's First `valueSet` (ignoreNulls) and Sum's `isEmpty`.
//
// ember_hashagg_normalize_f32 / _f64(T* data, int64_t n)
//   In place: -0.0 -> 0.0 and every NaN -> the canonical NaN (0x7fc00000 / 0x7ff8000000000000), the
//   grouping keys Spark outputs after NormalizeFloatingNumbers.
#include "ember.cuh"
#include "ember_keys.cuh"

namespace {

constexpr int32_t EMPTY = -1;
constexpr uint64_t CANONICAL_NAN_F64 = 0x7ff8000000000000ull;
constexpr uint32_t CANONICAL_NAN_F32 = 0x7fc00000u;

__device__ void insert(int32_t* slots, int32_t* min_row, int32_t* row_slot, uint32_t* status, const int32_t* hashes,
                       const int64_t* keys, int32_t num_keys, int64_t capacity, int64_t max_groups, int64_t n) {
  const uint64_t mask = static_cast<uint64_t>(capacity) - 1;
  EMBER_GRID_STRIDE(i, n) {
    const int32_t hash = hashes[i];
    uint64_t slot = static_cast<uint64_t>(static_cast<uint32_t>(hash)) & mask;
    int64_t found = -1;
    for (int64_t probe = 0; probe < capacity; probe++) {
      // A claimed slot never changes again, so a stale EMPTY is the only stale value: the CAS corrects it.
      int32_t cur = *reinterpret_cast<volatile int32_t*>(&slots[slot]);
      if (cur == EMPTY) {
        if (static_cast<int64_t>(*reinterpret_cast<volatile uint32_t*>(&status[0])) >= max_groups) break;
        cur = atomicCAS(&slots[slot], EMPTY, static_cast<int32_t>(i));
        if (cur == EMPTY) {
          atomicAdd(&status[0], 1u);
          found = static_cast<int64_t>(slot);
          break;
        }
      }
      // Equal keys have equal hashes: the cheap check spares most key comparisons (and string reads).
      if (hashes[cur] == hash && ember_keys_equal(keys, cur, keys, i, num_keys)) {
        found = static_cast<int64_t>(slot);
        break;
      }
      slot = (slot + 1) & mask;
    }
    row_slot[i] = static_cast<int32_t>(found);
    if (found >= 0) {
      atomicMin(&min_row[found], static_cast<int32_t>(i));
    } else {
      atomicAdd(&status[1], 1u);
    }
  }
}

// Order keys of min/max states.
template <typename T>
__device__ __forceinline__ long long order_key(T x) {
  return static_cast<long long>(x);
}
__device__ __forceinline__ long long bool_key(int8_t x) { return x != 0 ? 1 : 0; }
template <>
__device__ __forceinline__ long long order_key<double>(double x) {
  const long long b = x != x ? static_cast<long long>(CANONICAL_NAN_F64) : __double_as_longlong(x);
  return b >= 0 ? b : b ^ 0x7fffffffffffffffll;
}
template <>
__device__ __forceinline__ long long order_key<float>(float x) {
  return order_key<double>(static_cast<double>(x));
}
__device__ __forceinline__ double decode_key(long long k) {
  return __longlong_as_double(k >= 0 ? k : k ^ 0x7fffffffffffffffll);
}

template <typename T>
__device__ void sum_integral(int64_t* sums, unsigned long long* counts, const int32_t* row_slot, const T* data,
                             const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s >= 0 && ember_is_valid(validity, i)) {
      // Unsigned addition wraps as Java's long addition does.
      atomicAdd(reinterpret_cast<unsigned long long*>(&sums[s]),
                static_cast<unsigned long long>(static_cast<int64_t>(data[i])));
      atomicAdd(&counts[s], 1ull);
    }
  }
}

template <typename T>
__device__ void sum_floating(int64_t* sums, unsigned long long* counts, const int32_t* row_slot, const T* data,
                             const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s >= 0 && ember_is_valid(validity, i)) {
      atomicAdd(reinterpret_cast<double*>(&sums[s]), static_cast<double>(data[i]));
      atomicAdd(&counts[s], 1ull);
    }
  }
}

template <typename T, bool MAX>
__device__ void min_max(int64_t* state, unsigned long long* counts, const int32_t* row_slot, const T* data,
                        const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s >= 0 && ember_is_valid(validity, i)) {
      const long long key = order_key<T>(data[i]);
      long long* at = reinterpret_cast<long long*>(&state[s]);
      if (MAX) {
        atomicMax(at, key);
      } else {
        atomicMin(at, key);
      }
      atomicAdd(&counts[s], 1ull);
    }
  }
}

template <bool MAX>
__device__ void min_max_bool8(int64_t* state, unsigned long long* counts, const int32_t* row_slot,
                              const int8_t* data, const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s >= 0 && ember_is_valid(validity, i)) {
      long long* at = reinterpret_cast<long long*>(&state[s]);
      if (MAX) {
        atomicMax(at, bool_key(data[i]));
      } else {
        atomicMin(at, bool_key(data[i]));
      }
      atomicAdd(&counts[s], 1ull);
    }
  }
}

// Result conversions from a slot's 64-bit state.
enum class Emit { INTEGRAL, FLOAT32_KEY, FLOAT64_KEY, SUM_F64 };

template <typename T, Emit MODE>
__device__ __forceinline__ T convert(int64_t v);
template <>
__device__ __forceinline__ int8_t convert<int8_t, Emit::INTEGRAL>(int64_t v) { return static_cast<int8_t>(v); }
template <>
__device__ __forceinline__ int16_t convert<int16_t, Emit::INTEGRAL>(int64_t v) { return static_cast<int16_t>(v); }
template <>
__device__ __forceinline__ int32_t convert<int32_t, Emit::INTEGRAL>(int64_t v) { return static_cast<int32_t>(v); }
template <>
__device__ __forceinline__ int64_t convert<int64_t, Emit::INTEGRAL>(int64_t v) { return v; }
template <>
__device__ __forceinline__ float convert<float, Emit::FLOAT32_KEY>(int64_t v) {
  const double d = decode_key(v);
  return d != d ? __uint_as_float(CANONICAL_NAN_F32) : static_cast<float>(d);
}
template <>
__device__ __forceinline__ double convert<double, Emit::FLOAT64_KEY>(int64_t v) {
  const double d = decode_key(v);
  return d != d ? __longlong_as_double(static_cast<long long>(CANONICAL_NAN_F64)) : d;
}
template <>
__device__ __forceinline__ double convert<double, Emit::SUM_F64>(int64_t v) {
  const double d = __longlong_as_double(v);
  return d != d ? __longlong_as_double(static_cast<long long>(CANONICAL_NAN_F64)) : d;
}

template <typename T, Emit MODE>
__device__ void emit(T* out, uint32_t* out_validity, const int64_t* state, const unsigned long long* counts,
                     const int32_t* group_slots, int64_t groups) {
  const int64_t rows_in_words = ((groups + 63) / 64) * 64;
  EMBER_WARP_STRIDE(g, rows_in_words) {
    bool valid = false;
    if (g < groups) {
      const int32_t s = group_slots[g];
      valid = counts == nullptr || counts[s] != 0;
      out[g] = valid ? convert<T, MODE>(state[s]) : T{};
    }
    const uint32_t word = __ballot_sync(0xffffffffu, valid);
    if (out_validity != nullptr && (threadIdx.x & 31) == 0) {
      out_validity[g >> 5] = word;
    }
  }
}

}  // namespace

extern "C" __global__ void ember_hashagg_insert(int32_t* slots, int32_t* min_row, int32_t* row_slot, uint32_t* status,
                                                const int32_t* hashes, const int64_t* keys, int32_t num_keys,
                                                int64_t capacity, int64_t max_groups, int64_t n) {
  insert(slots, min_row, row_slot, status, hashes, keys, num_keys, capacity, max_groups, n);
}

extern "C" __global__ void ember_hashagg_mark_first(int8_t* flags, const int32_t* row_slot, const int32_t* min_row,
                                                    int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    flags[i] = s >= 0 && static_cast<int64_t>(min_row[s]) == i ? 1 : 0;
  }
}

extern "C" __global__ void ember_hashagg_count(unsigned long long* counts, const int32_t* row_slot,
                                               const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s >= 0 && ember_is_valid(validity, i)) {
      atomicAdd(&counts[s], 1ull);
    }
  }
}

#define EMBER_HASHAGG_SUM(suffix, T, impl)                                                                    \
  extern "C" __global__ void ember_hashagg_sum_##suffix(int64_t* sums, unsigned long long* counts,             \
                                                        const int32_t* row_slot, const T* data,               \
                                                        const uint8_t* validity, int64_t n) {                 \
    impl<T>(sums, counts, row_slot, data, validity, n);                                                       \
  }
EMBER_HASHAGG_SUM(i8, int8_t, sum_integral)
EMBER_HASHAGG_SUM(i16, int16_t, sum_integral)
EMBER_HASHAGG_SUM(i32, int32_t, sum_integral)
EMBER_HASHAGG_SUM(i64, int64_t, sum_integral)
EMBER_HASHAGG_SUM(f32, float, sum_floating)
EMBER_HASHAGG_SUM(f64, double, sum_floating)

#define EMBER_HASHAGG_MIN_MAX(op, is_max, suffix, T)                                                          \
  extern "C" __global__ void ember_hashagg_##op##_##suffix(int64_t* state, unsigned long long* counts,         \
                                                           const int32_t* row_slot, const T* data,            \
                                                           const uint8_t* validity, int64_t n) {              \
    min_max<T, is_max>(state, counts, row_slot, data, validity, n);                                           \
  }
EMBER_HASHAGG_MIN_MAX(min, false, i8, int8_t)
EMBER_HASHAGG_MIN_MAX(min, false, i16, int16_t)
EMBER_HASHAGG_MIN_MAX(min, false, i32, int32_t)
EMBER_HASHAGG_MIN_MAX(min, false, i64, int64_t)
EMBER_HASHAGG_MIN_MAX(min, false, f32, float)
EMBER_HASHAGG_MIN_MAX(min, false, f64, double)
EMBER_HASHAGG_MIN_MAX(max, true, i8, int8_t)
EMBER_HASHAGG_MIN_MAX(max, true, i16, int16_t)
EMBER_HASHAGG_MIN_MAX(max, true, i32, int32_t)
EMBER_HASHAGG_MIN_MAX(max, true, i64, int64_t)
EMBER_HASHAGG_MIN_MAX(max, true, f32, float)
EMBER_HASHAGG_MIN_MAX(max, true, f64, double)

extern "C" __global__ void ember_hashagg_min_bool8(int64_t* state, unsigned long long* counts, const int32_t* row_slot,
                                                   const int8_t* data, const uint8_t* validity, int64_t n) {
  min_max_bool8<false>(state, counts, row_slot, data, validity, n);
}
extern "C" __global__ void ember_hashagg_max_bool8(int64_t* state, unsigned long long* counts, const int32_t* row_slot,
                                                   const int8_t* data, const uint8_t* validity, int64_t n) {
  min_max_bool8<true>(state, counts, row_slot, data, validity, n);
}

#define EMBER_HASHAGG_EMIT(name, T, mode)                                                                     \
  extern "C" __global__ void ember_hashagg_##name(T* out, uint32_t* out_validity, const int64_t* state,        \
                                                  const unsigned long long* counts, const int32_t* group_slots,\
                                                  int64_t groups) {                                           \
    emit<T, mode>(out, out_validity, state, counts, group_slots, groups);                                     \
  }
EMBER_HASHAGG_EMIT(emit_i8, int8_t, Emit::INTEGRAL)
EMBER_HASHAGG_EMIT(emit_i16, int16_t, Emit::INTEGRAL)
EMBER_HASHAGG_EMIT(emit_i32, int32_t, Emit::INTEGRAL)
EMBER_HASHAGG_EMIT(emit_i64, int64_t, Emit::INTEGRAL)
EMBER_HASHAGG_EMIT(emit_f32, float, Emit::FLOAT32_KEY)
EMBER_HASHAGG_EMIT(emit_f64, double, Emit::FLOAT64_KEY)
EMBER_HASHAGG_EMIT(emit_sum_f64, double, Emit::SUM_F64)

extern "C" __global__ void ember_hashagg_emit_any_valid(int8_t* out, const unsigned long long* counts,
                                                        const int32_t* group_slots, int64_t groups) {
  EMBER_GRID_STRIDE(g, groups) { out[g] = counts[group_slots[g]] != 0 ? 1 : 0; }
}

extern "C" __global__ void ember_hashagg_emit_none_valid(int8_t* out, const unsigned long long* counts,
                                                         const int32_t* group_slots, int64_t groups) {
  EMBER_GRID_STRIDE(g, groups) { out[g] = counts[group_slots[g]] == 0 ? 1 : 0; }
}

extern "C" __global__ void ember_hashagg_normalize_f32(float* data, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const float x = data[i];
    if (x == 0.0f) {
      data[i] = 0.0f;
    } else if (x != x) {
      data[i] = __uint_as_float(CANONICAL_NAN_F32);
    }
  }
}

extern "C" __global__ void ember_hashagg_normalize_f64(double* data, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const double x = data[i];
    if (x == 0.0) {
      data[i] = 0.0;
    } else if (x != x) {
      data[i] = __longlong_as_double(static_cast<long long>(CANONICAL_NAN_F64));
    }
  }
}
