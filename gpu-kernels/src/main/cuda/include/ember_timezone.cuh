// Time zone offsets from a zone table (dev.ember.cuda.expr.ZoneTable, the trailing words of an expression
// program's time-zone-aware instruction), with java.time's rules:
//   word 0: n, the number of transitions; word 1: A, the start (epoch seconds) of the periodic part, or
//   INT64_MAX; word 2: the offset (seconds) before the first transition; words 3..3+n-1: one per
//   transition in instant order, (epochSecond << 20) | (offsetAfterSeconds & 0xfffff).
// After A the zone's offsets repeat every 400 Gregorian years (kZonePeriod seconds), and the table holds
// every transition to A + kZonePeriod plus four days, so instants and local times past it are reduced by
// whole periods: exact for every int64 second (ZoneTable.java says why).
#pragma once

#include <stdint.h>

namespace ember_tz {

constexpr int64_t kZonePeriod = 146097LL * 86400LL;
constexpr int64_t kLocalMargin = 2LL * 86400LL;
constexpr int kHeader = 3;

// How local_to_utc resolves a local time in a gap or an overlap.
enum : int {
  kEarlier = 0,      // ZonedDateTime.of: gap: shifted later by the gap; overlap: the earlier offset
  kStartOfDay = 1,   // LocalDate.atStartOfDay: gap: the gap's end (the transition instant); overlap: earlier
  kPreferred = 2     // ZonedDateTime.truncatedTo: overlap: the preferred offset when valid, else the earlier
};

__device__ __forceinline__ int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

__device__ __forceinline__ int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

__device__ __forceinline__ int64_t transition_instant(int64_t w) { return w >> 20; }
__device__ __forceinline__ int64_t transition_offset(int64_t w) {
  return static_cast<int64_t>(static_cast<uint64_t>(w) << 44) >> 44;
}

// The offset after transition k, or the initial offset for k < 0.
__device__ __forceinline__ int64_t offset_after(const int64_t* table, int64_t k) {
  return k < 0 ? __ldg(table + 2) : transition_offset(__ldg(table + kHeader + k));
}

// ZoneRules.getOffset(Instant.ofEpochSecond(s)) in seconds.
__device__ __forceinline__ int64_t offset_at(const int64_t* table, int64_t s) {
  const int64_t n = __ldg(table);
  const int64_t start = __ldg(table + 1);
  if (s >= start) s = start + floor_mod(s - start, kZonePeriod);
  // The last transition at or before s: lo ends as the count of transitions <= s.
  int64_t lo = 0, hi = n;
  while (lo < hi) {
    const int64_t mid = (lo + hi) >> 1;
    if (transition_instant(__ldg(table + kHeader + mid)) <= s) lo = mid + 1;
    else hi = mid;
  }
  return offset_after(table, lo - 1);
}

// The instant (epoch seconds) of local time `local` (seconds, the wall clock as if UTC) in the zone,
// resolved by `mode`; `preferred` is kPreferred's offset.
__device__ __forceinline__ int64_t local_to_utc(const int64_t* table, int64_t local, int mode, int64_t preferred) {
  const int64_t n = __ldg(table);
  const int64_t start = __ldg(table + 1);
  int64_t shift = 0;
  if (start != INT64_MAX && local >= start + kLocalMargin) {
    shift = floor_div(local - (start + kLocalMargin), kZonePeriod) * kZonePeriod;
    local -= shift;
  }
  // The last transition whose local start (instant + the smaller of its two offsets) is at or before local.
  int64_t lo = 0, hi = n;
  while (lo < hi) {
    const int64_t mid = (lo + hi) >> 1;
    const int64_t w = __ldg(table + kHeader + mid);
    const int64_t before = offset_after(table, mid - 1);
    const int64_t after = transition_offset(w);
    if (transition_instant(w) + (before < after ? before : after) <= local) lo = mid + 1;
    else hi = mid;
  }
  const int64_t k = lo - 1;
  if (k < 0) return local - __ldg(table + 2) + shift;
  const int64_t w = __ldg(table + kHeader + k);
  const int64_t before = offset_after(table, k - 1);
  const int64_t after = transition_offset(w);
  const int64_t t = transition_instant(w);
  if (local >= t + (before > after ? before : after)) return local - after + shift;
  if (after > before) return (mode == kStartOfDay ? t : local - before) + shift;  // gap
  return local - (mode == kPreferred && preferred == after ? after : before) + shift;  // overlap
}

}  // namespace ember_tz
