// Spark-compatible Murmur3 hashing (Murmur3_x86_32 as Spark's Murmur3Hash expression and
// HashPartitioning use it) and the partition id of HashPartitioning.
//
// Spark hashes a row as: h = seed (42); for each column in order, if the value is non-null,
// h = hash(value, seed = h); a null leaves h unchanged. The kernels below do one column of that
// loop: they read the running hash of each row and write the updated one in place.
//
// ember_murmur3_<t>(int32_t* hashes, const T* data, const uint8_t* validity, int64_t n)
//   For i in [0, n): if row i is valid (validity == 0 means all valid),
//   hashes[i] = murmur3(data[i], seed = hashes[i]); null rows keep hashes[i] unchanged.
//   n == 0 touches nothing. Per type, as Spark's InterpretedHashFunction.hash:
//   - bool8: hashInt(data != 0 ? 1 : 0).
//   - i8, i16, i32 (also DATE32): hashInt of the sign-extended value.
//   - i64 (also TIMESTAMP_US, DECIMAL64 = decimals with precision <= 18, by their unscaled long):
//     hashLong.
//   - f32: -0.0f and 0.0f hash as hashInt(0); NaN (any payload) as hashInt(0x7fc00000), which is
//     Float.floatToIntBits' canonical NaN; any other value as hashInt of its bits.
//   - f64: likewise with hashLong(0), hashLong(0x7ff8000000000000) and the double's bits.
//   - dec128 (decimals with precision > 18; 16-byte little-endian two's-complement unscaled values):
//     Spark hashes unscaledValue().toByteArray() with Murmur3_x86_32.hashUnsafeBytes: the minimal
//     big-endian two's-complement bytes (1 to 16; 0 is one byte 0x00, -1 is 0xff), whole 4-byte
//     groups read as little-endian ints and mixed, then each remaining byte mixed on its own as a
//     sign-extended int, and the final mix uses the byte count as the length.
//
// ember_murmur3_string(int32_t* hashes, const int32_t* offsets, const uint8_t* chars,
//                      const uint8_t* validity, int64_t n)
//   STRING columns (Arrow layout: row i is chars[offsets[i], offsets[i + 1])). For valid rows,
//   hashes[i] = Murmur3_x86_32.hashUnsafeBytes(the row's UTF-8 bytes, seed = hashes[i]), which is
//   how Spark hashes a UTF8String: each whole 4-byte group read as a little-endian int through
//   mixK1/mixH1, then each remaining byte (0 to 3) as a sign-extended int through mixK1/mixH1, then
//   fmix with the byte length. An empty string is fmix(seed, 0). Null rows keep hashes[i]; chars
//   are read only for valid rows (chars may be 0 when no row has bytes). One thread per row; the
//   bytes are read one at a time, so rows may start at any address.
//
// ember_pmod_i32(int32_t* out, const int32_t* hashes, int64_t n, int32_t num_partitions)
//   out[i] = the non-negative remainder of hashes[i] modulo num_partitions (Spark's Pmod, as
//   HashPartitioning's partitionIdExpression = Pmod(Murmur3Hash(keys), numPartitions)), in
//   [0, num_partitions). Requires num_partitions >= 1; with num_partitions < 1 the kernel writes
//   nothing (the op rejects such values). out may equal hashes. Hashes are never null.
#include "ember.cuh"

namespace {

constexpr uint32_t C1 = 0xcc9e2d51u;
constexpr uint32_t C2 = 0x1b873593u;

// Unsigned arithmetic: the JVM's int multiplication wraps, C++ signed overflow is undefined.
__device__ __forceinline__ uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

__device__ __forceinline__ uint32_t mix_k1(uint32_t k1) {
  k1 *= C1;
  k1 = rotl32(k1, 15);
  return k1 * C2;
}

__device__ __forceinline__ uint32_t mix_h1(uint32_t h1, uint32_t k1) {
  h1 ^= k1;
  h1 = rotl32(h1, 13);
  return h1 * 5u + 0xe6546b64u;
}

__device__ __forceinline__ uint32_t fmix(uint32_t h1, uint32_t length) {
  h1 ^= length;
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6bu;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35u;
  h1 ^= h1 >> 16;
  return h1;
}

__device__ __forceinline__ uint32_t hash_int(uint32_t value, uint32_t seed) {
  return fmix(mix_h1(seed, mix_k1(value)), 4);
}

__device__ __forceinline__ uint32_t hash_long(uint64_t value, uint32_t seed) {
  uint32_t h1 = mix_h1(seed, mix_k1(static_cast<uint32_t>(value)));
  h1 = mix_h1(h1, mix_k1(static_cast<uint32_t>(value >> 32)));
  return fmix(h1, 8);
}

// Byte p (0 = least significant) of the 128-bit value (hi:lo).
__device__ __forceinline__ uint32_t byte_of(uint64_t lo, uint64_t hi, int p) {
  uint64_t word = p < 8 ? lo : hi;
  return static_cast<uint32_t>((word >> ((p & 7) * 8)) & 0xffu);
}

// hashUnsafeBytes over BigInteger.toByteArray() of the 128-bit two's-complement value (hi:lo),
// computed from the value directly: no byte array, so no local memory.
__device__ __forceinline__ uint32_t hash_decimal128(uint64_t lo, uint64_t hi, uint32_t seed) {
  // Minimal length: the bits of the magnitude (of ~x for negatives) plus a sign bit, in bytes.
  uint64_t sign = static_cast<uint64_t>(static_cast<int64_t>(hi) >> 63);
  uint64_t mlo = lo ^ sign, mhi = hi ^ sign;
  int bits = mhi != 0 ? 128 - __clzll(static_cast<long long>(mhi))
                      : (mlo != 0 ? 64 - __clzll(static_cast<long long>(mlo)) : 0);
  int length = bits / 8 + 1;
  int aligned = length & ~3;
  // Big-endian byte j of the array is byte (length - 1 - j) of the value.
  uint32_t h1 = seed;
  for (int j = 0; j < aligned; j += 4) {
    uint32_t word = byte_of(lo, hi, length - 1 - j) | (byte_of(lo, hi, length - 2 - j) << 8)
                    | (byte_of(lo, hi, length - 3 - j) << 16) | (byte_of(lo, hi, length - 4 - j) << 24);
    h1 = mix_h1(h1, mix_k1(word));
  }
  for (int j = aligned; j < length; j++) {
    // Sign-extend the byte as Java's (int) (byte) b does.
    uint32_t b = byte_of(lo, hi, length - 1 - j);
    h1 = mix_h1(h1, mix_k1(b >= 0x80u ? b | 0xffffff00u : b));
  }
  return fmix(h1, static_cast<uint32_t>(length));
}

template <typename T>
__device__ __forceinline__ uint32_t hash_value(T x, uint32_t seed);

template <>
__device__ __forceinline__ uint32_t hash_value<int8_t>(int8_t x, uint32_t seed) {
  return hash_int(static_cast<uint32_t>(static_cast<int32_t>(x)), seed);
}
template <>
__device__ __forceinline__ uint32_t hash_value<int16_t>(int16_t x, uint32_t seed) {
  return hash_int(static_cast<uint32_t>(static_cast<int32_t>(x)), seed);
}
template <>
__device__ __forceinline__ uint32_t hash_value<int32_t>(int32_t x, uint32_t seed) {
  return hash_int(static_cast<uint32_t>(x), seed);
}
template <>
__device__ __forceinline__ uint32_t hash_value<int64_t>(int64_t x, uint32_t seed) {
  return hash_long(static_cast<uint64_t>(x), seed);
}
template <>
__device__ __forceinline__ uint32_t hash_value<float>(float x, uint32_t seed) {
  uint32_t bits = x == 0.0f ? 0u : (x != x ? 0x7fc00000u : __float_as_uint(x));
  return hash_int(bits, seed);
}
template <>
__device__ __forceinline__ uint32_t hash_value<double>(double x, uint32_t seed) {
  uint64_t bits = x == 0.0 ? 0ull
                           : (x != x ? 0x7ff8000000000000ull : static_cast<uint64_t>(__double_as_longlong(x)));
  return hash_long(bits, seed);
}

template <typename T>
__device__ void murmur3(int32_t* hashes, const T* data, const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    if (ember_is_valid(validity, i)) {
      hashes[i] = static_cast<int32_t>(hash_value<T>(data[i], static_cast<uint32_t>(hashes[i])));
    }
  }
}

__device__ void murmur3_bool8(int32_t* hashes, const int8_t* data, const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    if (ember_is_valid(validity, i)) {
      hashes[i] = static_cast<int32_t>(hash_int(data[i] != 0 ? 1u : 0u, static_cast<uint32_t>(hashes[i])));
    }
  }
}

// Decimal128 values are two 64-bit words, low word first (8-byte alignment suffices).
__device__ void murmur3_decimal128(int32_t* hashes, const uint64_t* data, const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    if (ember_is_valid(validity, i)) {
      uint64_t lo = data[2 * i], hi = data[2 * i + 1];
      hashes[i] = static_cast<int32_t>(hash_decimal128(lo, hi, static_cast<uint32_t>(hashes[i])));
    }
  }
}

// hashUnsafeBytes of len bytes at p with seed.
__device__ __forceinline__ uint32_t hash_bytes(const uint8_t* p, int32_t len, uint32_t seed) {
  const int32_t aligned = len & ~3;
  uint32_t h1 = seed;
  for (int32_t k = 0; k < aligned; k += 4) {
    const uint32_t word = static_cast<uint32_t>(p[k]) | (static_cast<uint32_t>(p[k + 1]) << 8)
                          | (static_cast<uint32_t>(p[k + 2]) << 16) | (static_cast<uint32_t>(p[k + 3]) << 24);
    h1 = mix_h1(h1, mix_k1(word));
  }
  for (int32_t k = aligned; k < len; k++) {
    // Sign-extend the byte as Java's (int) byte does.
    const uint32_t b = p[k];
    h1 = mix_h1(h1, mix_k1(b >= 0x80u ? b | 0xffffff00u : b));
  }
  return fmix(h1, static_cast<uint32_t>(len));
}

__device__ void murmur3_string(int32_t* hashes, const int32_t* offsets, const uint8_t* chars,
                               const uint8_t* validity, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    if (ember_is_valid(validity, i)) {
      const int32_t start = offsets[i];
      hashes[i] = static_cast<int32_t>(hash_bytes(chars + start, offsets[i + 1] - start,
                                                  static_cast<uint32_t>(hashes[i])));
    }
  }
}

}  // namespace

extern "C" __global__ void ember_murmur3_bool8(int32_t* hashes, const int8_t* data, const uint8_t* validity, int64_t n) { murmur3_bool8(hashes, data, validity, n); }
extern "C" __global__ void ember_murmur3_i8(int32_t* hashes, const int8_t* data, const uint8_t* validity, int64_t n) { murmur3<int8_t>(hashes, data, validity, n); }
extern "C" __global__ void ember_murmur3_i16(int32_t* hashes, const int16_t* data, const uint8_t* validity, int64_t n) { murmur3<int16_t>(hashes, data, validity, n); }
extern "C" __global__ void ember_murmur3_i32(int32_t* hashes, const int32_t* data, const uint8_t* validity, int64_t n) { murmur3<int32_t>(hashes, data, validity, n); }
extern "C" __global__ void ember_murmur3_i64(int32_t* hashes, const int64_t* data, const uint8_t* validity, int64_t n) { murmur3<int64_t>(hashes, data, validity, n); }
extern "C" __global__ void ember_murmur3_f32(int32_t* hashes, const float* data, const uint8_t* validity, int64_t n) { murmur3<float>(hashes, data, validity, n); }
extern "C" __global__ void ember_murmur3_f64(int32_t* hashes, const double* data, const uint8_t* validity, int64_t n) { murmur3<double>(hashes, data, validity, n); }
extern "C" __global__ void ember_murmur3_dec128(int32_t* hashes, const uint64_t* data, const uint8_t* validity, int64_t n) { murmur3_decimal128(hashes, data, validity, n); }

extern "C" __global__ void ember_murmur3_string(int32_t* hashes, const int32_t* offsets, const uint8_t* chars, const uint8_t* validity, int64_t n) { murmur3_string(hashes, offsets, chars, validity, n); }

extern "C" __global__ void ember_pmod_i32(int32_t* out, const int32_t* hashes, int64_t n, int32_t num_partitions) {
  if (num_partitions < 1) return;
  EMBER_GRID_STRIDE(i, n) {
    // With num_partitions >= 1 the remainder is defined for every int32 (INT_MIN % p included).
    int32_t r = hashes[i] % num_partitions;
    out[i] = r < 0 ? r + num_partitions : r;
  }
}
