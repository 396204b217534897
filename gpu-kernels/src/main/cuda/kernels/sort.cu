// Sorting: the kernels of a stable LSD radix sort of row indices by fixed-width key columns
// (dev.ember.cuda.ops.RadixSort). Each pass is a stable split of the current permutation by one 8-bit
// digit of one normalized key word (or by a column's null flag), done by partition.cu's split with the
// digit as the partition id; these kernels turn keys into order-preserving unsigned words, pick the
// digits of a pass at the current permutation, and compose the permutations.
//
// Normalized words: each key column becomes W unsigned 64-bit words per row (W = 2 for DECIMAL128,
// else 1), word-major: word w of row i is keys[w * n + i], word 0 the most significant. Comparing the
// words of two valid rows as unsigned integers, word 0 first, gives Spark's order of their values in
// the column's direction:
//   BOOL8      0 (false) or 1 (true) (any non-zero byte is true)
//   INT8..64   the value's two's complement bits in the type's width with the sign bit flipped,
//              zero-extended (INT32 covers DATE32, INT64 covers TIMESTAMP_US and DECIMAL64)
//   FLOAT32/64 the IEEE bits in the type's width after canonicalizing -0.0 to 0.0 and every NaN to
//              the positive quiet NaN (0x7fc00000 / 0x7ff8000000000000); then negative values
//              (sign set) have every bit inverted and the others the sign bit set: -Inf < ... < -0 ==
//              0 < ... < +Inf < NaN, all NaNs equal
//   DECIMAL128 word 0 = the high 64 bits with the sign bit flipped, word 1 = the low 64 bits
// Descending (descending != 0) inverts the bits of the type's width (1 bit for BOOL8, 8, 16, 32 or 64
// bits), so the bits above the width stay 0. A null row's words are all 0 (its order comes from the
// null digit pass; the value digits of null rows are equal, so every pass keeps them in their order).
//
// ember_sort_normalize_<type>(uint64_t* keys, uint64_t* bits, const T* data, const uint8_t* validity,
//                             int32_t descending, int64_t n)
//   <type>: bool8 (uint8_t), i8, i16, i32, i64, f32, f64, dec128 (two uint64 per row, low word first).
//   keys: W * n words as above. validity: Arrow bitmap, null = every row valid.
//   bits: 2 * W + 1 uint64, all 0 on entry (the kernel ORs into them): on return bits[2w] |= the OR of
//   word w over the valid rows, bits[2w + 1] |= the OR of ~word w over the valid rows (so the bits
//   that differ between valid rows are bits[2w] & bits[2w + 1], and a byte with none of them set needs
//   no pass), and bits[2W] |= 1 when some row is null, 2 when some row is valid.
//   Launch: blockDim.x a multiple of 32, any grid (grid-stride; each warp combines its lanes before one
//   atomic per entry).
//
// ember_sort_digit(int32_t* digits, int32_t* perm_out, const int32_t* perm_in, const int32_t* order,
//                  const uint64_t* keys, int32_t shift, int64_t n)
//   For i in [0, n): o = order ? order[i] : i; p = perm_in ? perm_in[o] : o; perm_out[i] = p;
//   digits[i] = (keys[p] >> shift) & 0xff. keys: one word per row (the caller offsets it to word w).
//   So perm_out is the permutation after the previous pass (perm_in composed with that pass's split
//   order) and digits are this pass's split ids in it. perm_out must not overlap perm_in or order.
//   0 <= shift <= 56. Any launch configuration.
//
// ember_sort_null_digit(int32_t* digits, int32_t* perm_out, const int32_t* perm_in, const int32_t* order,
//                       const uint8_t* validity, int32_t nulls_first, int64_t n)
//   The same permutation step; digits[i] = 0 when row p's null ordering puts it first among
//   {nulls, values}: nulls_first != 0 ? (null ? 0 : 1) : (null ? 1 : 0). validity is not null.
//   Any launch configuration.
//
// ember_sort_compose(int32_t* out, const int32_t* perm, const int32_t* order, int64_t n)
//   out[i] = perm[order[i]]: the permutation after the last pass. out must not overlap the inputs.
//   Any launch configuration.
//
// String keys (RadixSort ranks each STRING key column before the sort): in rounds of 7 bytes, the rows
// are sorted by (their rank after the previous round, the round's word) and ranked again, densely, until
// no two rows that tie still have bytes left to compare.
//
// ember_sort_string_word(uint64_t* keys, uint64_t* bits, const int32_t* offsets, const uint8_t* chars,
//                        const uint8_t* validity, int64_t start, int64_t n)
//   Row i's string is chars[offsets[i], offsets[i + 1]) (len bytes); rem = len - start. keys[i] =
//   the string's bytes [start, start + 7) as a big-endian unsigned number in bits 63..8 (bytes past the
//   end are 0) | min(max(rem, 0), 8) in bits 7..0 (8: bytes follow the seven). Comparing two rows' words
//   as unsigned integers orders them as their bytes [start, ...) compare in unsigned binary order, a
//   proper prefix first, as far as these 7 bytes tell; equal words with a low byte below 8 mean equal
//   strings from start on, and a low byte of 8 that the strings go on. A null row's word is 0 (like
//   an empty string's), whatever its offsets. bits: 2 uint64: bits[0] |= the OR of the words of all
//   rows (null rows included), bits[1] |= the OR of their complements. start >= 0. chars is read only
//   inside the rows' bytes (it may be null when every row is empty).
//   Launch: blockDim.x a multiple of 32, any grid (as the normalize kernels).
//
// ember_sort_tie_bits(uint64_t* bits, const int32_t* order, const int32_t* rank, const uint64_t* keys,
//                     int64_t n)
//   order: a permutation of [0, n) in which rows of equal rank are adjacent. *bits |= the OR, over p in
//   [0, n - 1) with rank[order[p]] == rank[order[p + 1]], of keys[order[p]] ^ keys[order[p + 1]]: the
//   bits in which some two rows of equal rank differ (the only bits a sort by (rank, keys) must look at).
//   Launch: blockDim.x a multiple of 32, any grid.
//
// ember_sort_rank_marks(int32_t* marks, uint64_t* counts, const int32_t* order, const int32_t* rank,
//                       const uint64_t* keys, int64_t n)
//   order: the rows sorted by (rank, keys) (rank null: by keys). For p in [0, n - 1): with a = order[p],
//   b = order[p + 1], tie = keys[a] == keys[b] && (rank == null || rank[a] == rank[b]): marks[p] = tie ?
//   0 : 1; marks[n - 1] = 0. So the exclusive prefix sum of marks at p is the dense rank of row order[p].
//   counts[0] += the number of ties whose word's low byte is 8 (both strings have bytes beyond this
//   round): zero means the ranks are final; counts[1] += the number of marks that are 1 (the distinct
//   (rank, key) pairs less one). Launch: blockDim.x a multiple of 32, any grid.
#include "ember.cuh"

namespace {

constexpr unsigned FULL_WARP = 0xffffffffu;

__device__ __forceinline__ uint64_t sort_warp_or(uint64_t v) {
  for (int offset = 16; offset > 0; offset >>= 1) v |= __shfl_xor_sync(FULL_WARP, v, offset);
  return v;
}

// Order-preserving unsigned words of one value; `width` of the type's bits is used (see the contract).
struct NormBool {
  static constexpr int WORDS = 1;
  static constexpr uint64_t MASK = 1;
  __device__ static void words(const uint8_t* data, int64_t i, uint64_t* w) { w[0] = data[i] != 0 ? 1 : 0; }
};
struct NormI8 {
  static constexpr int WORDS = 1;
  static constexpr uint64_t MASK = 0xffull;
  __device__ static void words(const int8_t* data, int64_t i, uint64_t* w) {
    w[0] = static_cast<uint64_t>(static_cast<uint8_t>(data[i]) ^ 0x80u);
  }
};
struct NormI16 {
  static constexpr int WORDS = 1;
  static constexpr uint64_t MASK = 0xffffull;
  __device__ static void words(const int16_t* data, int64_t i, uint64_t* w) {
    w[0] = static_cast<uint64_t>(static_cast<uint16_t>(data[i]) ^ 0x8000u);
  }
};
struct NormI32 {
  static constexpr int WORDS = 1;
  static constexpr uint64_t MASK = 0xffffffffull;
  __device__ static void words(const int32_t* data, int64_t i, uint64_t* w) {
    w[0] = static_cast<uint64_t>(static_cast<uint32_t>(data[i]) ^ 0x80000000u);
  }
};
struct NormI64 {
  static constexpr int WORDS = 1;
  static constexpr uint64_t MASK = ~0ull;
  __device__ static void words(const int64_t* data, int64_t i, uint64_t* w) {
    w[0] = static_cast<uint64_t>(data[i]) ^ 0x8000000000000000ull;
  }
};
struct NormF32 {
  static constexpr int WORDS = 1;
  static constexpr uint64_t MASK = 0xffffffffull;
  __device__ static void words(const float* data, int64_t i, uint64_t* w) {
    const float v = data[i];
    uint32_t b = __float_as_uint(v);
    if (v != v) b = 0x7fc00000u;   // every NaN alike, above +Inf
    if (v == 0.0f) b = 0;          // -0.0 == 0.0
    b = (b & 0x80000000u) != 0 ? ~b : (b | 0x80000000u);
    w[0] = b;
  }
};
struct NormF64 {
  static constexpr int WORDS = 1;
  static constexpr uint64_t MASK = ~0ull;
  __device__ static void words(const double* data, int64_t i, uint64_t* w) {
    const double v = data[i];
    uint64_t b = static_cast<uint64_t>(__double_as_longlong(v));
    if (v != v) b = 0x7ff8000000000000ull;
    if (v == 0.0) b = 0;
    b = (b & 0x8000000000000000ull) != 0 ? ~b : (b | 0x8000000000000000ull);
    w[0] = b;
  }
};
struct NormDec128 {
  static constexpr int WORDS = 2;
  static constexpr uint64_t MASK = ~0ull;
  __device__ static void words(const uint64_t* data, int64_t i, uint64_t* w) {
    w[0] = data[2 * i + 1] ^ 0x8000000000000000ull;
    w[1] = data[2 * i];
  }
};

template <typename Norm, typename T>
__device__ __forceinline__ void sort_normalize(uint64_t* keys, uint64_t* bits, const T* data,
                                               const uint8_t* validity, int32_t descending, int64_t n) {
  constexpr int W = Norm::WORDS;
  const uint64_t flip = descending != 0 ? Norm::MASK : 0;
  uint64_t any[W];
  uint64_t any_not[W];
  for (int w = 0; w < W; w++) {
    any[w] = 0;
    any_not[w] = 0;
  }
  uint64_t seen = 0;
  EMBER_GRID_STRIDE(i, n) {
    uint64_t v[W];
    if (ember_is_valid(validity, i)) {
      Norm::words(data, i, v);
      for (int w = 0; w < W; w++) {
        v[w] ^= flip;
        any[w] |= v[w];
        any_not[w] |= ~v[w];
      }
      seen |= 2;
    } else {
      for (int w = 0; w < W; w++) v[w] = 0;
      seen |= 1;
    }
    for (int w = 0; w < W; w++) keys[w * n + i] = v[w];
  }
  // Every lane of every (whole) warp gets here: combine the warp's lanes, then one atomic per entry.
  const bool leader = (threadIdx.x & 31) == 0;
  for (int w = 0; w < W; w++) {
    const uint64_t a = sort_warp_or(any[w]);
    const uint64_t b = sort_warp_or(any_not[w]);
    if (leader && a != 0) atomicOr(reinterpret_cast<unsigned long long*>(&bits[2 * w]), a);
    if (leader && b != 0) atomicOr(reinterpret_cast<unsigned long long*>(&bits[2 * w + 1]), b);
  }
  const uint64_t s = sort_warp_or(seen);
  if (leader && s != 0) atomicOr(reinterpret_cast<unsigned long long*>(&bits[2 * W]), s);
}

__device__ __forceinline__ int32_t sort_source(const int32_t* perm_in, const int32_t* order, int64_t i) {
  const int32_t o = order != nullptr ? order[i] : static_cast<int32_t>(i);
  return perm_in != nullptr ? perm_in[o] : o;
}

}  // namespace

#define EMBER_SORT_NORMALIZE(name, Norm, T)                                                             \
  extern "C" __global__ void ember_sort_normalize_##name(uint64_t* keys, uint64_t* bits, const T* data, \
                                                         const uint8_t* validity, int32_t descending,    \
                                                         int64_t n) {                                    \
    sort_normalize<Norm, T>(keys, bits, data, validity, descending, n);                                 \
  }

EMBER_SORT_NORMALIZE(bool8, NormBool, uint8_t)
EMBER_SORT_NORMALIZE(i8, NormI8, int8_t)
EMBER_SORT_NORMALIZE(i16, NormI16, int16_t)
EMBER_SORT_NORMALIZE(i32, NormI32, int32_t)
EMBER_SORT_NORMALIZE(i64, NormI64, int64_t)
EMBER_SORT_NORMALIZE(f32, NormF32, float)
EMBER_SORT_NORMALIZE(f64, NormF64, double)
EMBER_SORT_NORMALIZE(dec128, NormDec128, uint64_t)

#undef EMBER_SORT_NORMALIZE

extern "C" __global__ void ember_sort_digit(int32_t* digits, int32_t* perm_out, const int32_t* perm_in,
                                            const int32_t* order, const uint64_t* keys, int32_t shift,
                                            int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t p = sort_source(perm_in, order, i);
    perm_out[i] = p;
    digits[i] = static_cast<int32_t>((keys[p] >> shift) & 0xffu);
  }
}

extern "C" __global__ void ember_sort_null_digit(int32_t* digits, int32_t* perm_out, const int32_t* perm_in,
                                                 const int32_t* order, const uint8_t* validity,
                                                 int32_t nulls_first, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t p = sort_source(perm_in, order, i);
    perm_out[i] = p;
    const bool is_null = !ember_is_valid(validity, p);
    digits[i] = is_null == (nulls_first != 0) ? 0 : 1;
  }
}

extern "C" __global__ void ember_sort_compose(int32_t* out, const int32_t* perm, const int32_t* order, int64_t n) {
  EMBER_GRID_STRIDE(i, n) { out[i] = perm[order[i]]; }
}

extern "C" __global__ void ember_sort_string_word(uint64_t* keys, uint64_t* bits, const int32_t* offsets,
                                                  const uint8_t* chars, const uint8_t* validity, int64_t start,
                                                  int64_t n) {
  uint64_t any = 0;
  uint64_t any_not = 0;
  EMBER_GRID_STRIDE(i, n) {
    uint64_t w = 0;
    if (ember_is_valid(validity, i)) {
      const int64_t begin = offsets[i];
      const int64_t rem = static_cast<int64_t>(offsets[i + 1]) - begin - start;
      const int64_t take = rem < 7 ? (rem > 0 ? rem : 0) : 7;
      for (int64_t j = 0; j < take; j++) w |= static_cast<uint64_t>(chars[begin + start + j]) << (56 - 8 * j);
      w |= static_cast<uint64_t>(rem < 8 ? (rem > 0 ? rem : 0) : 8);
    }
    keys[i] = w;
    any |= w;
    any_not |= ~w;
  }
  const bool leader = (threadIdx.x & 31) == 0;
  const uint64_t a = sort_warp_or(any);
  const uint64_t b = sort_warp_or(any_not);
  if (leader && a != 0) atomicOr(reinterpret_cast<unsigned long long*>(&bits[0]), a);
  if (leader && b != 0) atomicOr(reinterpret_cast<unsigned long long*>(&bits[1]), b);
}

extern "C" __global__ void ember_sort_tie_bits(uint64_t* bits, const int32_t* order, const int32_t* rank,
                                               const uint64_t* keys, int64_t n) {
  uint64_t differ = 0;
  EMBER_GRID_STRIDE(p, n - 1) {
    const int32_t a = order[p];
    const int32_t b = order[p + 1];
    if (rank[a] == rank[b]) differ |= keys[a] ^ keys[b];
  }
  const uint64_t d = sort_warp_or(differ);
  if ((threadIdx.x & 31) == 0 && d != 0) atomicOr(reinterpret_cast<unsigned long long*>(bits), d);
}

extern "C" __global__ void ember_sort_rank_marks(int32_t* marks, uint64_t* counts, const int32_t* order,
                                                 const int32_t* rank, const uint64_t* keys, int64_t n) {
  uint64_t continuing = 0;
  uint64_t boundaries = 0;
  EMBER_GRID_STRIDE(p, n) {
    int32_t mark = 0;
    if (p + 1 < n) {
      const int32_t a = order[p];
      const int32_t b = order[p + 1];
      const uint64_t wa = keys[a];
      const bool tie = wa == keys[b] && (rank == nullptr || rank[a] == rank[b]);
      mark = tie ? 0 : 1;
      if (tie && (wa & 0xffu) == 8) continuing++;
    }
    marks[p] = mark;
    boundaries += static_cast<uint64_t>(mark);
  }
  // Every lane of every (whole) warp gets here: one atomic per warp and count that counted something.
  for (int offset = 16; offset > 0; offset >>= 1) {
    continuing += __shfl_xor_sync(FULL_WARP, continuing, offset);
    boundaries += __shfl_xor_sync(FULL_WARP, boundaries, offset);
  }
  if ((threadIdx.x & 31) == 0 && continuing != 0) {
    atomicAdd(reinterpret_cast<unsigned long long*>(&counts[0]), static_cast<unsigned long long>(continuing));
  }
  if ((threadIdx.x & 31) == 0 && boundaries != 0) {
    atomicAdd(reinterpret_cast<unsigned long long*>(&counts[1]), static_cast<unsigned long long>(boundaries));
  }
}
