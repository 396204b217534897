// Expression programs: one interpreter kernel evaluates a compiled Catalyst-like expression program
// (dev.ember.cuda.expr.Program, built by ProgramBuilder) once per row, fused: every input column is
// read once and every output column written once, with no intermediate columns.
//
// ember_eval_program(const int64_t* program, int32_t words, const int64_t* columns,
//                    int32_t num_inputs, int64_t n)
// ember_eval_program_dec128(...the same...)
//   The same interpreter with the DECIMAL128 instructions compiled in (their 128-bit arithmetic needs
//   registers the plain one keeps free); programs with any DECIMAL128 instruction run on it, others
//   may run on either.
//   program: `words` int64 words of straight-line code (encoding below; ProgramEncoding.java is the
//   same description). columns: (data, validity) address pairs, first the num_inputs inputs by column
//   index (pairs of columns the program does not read may be 0), then one pair per output. A 0
//   validity means "all valid" for an input; every output needs both buffers: data of n values of its
//   type and a validity bitmap of (n + 63) / 64 * 8 bytes, 4-byte aligned.
//   For each row i in [0, n) the program runs over a private register file; OUTPUT k writes output k's
//   row i: the register's value, or 0 when it is null, and its validity bit. The validity bitmaps are
//   written as whole 32-bit words up to their 64-bit-word size, bits past n are 0 (lane 0 of each warp
//   stores the ballot of its 32 rows: blockDim.x must be a multiple of 32). Inputs are read only at
//   rows in [0, n) (data only where valid), the program and columns arrays only at their words.
//   Null counts are not computed. n == 0 writes nothing. Outputs must not overlap inputs.
//   Launch: dynamic shared memory of registers * blockDim.x * 8 bytes (ExprKernels.launch), where
//   registers is the program's register count; register r of thread t is word r * blockDim.x + t, so
//   a warp's accesses to one register are consecutive (no bank conflicts). The null flags are one
//   64-bit mask per thread (at most 64 registers). Control flow through the program is the same for
//   every thread, so warps diverge only inside data-dependent operations.
//
// Encoding: every instruction starts with a header word
//   bits 0..7 opcode, 8..15 type code (operand type; CAST: source type), 16..23 aux (CAST: target type;
//   IN: 1 if its literal list holds a null; MAKE_DECIMAL: the precision), 24..31 destination register,
//   32..39 / 40..47 / 48..55 operand registers a / b / c. INPUT: bits 32..63 column index. COALESCE and
//   IN: bits 40..55 the number of trailing words (COALESCE: operand registers; IN: literal values).
//   OUTPUT: bits 40..55 the output index. LITERAL: one trailing word, the value (DECIMAL128: two, low
//   word first). CAST from or to a decimal: one trailing parameter word, bits 0..7 the source scale (0
//   for non-decimal sources), 8..15 the target scale, 16..23 the target precision; scales 0..38,
//   precisions 1..38. ADD, SUBTRACT, MULTIPLY and DIVIDE of DECIMAL128: one trailing parameter word,
//   bits 0..7 the scale of a, 8..15 the scale of b, 16..23 the result scale, 24..31 the result
//   precision. IN of DECIMAL128: two trailing words per literal (count is the number of words).
// Type codes: 0 BOOL8, 1 INT8, 2 INT16, 3 INT32, 4 INT64, 5 FLOAT32, 6 FLOAT64, 7 DATE32 (days since
// 1970-01-01 as int32), 8 DECIMAL64 (any precision 1..18 and scale: the unscaled value as int64; the
// precision and scale are known to the host and reach the kernel only in the instructions that change
// them), 9 DECIMAL128 (precision 19..38: the unscaled two's-complement int128, 16 bytes per row in a
// column, low word first), 10 TIMESTAMP_US (int64 microseconds). A register holds an int64 word: BOOL8
// as 0/1, integral types and DATE32
// sign-extended, FLOAT32 as its bits zero-extended, FLOAT64 as its bits, DECIMAL64 as its unscaled
// value; a DECIMAL128 value takes two registers, its low word and null flag in the instruction's
// register r, its high word in r + 1; a null register holds 0. DECIMAL64 loads, stores, compares (as
// integers), IF, COALESCE and IN as INT64 does; DECIMAL128 compares as a signed int128.
//
// Semantics are Spark 3.5's with ANSI off. Unless an opcode says otherwise, a null operand gives a null
// result. Floating-point results computed by an opcode that are NaN are the canonical NaN
// (0x7fc00000 / 0x7ff8000000000000); INPUT, LITERAL, IF, COALESCE and OUTPUT move bits unchanged.
// "Numeric" is INT8, INT16, INT32, INT64, FLOAT32 or FLOAT64; binary operands share one type.
//    1 INPUT      dst = column[col] row i as type (BOOL8: any non-zero byte is 1); null where its bit is 0.
//    2 LITERAL    dst = the trailing word; not null.
//    3 NULL       dst = null of the type.
//    4 OUTPUT     output[k] row i = a (0 when a is null), validity bit = a is not null.
//   10 ADD        numeric a + b; integral types wrap at their own width; IEEE round-to-nearest for floats.
//                 DECIMAL64 (ADD, SUBTRACT, MULTIPLY): the unscaled values' int64 result, wrapping (the
//                 builder emits them only where they cannot overflow, followed by MAKE_DECIMAL).
//   11 SUBTRACT   a - b, likewise.
//   12 MULTIPLY   a * b, likewise (no fused multiply-add anywhere: built with -fmad=false).
//   13 DIVIDE     FLOAT32/FLOAT64 a / b; null when b == 0 (also -0.0).
//   14 INTEGRAL_DIVIDE  INT64 a div b, truncating; null when b == 0; INT64_MIN div -1 = INT64_MIN.
//   15 REMAINDER  numeric a % b with the sign of a (Java's %, C's fmod for floats); null when b == 0
//                 (also -0.0); MIN % -1 = 0.
//   16 PMOD       Spark's pmod: r = a % b; if r < 0 then (r + b) % b else r; the addition wraps at the
//                 type's width (at int32 for INT8/INT16, as Spark computes them in int); null when b == 0.
//   17 NEGATE     numeric -a; integral wraps (-MIN = MIN); floats flip the sign; decimals exact.
//   18 ABS        numeric |a|; integral wraps (abs(MIN) = MIN); abs(-0.0) = 0.0; decimals exact.
//   10..13 on DECIMAL128 a (scale sa) and b (scale sb), parameters above: Spark's decimal a + b, a - b,
//                 a * b, a / b for a result of scale s and precision p: the exact value rounded HALF_UP
//                 (ties away from zero) to scale s, null when it has more than p digits or b is 0
//                 (DIVIDE); ember_decimal.cuh says why this equals Spark 3.5's own two roundings.
//   15, 16 on DECIMAL128 a and b of one scale (no parameter word): REMAINDER a % b with the sign of a
//                 (exact, Java's BigDecimal.remainder), PMOD Spark's (r + b) % b when r = a % b < 0; null
//                 when b is 0. The builder rescales both operands to the larger scale first.
//   20 EQUAL, 21 NULL_SAFE_EQUAL, 22 LESS_THAN, 23 LESS_OR_EQUAL, 24 GREATER_THAN, 25 GREATER_OR_EQUAL,
//   26 NOT_EQUAL: BOOL8 results on two operands of any one type. Integral, BOOL8 (false < true) and
//                 DATE32 compare as integers; floats in Spark's order: -0.0 = 0.0, NaN = NaN, NaN above
//                 +Infinity. NULL_SAFE_EQUAL is never null: both null -> 1, one null -> 0.
//   30 AND        three-valued: 0 if either is 0 (even if the other is null), else null if either is
//                 null, else 1.
//   31 OR         three-valued: 1 if either is 1, else null if either is null, else 0.
//   32 NOT        1 - a; null stays null.
//   33 IS_NULL    1 if a is null else 0; never null.   34 IS_NOT_NULL  the opposite; never null.
//   35 IS_NAN     FLOAT32/FLOAT64: 1 if a is NaN; a null a gives 0; never null.
//   40 CAST       from type to aux type among BOOL8, INT8..INT64, FLOAT32, FLOAT64 with cast.cu's rules
//                 (ember_cast.cuh): integral narrowing wraps, floats to INT32/INT64 saturate with NaN -> 0,
//                 to INT8/INT16 through INT32, x != 0 to BOOL8 (NaN -> 1), integers to floats round to
//                 nearest even, FLOAT64 -> FLOAT32 rounds to nearest even.
//                 With DECIMAL64 (parameter word: source scale sf, target scale st, target precision pt),
//                 Spark's legacy decimal casts on the unscaled value v:
//                 to DECIMAL64 from DECIMAL64, BOOL8 or INT8..INT64 (sf = 0): st >= sf: v * 10^(st-sf),
//                 null unless |v| < 10^max(pt-(st-sf), 0); st < sf: q = v / 10^(sf-st) (truncating), plus
//                 sign(v) when 2 * |v % 10^(sf-st)| >= 10^(sf-st) (HALF_UP), null unless |q| < 10^pt.
//                 DECIMAL64 to BOOL8: v != 0. To INT8..INT64: v / 10^sf truncating, wrapped to the width.
//                 To FLOAT64: (double) v / 10^sf (both rounded to nearest, one IEEE division); to
//                 FLOAT32: sf == 0: (float) v rounded to nearest; else (float) v / (float) 10^sf.
//                 Every int64 v is defined (values outside the precision included).
//                 With DECIMAL128 source or target (the same parameter word): from DECIMAL128, DECIMAL64,
//                 BOOL8 or INT8..INT64 (scale 0) to DECIMAL128 or DECIMAL64: the value rescaled to st,
//                 HALF_UP when digits are dropped, null unless it has at most pt digits. DECIMAL128 to
//                 BOOL8: v != 0; to INT8..INT64: v / 10^sf truncated toward zero, its low bits (Java's
//                 BigDecimal.longValue() narrowed). DECIMAL128 to floats is not emitted.
//   41 IF         a is BOOL8: dst = b when a is 1, c when a is 0 or null (value and null flag).
//   42 COALESCE   dst = the first non-null trailing operand register; null when all are null.
//   43 IN         a IN (trailing literals of type): null when a is null; 1 when a equals a literal (the
//                 comparisons' equality: NaN matches NaN, -0.0 matches 0.0); else null when aux says the
//                 list holds a null; else 0.
//   50 YEAR, 51 MONTH, 52 DAY_OF_MONTH   DATE32 -> INT32 in the proleptic Gregorian calendar, for every
//                 int32 day count (civil-from-days, exact in int64 arithmetic).
//   53 DATE_ADD   DATE32 a + INT32 b days, wrapping at int32 (Spark 3.5's iadd).
//   54 DATE_SUB   DATE32 a - INT32 b days, wrapping at int32.
//   55 DATE_DIFF  INT32 a - b for DATE32 a (end) and b (start), wrapping at int32.
//   56 DAY_OF_WEEK  DATE32 -> INT32 1..7, Sunday = 1 (Spark's dayofweek).
//   57 WEEKDAY    DATE32 -> INT32 0..6, Monday = 0.
//   58 DAY_OF_YEAR  DATE32 -> INT32 1..366.
//   59 QUARTER    DATE32 -> INT32 1..4.
//   62 WEEK_OF_YEAR  DATE32 -> INT32 1..53, the ISO-8601 week (weeks start on Monday; week 1 holds the
//                 year's first Thursday): the day of year of the week's Thursday, (doy - 1) / 7 + 1.
//   63 LAST_DAY   DATE32 -> DATE32, the last day of the date's month: a - day + days in month, wrapping at
//                 int32 as Spark's int arithmetic does.
//   70 FLOOR, 71 CEIL  FLOAT64 -> FLOAT64: floor(a) / ceil(a) (exact; NaN canonical, infinities and -0.0
//                 kept). DECIMAL64 a of scale aux (1..18) -> DECIMAL64 of scale 0: the unscaled value
//                 divided by 10^aux rounding toward -infinity / +infinity (every int64 a is defined).
//   72 SIGNUM     FLOAT64 -> FLOAT64: Java's Math.signum: -1.0, 1.0, or a itself for +-0.0; NaN canonical.
//   73 SQRT       FLOAT64 -> FLOAT64: the correctly rounded IEEE square root (sqrt of a negative is NaN).
//   60 MAKE_DECIMAL  INT64 or DECIMAL64 a as a DECIMAL64 of precision aux (1..18): a, null unless
//                 -10^aux < a < 10^aux.
//   61 UNSCALED_VALUE  DECIMAL64 a as INT64: a.
//  120 BIT_AND, 121 BIT_OR, 122 BIT_XOR  a & b, a | b, a ^ b of two operands of one integral type.
//  123 BIT_NOT    ~a of an integral type.
//  124 SHIFT_LEFT, 125 SHIFT_RIGHT, 126 SHIFT_RIGHT_UNSIGNED  INT32 or INT64 a shifted by INT32 b as
//                 Java's <<, >> and >>> do: the distance taken modulo the width (b & 31, b & 63); the
//                 result has a's type (>>> of INT32 works on its 32 bits).
//  100 ROUND      Spark's round / bround of INT8..INT64, DECIMAL64 or DECIMAL128 a (the result has a's
//                 type code); one trailing parameter word: bits 0..7 k (0..39), 8..15 e (0..38), 16..23 the
//                 result precision p (0 for integral a), 24..25 the mode (0 HALF_UP, 1 HALF_EVEN, 2 FLOOR,
//                 3 CEILING). q = a / 10^k rounded in that mode (HALF_UP: ties away from zero; k = 39:
//                 q = 0, for HALF_UP and HALF_EVEN only), r = q * 10^e. Decimals: null unless |r| < 10^p. Integral a: the
//                 low bits of r at a's width (Java's BigDecimal.longValue(), narrowed).
// Timestamps (type code 10, TIMESTAMP_US: microseconds since 1970-01-01T00:00Z as int64) load, store,
// compare, IF, COALESCE and IN as INT64. Opcodes 80..84 and 89 read a zone table (ember_timezone.cuh):
// their one trailing word is the index in the program of the table's first word, which a 93 ZONE_TABLE
// pseudo-instruction (bits 40..55: the table's word count) holds; the interpreter skips ZONE_TABLE, and
// the builder emits each zone's table once per program. s = floorDiv(a, 10^6), off = the zone's offset
// at s (ZoneRules.getOffset), local = s + off; "to micros" is s * 10^6, null where it overflows int64
// (Spark's Math.multiplyExact raises an error there).
//   80 TIMESTAMP_TO_DATE  DATE32 floorDiv(local, 86400) (Spark's cast to date).
//   81 DATE_TO_TIMESTAMP  DATE32 a: LocalDate.atStartOfDay(zone) to micros (midnight in a gap: the
//                 gap's end; in an overlap: the earlier offset).
//   82 HOUR, 83 MINUTE, 84 SECOND  INT32 fields of floorMod(local, 86400).
//   85 TIMESTAMP_TO_SECONDS  INT64 floorDiv(a, 10^6).   86 TIMESTAMP_TO_DOUBLE  FLOAT64 (double) a / 1e6.
//   87 SECONDS_TO_TIMESTAMP  INT64 a * 10^6, saturating at INT64_MIN / INT64_MAX (TimeUnit.toMicros).
//   88 DOUBLE_TO_TIMESTAMP  FLOAT64 a: null for NaN and infinities, else the JVM's (long) (a * 1e6).
//   89 TRUNC_TIMESTAMP  Spark's truncTimestamp at level aux (0 MICROSECOND .. 9 YEAR): levels 1 and 2
//                 floor to the millisecond / second; 3..5 truncate local to the minute / hour / day and
//                 resolve it with the instant's own offset where it is valid (ZonedDateTime.truncatedTo;
//                 gaps shift forward); 6..9 the date levels of the local date, as DATE_TO_TIMESTAMP.
//   90 TRUNC_DATE DATE32 Spark's truncDate at level aux (6 WEEK, 7 MONTH, 8 QUARTER, 9 YEAR) in its int
//                 arithmetic; null where its Math.toIntExact fails.
//   91 ADD_MONTHS DATE32 a plus INT32 b months (LocalDate.plusMonths, the day clamped to the month's
//                 length); null when the result leaves int32 days.
//   92 MAKE_DATE  INT32 a, b, c as LocalDate.of(year, month, day) days; null when invalid or beyond int32.
//   94 TIMESTAMP_TO_MICROS  TIMESTAMP_US a as INT64: a.
#include "ember.cuh"
#include "ember_cast.cuh"
#include "ember_decimal.cuh"
#include "ember_timezone.cuh"

namespace {

enum : int { T_BOOL8 = 0, T_I8 = 1, T_I16 = 2, T_I32 = 3, T_I64 = 4, T_F32 = 5, T_F64 = 6, T_DATE32 = 7, T_DEC64 = 8, T_DEC128 = 9 };

enum : int {
  OP_INPUT = 1, OP_LITERAL = 2, OP_NULL = 3, OP_OUTPUT = 4,
  OP_ADD = 10, OP_SUBTRACT = 11, OP_MULTIPLY = 12, OP_DIVIDE = 13, OP_INTEGRAL_DIVIDE = 14,
  OP_REMAINDER = 15, OP_PMOD = 16, OP_NEGATE = 17, OP_ABS = 18,
  OP_EQUAL = 20, OP_NULL_SAFE_EQUAL = 21, OP_LESS_THAN = 22, OP_LESS_OR_EQUAL = 23, OP_GREATER_THAN = 24,
  OP_GREATER_OR_EQUAL = 25, OP_NOT_EQUAL = 26,
  OP_AND = 30, OP_OR = 31, OP_NOT = 32, OP_IS_NULL = 33, OP_IS_NOT_NULL = 34, OP_IS_NAN = 35,
  OP_CAST = 40, OP_IF = 41, OP_COALESCE = 42, OP_IN = 43,
  OP_YEAR = 50, OP_MONTH = 51, OP_DAY_OF_MONTH = 52, OP_DATE_ADD = 53, OP_DATE_SUB = 54, OP_DATE_DIFF = 55,
  OP_DAY_OF_WEEK = 56, OP_WEEKDAY = 57, OP_DAY_OF_YEAR = 58, OP_QUARTER = 59, OP_WEEK_OF_YEAR = 62,
  OP_LAST_DAY = 63,
  OP_MAKE_DECIMAL = 60, OP_UNSCALED_VALUE = 61,
  OP_FLOOR = 70, OP_CEIL = 71, OP_SIGNUM = 72, OP_SQRT = 73,
  OP_BIT_AND = 120, OP_BIT_OR = 121, OP_BIT_XOR = 122, OP_BIT_NOT = 123, OP_SHIFT_LEFT = 124,
  OP_SHIFT_RIGHT = 125, OP_SHIFT_RIGHT_UNSIGNED = 126,
  OP_ROUND = 100,
  OP_TIMESTAMP_TO_DATE = 80, OP_DATE_TO_TIMESTAMP = 81, OP_HOUR = 82, OP_MINUTE = 83, OP_SECOND = 84,
  OP_TIMESTAMP_TO_SECONDS = 85, OP_TIMESTAMP_TO_DOUBLE = 86, OP_SECONDS_TO_TIMESTAMP = 87,
  OP_DOUBLE_TO_TIMESTAMP = 88, OP_TRUNC_TIMESTAMP = 89, OP_TRUNC_DATE = 90, OP_ADD_MONTHS = 91, OP_MAKE_DATE = 92,
  OP_ZONE_TABLE = 93, OP_TIMESTAMP_TO_MICROS = 94
};

// Opcodes that read a zone table (ember_timezone.cuh): one trailing word, the table's word index.
__device__ __forceinline__ bool carries_zone_table(int op) {
  return (op >= OP_TIMESTAMP_TO_DATE && op <= OP_SECOND) || op == OP_TRUNC_TIMESTAMP;
}

// Powers of ten 10^0..10^18: exact in int64 and double; the float ones are the nearest floats
// (exact up to 10^10). Instruction parameters index them uniformly across a warp (constant cache).
__constant__ int64_t kPow10[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL, 1000000000LL,
    10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL, 100000000000000LL,
    1000000000000000LL, 10000000000000000LL, 100000000000000000LL, 1000000000000000000LL};
__constant__ double kPow10F64[19] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
                                     1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
__constant__ float kPow10F32[19] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f,
                                    1e11f, 1e12f, 1e13f, 1e14f, 1e15f, 1e16f, 1e17f, 1e18f};

__device__ __forceinline__ float f32_of(int64_t v) { return __int_as_float(ember_wrap<int32_t>(v)); }
__device__ __forceinline__ double f64_of(int64_t v) { return __longlong_as_double(v); }

// Register words of computed floating-point results: NaN made canonical.
__device__ __forceinline__ int64_t word_f32(float x) {
  return static_cast<int64_t>(static_cast<uint32_t>(__float_as_int(ember_canonical_nan_f32(x))));
}
__device__ __forceinline__ int64_t word_f64(double x) { return __double_as_longlong(ember_canonical_nan_f64(x)); }

// An exact or wrapped int64 result narrowed to integral type t (two's complement), sign-extended.
__device__ __forceinline__ int64_t narrow(int t, int64_t v) {
  switch (t) {
    case T_BOOL8: return v != 0 ? 1 : 0;
    case T_I8: return ember_wrap<int8_t>(v);
    case T_I16: return ember_wrap<int16_t>(v);
    case T_I32:
    case T_DATE32: return ember_wrap<int32_t>(v);
    default: return v;
  }
}

// Two's-complement int64 arithmetic without signed overflow (unsigned is modular; the conversion back
// is the bit pattern in nvcc).
__device__ __forceinline__ int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
__device__ __forceinline__ int64_t wrapping_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
__device__ __forceinline__ int64_t wrapping_mul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

// Spark's SQLOrderingUtil.compareDoubles: equal if ==, else Double.compare (NaN greatest, NaN = NaN).
__device__ __forceinline__ int compare_f64(double x, double y) {
  if (x == y) return 0;
  const bool xn = x != x;
  const bool yn = y != y;
  if (xn) return yn ? 0 : 1;
  if (yn) return -1;
  return x < y ? -1 : 1;
}

// Floats widen to double exactly, which keeps their order.
__device__ __forceinline__ int compare_values(int t, int64_t a, int64_t b) {
  if (t == T_F32) return compare_f64(static_cast<double>(f32_of(a)), static_cast<double>(f32_of(b)));
  if (t == T_F64) return compare_f64(f64_of(a), f64_of(b));
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Signed 128-bit comparison of (lo, hi) words.
__device__ __forceinline__ int compare_wide(int64_t a, int64_t a_hi, int64_t b, int64_t b_hi) {
  if (a_hi != b_hi) return a_hi < b_hi ? -1 : 1;
  const uint64_t x = static_cast<uint64_t>(a), y = static_cast<uint64_t>(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

__device__ __forceinline__ ember_dec::u128 wide_of(int64_t lo, int64_t hi) {
  return ember_dec::make_u128(static_cast<uint64_t>(lo), static_cast<uint64_t>(hi));
}
__device__ __forceinline__ int64_t low_word(ember_dec::u128 v) { return static_cast<int64_t>(static_cast<uint64_t>(v)); }
__device__ __forceinline__ int64_t high_word(ember_dec::u128 v) {
  return static_cast<int64_t>(static_cast<uint64_t>(v >> 64));
}

// Integral a % b for b != 0 without undefined behavior: x % -1 is 0 (Java's MIN % -1 == 0).
__device__ __forceinline__ int64_t rem_i64(int64_t a, int64_t b) { return b == -1 ? 0 : a % b; }

// ADD, SUBTRACT, MULTIPLY, DIVIDE, INTEGRAL_DIVIDE, REMAINDER, PMOD on non-null operands of type t.
__device__ __forceinline__ int64_t arithmetic(int op, int t, int64_t a, int64_t b, bool& null) {
  if (t == T_F32) {
    const float x = f32_of(a), y = f32_of(b);
    switch (op) {
      case OP_ADD: return word_f32(__fadd_rn(x, y));
      case OP_SUBTRACT: return word_f32(__fsub_rn(x, y));
      case OP_MULTIPLY: return word_f32(__fmul_rn(x, y));
      default: break;
    }
    if (y == 0.0f) {
      null = true;
      return 0;
    }
    if (op == OP_DIVIDE) return word_f32(__fdiv_rn(x, y));
    float r = fmodf(x, y);
    if (op == OP_PMOD && r < 0.0f) r = fmodf(__fadd_rn(r, y), y);
    return word_f32(r);
  }
  if (t == T_F64) {
    const double x = f64_of(a), y = f64_of(b);
    switch (op) {
      case OP_ADD: return word_f64(__dadd_rn(x, y));
      case OP_SUBTRACT: return word_f64(__dsub_rn(x, y));
      case OP_MULTIPLY: return word_f64(__dmul_rn(x, y));
      default: break;
    }
    if (y == 0.0) {
      null = true;
      return 0;
    }
    if (op == OP_DIVIDE) return word_f64(__ddiv_rn(x, y));
    double r = fmod(x, y);
    if (op == OP_PMOD && r < 0.0) r = fmod(__dadd_rn(r, y), y);
    return word_f64(r);
  }
  switch (op) {
    case OP_ADD: return narrow(t, wrapping_add(a, b));
    case OP_SUBTRACT: return narrow(t, wrapping_sub(a, b));
    case OP_MULTIPLY: return narrow(t, wrapping_mul(a, b));
    default: break;
  }
  if (b == 0) {
    null = true;
    return 0;
  }
  if (op == OP_INTEGRAL_DIVIDE) return b == -1 ? wrapping_sub(0, a) : a / b;
  int64_t r = rem_i64(a, b);
  if (op == OP_PMOD && r < 0) {
    // Spark adds in the operand type (int for tinyint and smallint, where the sum cannot wrap).
    const int64_t s = narrow(t == T_I8 || t == T_I16 ? T_I32 : t, wrapping_add(r, b));
    r = narrow(t, rem_i64(s, b));
  }
  return r;
}

__device__ __forceinline__ int64_t cast_value(int from, int to, int64_t v) {
  if (from == T_F32 || from == T_F64) {
    const double x = from == T_F32 ? static_cast<double>(f32_of(v)) : f64_of(v);
    switch (to) {
      case T_BOOL8: return x != 0.0 ? 1 : 0;  // NaN != 0 is true
      case T_F32: return word_f32(__double2float_rn(x));
      case T_F64: return word_f64(x);
      case T_I64: return ember_jvm_d2l(x);
      default: return narrow(to, ember_jvm_d2i(x));
    }
  }
  switch (to) {
    case T_BOOL8: return v != 0 ? 1 : 0;
    case T_F32: return word_f32(__ll2float_rn(v));  // one rounding, straight from the integer
    case T_F64: return word_f64(__ll2double_rn(v));
    default: return narrow(to, v);
  }
}

// Whether unscaled v has at most p (0..18) digits: -10^p < v < 10^p.
__device__ __forceinline__ bool fits_precision(int64_t v, int p) {
  const int64_t bound = kPow10[p];
  return v > -bound && v < bound;
}

// Spark's Decimal.changePrecision(pt, st, ROUND_HALF_UP) of unscaled v at scale sf; null on overflow.
// No step overflows int64: a scale-up multiplies only values below 10^(pt - d), and |v % 10^d| * 2 < 2 * 10^18.
__device__ __forceinline__ int64_t rescale(int64_t v, int sf, int st, int pt, bool& null) {
  if (st >= sf) {
    const int d = st - sf;
    if (!fits_precision(v, pt >= d ? pt - d : 0)) {
      null = true;
      return 0;
    }
    return v * kPow10[d];
  }
  const int64_t divisor = kPow10[sf - st];
  int64_t q = v / divisor;
  const int64_t dropped = v % divisor;
  if ((dropped < 0 ? -dropped : dropped) * 2 >= divisor) q += dropped < 0 ? -1 : 1;
  if (!fits_precision(q, pt)) {
    null = true;
    return 0;
  }
  return q;
}

// CAST from or to DECIMAL64 (the contract above); `params` is the instruction's parameter word.
__device__ __forceinline__ int64_t cast_decimal(int from, int to, int64_t v, int64_t params, bool& null) {
  const int sf = static_cast<int>(params & 0xff);
  const int st = static_cast<int>((params >> 8) & 0xff);
  const int pt = static_cast<int>((params >> 16) & 0xff);
  if (to == T_DEC64) return rescale(v, from == T_DEC64 ? sf : 0, st, pt, null);
  switch (to) {
    case T_BOOL8: return v != 0 ? 1 : 0;
    case T_F64: return word_f64(__ddiv_rn(__ll2double_rn(v), kPow10F64[sf]));
    case T_F32: return word_f32(sf == 0 ? __ll2float_rn(v) : __fdiv_rn(__ll2float_rn(v), kPow10F32[sf]));
    default: return narrow(to, v / kPow10[sf]);
  }
}

// CAST from or to DECIMAL128 (the contract above): the source as an int128 (DECIMAL128 words, or the
// sign-extended int64 of every other source), rescaled by rescale128; null on overflow.
__device__ __forceinline__ int64_t cast_wide(int from, int to, int64_t a, int64_t a_hi, int64_t params, int64_t& v_hi,
                                             bool& null) {
  const int sf = from == T_DEC64 || from == T_DEC128 ? static_cast<int>(params & 0xff) : 0;
  const int st = static_cast<int>((params >> 8) & 0xff);
  const int pt = static_cast<int>((params >> 16) & 0xff);
  const ember_dec::u128 value = from == T_DEC128 ? wide_of(a, a_hi) : wide_of(a, a < 0 ? -1 : 0);
  if (to == T_BOOL8) return value != 0 ? 1 : 0;
  if (to == T_DEC128 || to == T_DEC64) {
    const ember_dec::Result128 r = ember_dec::rescale128(value, sf, st, pt, true);
    if (!r.valid) {
      null = true;
      return 0;
    }
    v_hi = to == T_DEC128 ? high_word(r.value) : 0;
    return low_word(r.value);
  }
  // To an integral type: truncated toward zero, then the low bits (BigDecimal.longValue, narrowed).
  return narrow(to, low_word(ember_dec::rescale128(value, sf, 0, 0, false).value));
}

// Proleptic Gregorian year, month or day of `days` since 1970-01-01 (H. Hinnant's civil_from_days);
// exact for every int32 day count in int64 arithmetic.
__device__ __forceinline__ int64_t date_part(int op, int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                  // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                 // [0, 11], March first
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;                        // [1, 12]
  if (op == OP_MONTH) return month;
  if (op == OP_DAY_OF_MONTH) return doy - (153 * mp + 2) / 5 + 1;         // [1, 31]
  return yoe + era * 400 + (month <= 2 ? 1 : 0);
}

// Days since 1970-01-01 of year y, month m (1..12), day d (H. Hinnant's days_from_civil), exact in int64.
__device__ __forceinline__ int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                      // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;    // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;              // [0, 146096]
  return era * 146097 + doe - 719468;
}

// 0 for Monday .. 6 for Sunday (1970-01-01 was a Thursday).
__device__ __forceinline__ int64_t weekday_of(int64_t days) {
  const int64_t r = (days + 3) % 7;
  return r < 0 ? r + 7 : r;
}

__device__ __forceinline__ int64_t day_of_year(int64_t days) {
  return days - days_from_civil(date_part(OP_YEAR, days), 1, 1) + 1;
}

// The calendar parts that build on year, month and day: opcodes 56..59, 62 and 63.
__device__ __noinline__ int64_t date_field(int op, int64_t days) {
  switch (op) {
    case OP_DAY_OF_WEEK: return (weekday_of(days) + 1) % 7 + 1;
    case OP_WEEKDAY: return weekday_of(days);
    case OP_DAY_OF_YEAR: return day_of_year(days);
    case OP_QUARTER: return (date_part(OP_MONTH, days) - 1) / 3 + 1;
    case OP_WEEK_OF_YEAR: return (day_of_year(days - weekday_of(days) + 3) - 1) / 7 + 1;
    default: {  // OP_LAST_DAY
      const int64_t y = date_part(OP_YEAR, days);
      const int64_t m = date_part(OP_MONTH, days);
      const int64_t first_of_next = m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
      return ember_wrap<int32_t>(first_of_next - 1);
    }
  }
}

// FLOOR, CEIL, SIGNUM and SQRT (opcodes 70..73) of a FLOAT64 word or, for FLOOR and CEIL, of a
// DECIMAL64 of scale s: the register word of the result.
__device__ __noinline__ int64_t math_unary(int op, int t, int s, int64_t a) {
  if (t == T_DEC64) {
    const int64_t d = kPow10[s];
    const int64_t q = a / d;
    const int64_t r = a % d;
    if (op == OP_FLOOR) return r < 0 ? q - 1 : q;
    return r > 0 ? q + 1 : q;
  }
  const double x = f64_of(a);
  switch (op) {
    case OP_FLOOR: return word_f64(floor(x));
    case OP_CEIL: return word_f64(ceil(x));
    case OP_SIGNUM: return word_f64(x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x));
    default: return word_f64(sqrt(x));
  }
}

// BIT_AND .. SHIFT_RIGHT_UNSIGNED (opcodes 120..126) on non-null sign-extended integral words of type
// t: the and, or, xor and not of sign-extended values are sign-extended already; shifts follow Java.
__device__ __noinline__ int64_t bitwise(int op, int t, int64_t a, int64_t b) {
  const uint64_t x = static_cast<uint64_t>(a);
  const bool wide = t == T_I64;
  const int distance = static_cast<int>(b) & (wide ? 63 : 31);
  switch (op) {
    case OP_BIT_AND: return a & b;
    case OP_BIT_OR: return a | b;
    case OP_BIT_XOR: return a ^ b;
    case OP_BIT_NOT: return ~a;
    case OP_SHIFT_LEFT: return wide ? static_cast<int64_t>(x << distance) : narrow(T_I32, static_cast<int64_t>(x << distance));
    case OP_SHIFT_RIGHT: return a >> distance;  // arithmetic on nvcc and g++, as Java's >>
    default:
      return wide ? static_cast<int64_t>(x >> distance)
                  : narrow(T_I32, static_cast<int64_t>(static_cast<uint32_t>(x) >> distance));
  }
}

// ROUND (opcode 100, the contract above) of int128 v; invalid (null) when a decimal result overflows.
__device__ __noinline__ ember_dec::Result128 round_value(ember_dec::u128 v, int64_t params) {
  const int k = static_cast<int>(params & 0xff);
  const int e = static_cast<int>((params >> 8) & 0xff);
  const int p = static_cast<int>((params >> 16) & 0xff);
  const int mode = static_cast<int>((params >> 24) & 3);  // 0 HALF_UP, 1 HALF_EVEN, 2 FLOOR, 3 CEILING
  bool negative;
  const ember_dec::u128 m = ember_dec::magnitude(v, &negative);
  ember_dec::u128 q = 0;
  if (k == 0) {
    q = m;
  } else if (k <= 38) {
    const ember_dec::u128 d = ember_dec::pow10_u128(k);
    q = m / d;
    const ember_dec::u128 rem = m - q * d;
    const ember_dec::u128 rest = d - rem;  // 2 * rem vs d without overflow: rem vs d - rem
    if (mode >= 2) {
      if (rem != 0 && negative == (mode == 2)) q += 1;  // away from zero: floor of negatives, ceil of positives
    } else if (rem > rest || (rem == rest && (mode == 0 || (q & 1) != 0))) {
      q += 1;
    }
  }
  if (q == 0) return ember_dec::Result128{0, true};
  if (p > 0 && (p <= e || q >= ember_dec::pow10_u128(p - e))) return ember_dec::Result128{0, false};
  return ember_dec::Result128{ember_dec::with_sign(q * ember_dec::pow10_u128(e), negative), true};
}

// REMAINDER and PMOD of DECIMAL128 operands of one scale (the contract above): Java's BigDecimal
// remainder (the sign of a) and Spark's pmod, (r + b) % b when r < 0; invalid (null) when b is 0.
__device__ __noinline__ ember_dec::Result128 remainder_value(bool pmod, ember_dec::u128 a, ember_dec::u128 b) {
  bool negative_a;
  bool negative_b;
  const ember_dec::u128 ma = ember_dec::magnitude(a, &negative_a);
  const ember_dec::u128 mb = ember_dec::magnitude(b, &negative_b);
  if (mb == 0) return ember_dec::Result128{0, false};
  const ember_dec::u128 m = ma % mb;
  // pmod of r = -m < 0: for b > 0, r + b = mb - m in (0, mb), its own remainder; for b < 0, r + b =
  // -(m + mb) and (m + mb) % mb = m, so r itself. No sum is formed, so no operand overflows.
  if (pmod && negative_a && m != 0 && !negative_b) return ember_dec::Result128{mb - m, true};
  return ember_dec::Result128{ember_dec::with_sign(m, negative_a), true};
}

// Timestamps and calendar functions (opcodes 80..92). a, b, c: the operand words; table: the zone table
// of opcodes 80..84 and 89 (the instruction's trailing words); null: set for a null result.
constexpr int64_t kMicrosPerSecond = 1000000LL;

// Multiplication of seconds by 10^6 as Spark's Math.multiplyExact; false on overflow.
__device__ __forceinline__ bool seconds_to_micros(int64_t s, int64_t& micros) {
  if (s > INT64_MAX / kMicrosPerSecond || s < INT64_MIN / kMicrosPerSecond) return false;
  micros = s * kMicrosPerSecond;
  return true;
}

// Days in month m (1..12) of proleptic Gregorian year y.
__device__ __forceinline__ int64_t month_length(int64_t y, int64_t m) {
  if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
  return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

// Spark's DateTimeUtils.truncDate for the date levels 6 (WEEK) .. 9 (YEAR) in its int arithmetic; null
// where Spark's Math.toIntExact would fail (the QUARTER start of the first int32 days).
__device__ __forceinline__ int64_t trunc_days(int level, int64_t days, bool& null) {
  const int32_t d = static_cast<int32_t>(days);
  switch (level) {
    case 6: {  // getNextDateForDayOfWeek(days - 7, MONDAY = 4), Java int arithmetic
      const int32_t start = static_cast<int32_t>(static_cast<uint32_t>(d) - 7u);
      const int32_t x = static_cast<int32_t>(3u - static_cast<uint32_t>(start));
      const int32_t r = (x % 7 + 7) % 7;
      return ember_wrap<int32_t>(static_cast<int64_t>(start) + 1 + r);
    }
    case 7: return ember_wrap<int32_t>(days - date_part(OP_DAY_OF_MONTH, days) + 1);
    case 8: {
      const int64_t m = date_part(OP_MONTH, days);
      const int64_t r = days_from_civil(date_part(OP_YEAR, days), (m - 1) / 3 * 3 + 1, 1);
      null = r < INT32_MIN;
      return r;
    }
    default: return ember_wrap<int32_t>(days - day_of_year(days) + 1);
  }
}

struct TimestampResult {
  int64_t value;
  bool null;
};

__device__ __forceinline__ int64_t timestamp_value(int op, int aux, int64_t a, int64_t b, int64_t c,
                                                   const int64_t* table, bool& null) {
  using namespace ember_tz;
  int64_t micros = 0;
  switch (op) {
    case OP_TIMESTAMP_TO_DATE: {
      const int64_t s = floor_div(a, kMicrosPerSecond);
      return floor_div(s + offset_at(table, s), 86400);
    }
    case OP_DATE_TO_TIMESTAMP:
      null = !seconds_to_micros(local_to_utc(table, a * 86400, kStartOfDay, 0), micros);
      return micros;
    case OP_HOUR:
    case OP_MINUTE:
    case OP_SECOND: {
      const int64_t s = floor_div(a, kMicrosPerSecond);
      const int64_t sod = floor_mod(s + offset_at(table, s), 86400);
      return op == OP_HOUR ? sod / 3600 : op == OP_MINUTE ? sod / 60 % 60 : sod % 60;
    }
    case OP_TIMESTAMP_TO_SECONDS: return floor_div(a, kMicrosPerSecond);
    case OP_TIMESTAMP_TO_DOUBLE: return word_f64(__ddiv_rn(__ll2double_rn(a), 1e6));
    case OP_SECONDS_TO_TIMESTAMP:
      return a > INT64_MAX / kMicrosPerSecond ? INT64_MAX : a < -(INT64_MAX / kMicrosPerSecond) ? INT64_MIN
                                                                                                  : a * kMicrosPerSecond;
    case OP_DOUBLE_TO_TIMESTAMP: {
      const double x = f64_of(a);
      null = !(fabs(x) <= 1.7976931348623157e308);  // NaN or an infinity
      return null ? 0 : ember_jvm_d2l(__dmul_rn(x, 1e6));
    }
    case OP_TRUNC_TIMESTAMP: {
      if (aux == 0) return a;
      if (aux == 1) return a - floor_mod(a, 1000);
      if (aux == 2) return a - floor_mod(a, kMicrosPerSecond);
      const int64_t s = floor_div(a, kMicrosPerSecond);
      const int64_t offset = offset_at(table, s);
      const int64_t local = s + offset;
      int64_t instant;
      if (aux <= 5) {
        const int64_t unit = aux == 3 ? 60 : aux == 4 ? 3600 : 86400;
        instant = local_to_utc(table, local - floor_mod(local, unit), kPreferred, offset);
      } else {
        const int64_t days = trunc_days(aux, floor_div(local, 86400), null);
        if (null) return 0;
        instant = local_to_utc(table, days * 86400, kStartOfDay, 0);
      }
      null = !seconds_to_micros(instant, micros);
      return micros;
    }
    case OP_TRUNC_DATE: return trunc_days(aux, a, null);
    case OP_ADD_MONTHS: {
      const int64_t y = date_part(OP_YEAR, a);
      const int64_t m = date_part(OP_MONTH, a);
      const int64_t d = date_part(OP_DAY_OF_MONTH, a);
      const int64_t months = y * 12 + (m - 1) + b;
      const int64_t ny = floor_div(months, 12);
      const int64_t nm = floor_mod(months, 12) + 1;
      const int64_t nl = month_length(ny, nm);
      const int64_t r = days_from_civil(ny, nm, d < nl ? d : nl);
      null = r < INT32_MIN || r > INT32_MAX;
      return r;
    }
    default: {  // OP_MAKE_DATE: LocalDate.of(a, b, c) as int32 days, null where java.time or toIntExact fails
      null = a < -999999999LL || a > 999999999LL || b < 1 || b > 12 || c < 1 || c > month_length(a, b);
      if (null) return 0;
      const int64_t r = days_from_civil(a, b, c);
      null = r < INT32_MIN || r > INT32_MAX;
      return r;
    }
  }
}

// Returned by value: a flag written through a reference would put it in a stack frame.
__device__ __noinline__ TimestampResult timestamp_op(int op, int aux, int64_t a, int64_t b, int64_t c,
                                                     const int64_t* table) {
  bool null = false;
  const int64_t v = timestamp_value(op, aux, a, b, c, table, null);
  return TimestampResult{null ? 0 : v, null};
}

template <typename T>
__device__ __forceinline__ const T* column_data(const int64_t* columns, int64_t column) {
  return reinterpret_cast<const T*>(static_cast<uintptr_t>(columns[2 * column]));
}

__device__ __forceinline__ int64_t load(int t, const int64_t* columns, int64_t column, int64_t i) {
  switch (t) {
    case T_BOOL8: return column_data<int8_t>(columns, column)[i] != 0 ? 1 : 0;
    case T_I8: return column_data<int8_t>(columns, column)[i];
    case T_I16: return column_data<int16_t>(columns, column)[i];
    case T_I32:
    case T_DATE32: return column_data<int32_t>(columns, column)[i];
    case T_F32: return column_data<uint32_t>(columns, column)[i];
    case T_DEC128: return column_data<int64_t>(columns, column)[2 * i];
    default: return column_data<int64_t>(columns, column)[i];
  }
}

__device__ __forceinline__ void store(int t, const int64_t* columns, int64_t column, int64_t i, int64_t v) {
  void* data = reinterpret_cast<void*>(static_cast<uintptr_t>(columns[2 * column]));
  switch (t) {
    case T_BOOL8:
    case T_I8: static_cast<int8_t*>(data)[i] = ember_wrap<int8_t>(v); break;
    case T_I16: static_cast<int16_t*>(data)[i] = ember_wrap<int16_t>(v); break;
    case T_I32:
    case T_DATE32:
    case T_F32: static_cast<int32_t*>(data)[i] = ember_wrap<int32_t>(v); break;
    default: static_cast<int64_t*>(data)[i] = v; break;
  }
}

// The high words of DECIMAL128 columns (the low word is load's and store's).
__device__ __forceinline__ int64_t load_high(const int64_t* columns, int64_t column, int64_t i) {
  return column_data<int64_t>(columns, column)[2 * i + 1];
}
__device__ __forceinline__ void store_wide(const int64_t* columns, int64_t column, int64_t i, int64_t lo, int64_t hi) {
  int64_t* data = reinterpret_cast<int64_t*>(static_cast<uintptr_t>(columns[2 * column]));
  data[2 * i] = lo;
  data[2 * i + 1] = hi;
}

// The interpreter. WIDE: whether it executes DECIMAL128 instructions; without them the 128-bit
// arithmetic is compiled out, which keeps the register count (and so the occupancy) of programs
// without wide decimals where it was.
// register_file: the block's dynamic shared memory (declared by the entry points).
template <bool WIDE>
__device__ __forceinline__ void eval_program(const int64_t* __restrict__ program, int32_t words,
                                             const int64_t* __restrict__ columns, int32_t num_inputs, int64_t n,
                                             int64_t* register_file) {
  int64_t* const regs = register_file + threadIdx.x;
  const int64_t step = blockDim.x;
  // Rows up to the next multiple of 64, so every 32-bit word of each output bitmap is written.
  const int64_t rows_in_words = ((n + 63) / 64) * 64;
  EMBER_WARP_STRIDE(i, rows_in_words) {
    const bool live = i < n;
    uint64_t nulls = 0;
    int32_t pc = 0;
    while (pc < words) {
      const int64_t w = __ldg(program + pc);
      const int op = static_cast<int>(w & 0xff);
      const int t = static_cast<int>((w >> 8) & 0xff);
      const int aux = static_cast<int>((w >> 16) & 0xff);
      const int dst = static_cast<int>((w >> 24) & 0xff);
      // Only opcodes with operand registers have them in bits 32..47 (INPUT has a column index there,
      // COALESCE, IN and OUTPUT a count in bits 40..55); for the others the fields are 0, so no read
      // leaves the register file and no shift reaches 64.
      const bool has_a = op >= OP_ADD || op == OP_OUTPUT;
      const bool has_b = op >= OP_ADD && op != OP_COALESCE && op != OP_IN && op != OP_ZONE_TABLE;
      const int ra = has_a ? static_cast<int>((w >> 32) & 0xff) : 0;
      const int rb = has_b ? static_cast<int>((w >> 40) & 0xff) : 0;
      const int rc = static_cast<int>((w >> 48) & 0xff);
      const int count = static_cast<int>((w >> 40) & 0xffff);
      // Operands are read before the destination is written: the builder may reuse an operand's register.
      const int64_t a = has_a ? regs[ra * step] : 0;
      const int64_t b = has_b ? regs[rb * step] : 0;
      const bool na = ((nulls >> ra) & 1) != 0;
      const bool nb = ((nulls >> rb) & 1) != 0;
      // A DECIMAL128 value occupies registers r (low word, and r's null flag) and r + 1 (high word).
      // IF's type is its branches' (its operand a is the BOOL8 condition).
      const bool wide = WIDE && t == T_DEC128;
      const int64_t a_hi = wide && has_a && op != OP_IF ? regs[(ra + 1) * step] : 0;
      const int64_t b_hi = wide && has_b && op != OP_IF ? regs[(rb + 1) * step] : 0;
      int64_t v = 0;
      int64_t v_hi = 0;
      bool wide_result = false;
      bool null = na || nb;
      pc += 1;
      switch (op) {
        case OP_INPUT: {
          const int64_t column = static_cast<int64_t>(static_cast<uint64_t>(w) >> 32);
          const uint8_t* validity = reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(columns[2 * column + 1]));
          null = !live || !ember_is_valid(validity, i);
          v = null ? 0 : load(t, columns, column, i);
          v_hi = null || !wide ? 0 : load_high(columns, column, i);
          wide_result = wide;
          break;
        }
        case OP_LITERAL:
          v = __ldg(program + pc);
          null = false;
          pc += 1;
          if (wide) {
            v_hi = __ldg(program + pc);
            pc += 1;
          }
          wide_result = wide;
          break;
        case OP_NULL:
          null = true;
          wide_result = wide;
          break;
        case OP_OUTPUT: {
          const int64_t column = num_inputs + count;
          const bool valid = live && !na;
          if (live && wide) {
            store_wide(columns, column, i, valid ? a : 0, valid ? a_hi : 0);
          } else if (live) {
            store(t, columns, column, i, valid ? a : 0);
          }
          const uint32_t word = __ballot_sync(0xffffffffu, valid);
          if ((threadIdx.x & 31) == 0) {
            reinterpret_cast<uint32_t*>(static_cast<uintptr_t>(columns[2 * column + 1]))[i >> 5] = word;
          }
          continue;  // no destination register
        }
        case OP_ADD:
        case OP_SUBTRACT:
        case OP_MULTIPLY:
        case OP_DIVIDE:
        case OP_INTEGRAL_DIVIDE:
        case OP_REMAINDER:
        case OP_PMOD:
          if (wide && (op == OP_REMAINDER || op == OP_PMOD)) {
            wide_result = true;
            if (!null) {
              const ember_dec::Result128 r = remainder_value(op == OP_PMOD, wide_of(a, a_hi), wide_of(b, b_hi));
              null = !r.valid;
              v = low_word(r.value);
              v_hi = high_word(r.value);
            }
          } else if (wide) {
            const int64_t params = __ldg(program + pc);
            pc += 1;
            wide_result = true;
            const int kind = op == OP_ADD ? ember_dec::kAdd : op == OP_SUBTRACT ? ember_dec::kSubtract
                           : op == OP_MULTIPLY ? ember_dec::kMultiply : ember_dec::kDivide;
            if (!null) {
              const ember_dec::Result128 r = ember_dec::arithmetic128(
                  kind, wide_of(a, a_hi), wide_of(b, b_hi), static_cast<int>(params & 0xff),
                  static_cast<int>((params >> 8) & 0xff), static_cast<int>((params >> 16) & 0xff),
                  static_cast<int>((params >> 24) & 0xff));
              null = !r.valid;
              v = low_word(r.value);
              v_hi = high_word(r.value);
            }
          } else if (!null) {
            v = arithmetic(op, t, a, b, null);
          }
          break;
        case OP_NEGATE:
          null = na;
          if (t == T_F32) v = word_f32(-f32_of(a));
          else if (t == T_F64) v = word_f64(-f64_of(a));
          else if (wide) {
            const ember_dec::u128 r = ~wide_of(a, a_hi) + 1;
            v = low_word(r);
            v_hi = high_word(r);
            wide_result = true;
          }
          else v = narrow(t, wrapping_sub(0, a));
          break;
        case OP_ABS:
          null = na;
          if (t == T_F32) v = word_f32(fabsf(f32_of(a)));
          else if (t == T_F64) v = word_f64(fabs(f64_of(a)));
          else if (wide) {
            const ember_dec::u128 r = a_hi < 0 ? ~wide_of(a, a_hi) + 1 : wide_of(a, a_hi);
            v = low_word(r);
            v_hi = high_word(r);
            wide_result = true;
          }
          else v = narrow(t, a < 0 ? wrapping_sub(0, a) : a);
          break;
        case OP_EQUAL:
        case OP_LESS_THAN:
        case OP_LESS_OR_EQUAL:
        case OP_GREATER_THAN:
        case OP_GREATER_OR_EQUAL:
        case OP_NOT_EQUAL: {
          const int c = wide ? compare_wide(a, a_hi, b, b_hi) : compare_values(t, a, b);
          const bool r = op == OP_EQUAL ? c == 0 : op == OP_LESS_THAN ? c < 0 : op == OP_LESS_OR_EQUAL ? c <= 0
                       : op == OP_GREATER_THAN ? c > 0 : op == OP_GREATER_OR_EQUAL ? c >= 0 : c != 0;
          v = r ? 1 : 0;
          break;
        }
        case OP_NULL_SAFE_EQUAL:
          v = (na && nb) || (!na && !nb && (wide ? compare_wide(a, a_hi, b, b_hi) : compare_values(t, a, b)) == 0)
                  ? 1 : 0;
          null = false;
          break;
        case OP_AND:
          if ((!na && a == 0) || (!nb && b == 0)) {
            null = false;
            v = 0;
          } else {
            v = 1;
          }
          break;
        case OP_OR:
          if ((!na && a != 0) || (!nb && b != 0)) {
            null = false;
            v = 1;
          } else {
            v = 0;
          }
          break;
        case OP_NOT:
          null = na;
          v = a == 0 ? 1 : 0;
          break;
        case OP_IS_NULL:
          null = false;
          v = na ? 1 : 0;
          break;
        case OP_IS_NOT_NULL:
          null = false;
          v = na ? 0 : 1;
          break;
        case OP_IS_NAN: {
          const bool nan = t == T_F32 ? f32_of(a) != f32_of(a) : f64_of(a) != f64_of(a);
          null = false;
          v = !na && nan ? 1 : 0;
          break;
        }
        case OP_CAST:
          null = na;
          if (WIDE && (t == T_DEC128 || aux == T_DEC128)) {
            v = cast_wide(t, aux, a, a_hi, __ldg(program + pc), v_hi, null);
            wide_result = aux == T_DEC128;
            pc += 1;
          } else if (t == T_DEC64 || aux == T_DEC64) {
            v = cast_decimal(t, aux, a, __ldg(program + pc), null);
            pc += 1;
          } else {
            v = cast_value(t, aux, a);
          }
          break;
        case OP_MAKE_DECIMAL:
          null = na || !fits_precision(a, aux);
          v = a;
          break;
        case OP_UNSCALED_VALUE:
          null = na;
          v = a;
          break;
        case OP_IF: {
          const bool take_b = !na && a != 0;
          const int chosen = take_b ? rb : rc;
          v = regs[chosen * step];
          v_hi = wide ? regs[(chosen + 1) * step] : 0;
          wide_result = wide;
          null = ((nulls >> chosen) & 1) != 0;
          break;
        }
        case OP_COALESCE:
          null = true;
          for (int k = 0; k < count; k++) {
            const int r = static_cast<int>(__ldg(program + pc + k));
            if (null && ((nulls >> r) & 1) == 0) {
              null = false;
              v = regs[r * step];
              v_hi = wide ? regs[(r + 1) * step] : 0;
            }
          }
          pc += count;
          wide_result = wide;
          break;
        case OP_IN: {
          null = na;
          bool found = false;
          if (!na) {
            if (wide) {
              for (int k = 0; k + 1 < count; k += 2) {
                found = found || compare_wide(a, a_hi, __ldg(program + pc + k), __ldg(program + pc + k + 1)) == 0;
              }
            } else {
              for (int k = 0; k < count; k++) {
                found = found || compare_values(t, a, __ldg(program + pc + k)) == 0;
              }
            }
          }
          if (!na && !found && aux != 0) null = true;
          v = !na && found ? 1 : 0;
          pc += count;
          break;
        }
        case OP_YEAR:
        case OP_MONTH:
        case OP_DAY_OF_MONTH:
          null = na;
          v = date_part(op, a);
          break;
        case OP_DAY_OF_WEEK:
        case OP_WEEKDAY:
        case OP_DAY_OF_YEAR:
        case OP_QUARTER:
        case OP_WEEK_OF_YEAR:
        case OP_LAST_DAY:
          null = na;
          v = null ? 0 : date_field(op, a);
          break;
        case OP_FLOOR:
        case OP_CEIL:
        case OP_SIGNUM:
        case OP_SQRT:
          null = na;
          v = null ? 0 : math_unary(op, t, aux, a);
          break;
        case OP_BIT_NOT:
          null = na;
          v = null ? 0 : bitwise(op, t, a, 0);
          break;
        case OP_BIT_AND:
        case OP_BIT_OR:
        case OP_BIT_XOR:
        case OP_SHIFT_LEFT:
        case OP_SHIFT_RIGHT:
        case OP_SHIFT_RIGHT_UNSIGNED:
          v = null ? 0 : bitwise(op, t, a, b);
          break;
        case OP_ROUND: {
          const int64_t params = __ldg(program + pc);
          pc += 1;
          null = na;
          wide_result = wide;
          if (!null) {
            const ember_dec::Result128 r = round_value(wide ? wide_of(a, a_hi) : wide_of(a, a < 0 ? -1 : 0), params);
            null = !r.valid;
            v = narrow(t, low_word(r.value));
            v_hi = high_word(r.value);
          }
          break;
        }
        case OP_DATE_ADD:
          v = narrow(T_I32, wrapping_add(a, b));
          break;
        case OP_DATE_SUB:
        case OP_DATE_DIFF:
          v = narrow(T_I32, wrapping_sub(a, b));
          break;
        case OP_TIMESTAMP_TO_DATE:
        case OP_DATE_TO_TIMESTAMP:
        case OP_HOUR:
        case OP_MINUTE:
        case OP_SECOND:
        case OP_TIMESTAMP_TO_SECONDS:
        case OP_TIMESTAMP_TO_DOUBLE:
        case OP_SECONDS_TO_TIMESTAMP:
        case OP_DOUBLE_TO_TIMESTAMP:
        case OP_TRUNC_TIMESTAMP:
        case OP_TRUNC_DATE:
        case OP_ADD_MONTHS:
        case OP_MAKE_DATE: {
          // ADD_MONTHS reads a and b, MAKE_DATE a, b and c, the others a.
          const bool binary = op == OP_ADD_MONTHS || op == OP_MAKE_DATE;
          null = na || (binary && nb) || (op == OP_MAKE_DATE && ((nulls >> rc) & 1) != 0);
          const bool zoned = carries_zone_table(op);
          if (!null) {
            const int64_t* table = zoned ? program + __ldg(program + pc) : program;
            const TimestampResult r = timestamp_op(op, aux, a, b, op == OP_MAKE_DATE ? regs[rc * step] : 0, table);
            v = r.value;
            null = r.null;
          }
          if (zoned) pc += 1;
          break;
        }
        case OP_TIMESTAMP_TO_MICROS:
          null = na;
          v = a;
          break;
        case OP_ZONE_TABLE:
          pc += count;
          continue;  // data of the instructions that name it
        default:
          null = true;  // the builder emits no other opcode
          break;
      }
      if (null) {
        v = 0;
        v_hi = 0;
      }
      regs[dst * step] = v;
      if (wide_result) regs[(dst + 1) * step] = v_hi;
      nulls = (nulls & ~(1ull << dst)) | (static_cast<uint64_t>(null ? 1 : 0) << dst);
    }
  }
}

}  // namespace

extern "C" __global__ void ember_eval_program(const int64_t* __restrict__ program, int32_t words,
                                              const int64_t* __restrict__ columns, int32_t num_inputs, int64_t n) {
  extern __shared__ int64_t ember_register_file[];
  eval_program<false>(program, words, columns, num_inputs, n, ember_register_file);
}

extern "C" __global__ void ember_eval_program_dec128(const int64_t* __restrict__ program, int32_t words,
                                                     const int64_t* __restrict__ columns, int32_t num_inputs,
                                                     int64_t n) {
  extern __shared__ int64_t ember_register_file[];
  eval_program<true>(program, words, columns, num_inputs, n, ember_register_file);
}
