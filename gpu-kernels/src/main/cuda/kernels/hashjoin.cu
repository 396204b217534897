// Hash join: a table of the build side's distinct keys, each with the list of its build rows laid
// out contiguously (a CSR layout), probed by the rows of the probe (stream) side in two passes: the
// matches per probe row, then, after an exclusive prefix sum of those counts, the gather maps of
// (probe row, build row) pairs, one output range at a time.
//
// Keys are compared through key descriptors of ember_keys.cuh (four int64 words per key column) and
// hashed with Spark's Murmur3 (hash.cu: equal keys, -0.0/0.0 and NaNs included, have equal hashes,
// so rows with different hashes are never compared key by key). The build and probe descriptors
// have the same number of columns with the same kinds. Rows whose bit in `row_valid` is 0 (the AND
// of the validity of the key columns that are not null-safe; 0 pointer: every row qualifies) take no
// part in matching: a null key without <=> equals nothing. Nulls in null-safe columns compare equal.
//
// The table: `capacity` int32 slots (a power of two, larger than the build row count so that a
// free slot always exists), each EMPTY (-1) or the build row that first claimed it for its key;
// slot_count[s] is the number of build rows with that key, and after ember_hashjoin_place the rows
// of slot s are rows[slot_end[s] - slot_count[s], slot_end[s]). One slot per distinct key (rather
// than one per build row) keeps probe chains short when keys repeat, makes the match count of a probe
// row one read, and lets any match of a probe row be addressed directly, so the fill can split a
// probe row's matches over output chunks. Which slot a key lands in and the order of the rows within
// a key depend on the thread order; which rows share a key, the counts and the multiset of output
// pairs do not.
//
// ember_hashjoin_build(int32_t* slots, int32_t* slot_count, int32_t* row_slot, const int32_t* hashes,
//                      const int64_t* keys, int32_t num_keys, const uint8_t* row_valid,
//                      int64_t capacity, int64_t n)
//   slots: EMPTY before; slot_count: 0 before; capacity a power of two in (n, 2^31]; n <= 2^31 - 1.
//   For each build row i with row_valid: linear probing from hashes[i] & (capacity - 1); a slot whose
//   row has equal hash and keys is i's slot, an EMPTY one is claimed with atomicCAS(EMPTY -> i) (a
//   lost CAS re-reads the slot and compares); row_slot[i] = the slot, slot_count[slot] += 1 (atomic).
//   Rows without row_valid get row_slot[i] = -1 and are in no slot.
//
// ember_hashjoin_place(int32_t* rows, int32_t* slot_end, const int32_t* row_slot, int64_t n)
//   slot_end: before, the exclusive prefix sum of slot_count (each slot's first position in rows);
//   after, each slot's end. rows: at least (the rows with row_slot >= 0) entries. Each row i with
//   row_slot[i] = s >= 0 is written at rows[atomicAdd(&slot_end[s], 1)].
//
// ember_hashjoin_count(int32_t* match_slot, int32_t* counts, const int32_t* hashes, const int64_t* keys,
//                      const uint8_t* row_valid, const int32_t* slots, const int32_t* slot_count,
//                      const int32_t* build_hashes, const int64_t* build_keys, int32_t num_keys,
//                      int64_t capacity, int32_t outer, int64_t n)
//   For each probe row i: match_slot[i] = the slot of the build key equal to row i's key, or -1 (no
//   such key, or row i without row_valid); counts[i] = slot_count of that slot, or 0. With outer != 0,
//   a count of 0 becomes 1 (the row's one output pair, with no build row: LEFT/FULL OUTER).
//
// ember_hashjoin_fill(int32_t* out_probe, int32_t* out_build, int8_t* build_unmatched,
//                     const int64_t* offsets, const int32_t* match_slot, const int32_t* slot_end,
//                     const int32_t* slot_count, const int32_t* rows, int64_t probe_rows,
//                     int64_t out_begin, int64_t out_count)
//   offsets: the exclusive prefix sum (int64) of count's counts over probe_rows >= 1 rows; output
//   pairs j in [out_begin, out_begin + out_count), all below the total. Pair j belongs to the probe row
//   i with offsets[i] <= j < offsets[i + 1] (found by binary search: the last i with offsets[i] <= j),
//   and is its match k = j - offsets[i]: out_probe[j - out_begin] = i, out_build[j - out_begin] = the
//   k-th row of match_slot[i]'s list, or -1 when match_slot[i] < 0 (an outer row without match). One
//   thread per output pair: a key with many matches spreads over many threads, and writes coalesce.
//   build_unmatched (0: not written) gets 0 at every build row written.
//
// ember_hashjoin_select(int8_t* flags, const int32_t* counts, const uint8_t* validity,
//                       int32_t want_match, int64_t n)
//   flags[i] = 1 when (counts[i] != 0) == (want_match != 0) and row i is valid in validity (0: all
//   valid), else 0: semi (want_match 1) and anti (0) rows, by counts or by survivor flags.
//
// ember_hashjoin_mark(int32_t* probe_matched, int8_t* build_unmatched, const int32_t* pair_probe,
//                     const int32_t* pair_build, const int8_t* mask, const uint8_t* mask_validity,
//                     int64_t n)
//   For each pair p whose mask byte is non-zero and valid (mask_validity 0: all valid):
//   probe_matched[pair_probe[p]] = 1 (when probe_matched is not 0) and, when build_unmatched is not 0
//   and pair_build[p] >= 0, build_unmatched[pair_build[p]] = 0. Concurrent threads store equal values,
//   so the result does not depend on their order.
#include "ember.cuh"
#include "ember_keys.cuh"

namespace {

constexpr int32_t EMPTY = -1;

}  // namespace

extern "C" __global__ void ember_hashjoin_build(int32_t* slots, int32_t* slot_count, int32_t* row_slot,
                                                const int32_t* hashes, const int64_t* keys, int32_t num_keys,
                                                const uint8_t* row_valid, int64_t capacity, int64_t n) {
  const uint64_t mask = static_cast<uint64_t>(capacity) - 1;
  EMBER_GRID_STRIDE(i, n) {
    int64_t found = -1;
    if (ember_is_valid(row_valid, i)) {
      const int32_t hash = hashes[i];
      uint64_t slot = static_cast<uint64_t>(static_cast<uint32_t>(hash)) & mask;
      for (int64_t probe = 0; probe < capacity; probe++) {
        // A claimed slot never changes again, so a stale EMPTY is the only stale value: the CAS corrects it.
        int32_t cur = *reinterpret_cast<volatile int32_t*>(&slots[slot]);
        if (cur == EMPTY) {
          cur = atomicCAS(&slots[slot], EMPTY, static_cast<int32_t>(i));
          if (cur == EMPTY) {
            found = static_cast<int64_t>(slot);
            break;
          }
        }
        if (hashes[cur] == hash && ember_keys_equal(keys, cur, keys, i, num_keys)) {
          found = static_cast<int64_t>(slot);
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (found >= 0) atomicAdd(&slot_count[found], 1);
    }
    row_slot[i] = static_cast<int32_t>(found);
  }
}

extern "C" __global__ void ember_hashjoin_place(int32_t* rows, int32_t* slot_end, const int32_t* row_slot,
                                                int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    const int32_t s = row_slot[i];
    if (s >= 0) rows[atomicAdd(&slot_end[s], 1)] = static_cast<int32_t>(i);
  }
}

extern "C" __global__ void ember_hashjoin_count(int32_t* match_slot, int32_t* counts, const int32_t* hashes,
                                                const int64_t* keys, const uint8_t* row_valid, const int32_t* slots,
                                                const int32_t* slot_count, const int32_t* build_hashes,
                                                const int64_t* build_keys, int32_t num_keys, int64_t capacity,
                                                int32_t outer, int64_t n) {
  const uint64_t mask = static_cast<uint64_t>(capacity) - 1;
  EMBER_GRID_STRIDE(i, n) {
    int32_t found = -1;
    int32_t count = 0;
    if (ember_is_valid(row_valid, i)) {
      const int32_t hash = hashes[i];
      uint64_t slot = static_cast<uint64_t>(static_cast<uint32_t>(hash)) & mask;
      for (int64_t probe = 0; probe < capacity; probe++) {
        const int32_t cur = slots[slot];
        if (cur == EMPTY) break;
        if (build_hashes[cur] == hash && ember_keys_equal(build_keys, cur, keys, i, num_keys)) {
          found = static_cast<int32_t>(slot);
          count = slot_count[slot];
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    match_slot[i] = found;
    counts[i] = (outer != 0 && count == 0) ? 1 : count;
  }
}

extern "C" __global__ void ember_hashjoin_fill(int32_t* out_probe, int32_t* out_build, int8_t* build_unmatched,
                                               const int64_t* offsets, const int32_t* match_slot,
                                               const int32_t* slot_end, const int32_t* slot_count,
                                               const int32_t* rows, int64_t probe_rows, int64_t out_begin,
                                               int64_t out_count) {
  EMBER_GRID_STRIDE(t, out_count) {
    const int64_t j = out_begin + t;
    // offsets[0] == 0 <= j: the answer is in [lo, hi).
    int64_t lo = 0;
    int64_t hi = probe_rows;
    while (hi - lo > 1) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (offsets[mid] <= j) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    const int32_t s = match_slot[lo];
    int32_t build = -1;
    if (s >= 0) {
      const int64_t k = j - offsets[lo];
      build = rows[static_cast<int64_t>(slot_end[s]) - slot_count[s] + k];
      if (build_unmatched != nullptr) build_unmatched[build] = 0;
    }
    out_probe[t] = static_cast<int32_t>(lo);
    out_build[t] = build;
  }
}

extern "C" __global__ void ember_hashjoin_select(int8_t* flags, const int32_t* counts, const uint8_t* validity,
                                                 int32_t want_match, int64_t n) {
  EMBER_GRID_STRIDE(i, n) {
    flags[i] = ((counts[i] != 0) == (want_match != 0)) && ember_is_valid(validity, i) ? 1 : 0;
  }
}

extern "C" __global__ void ember_hashjoin_mark(int32_t* probe_matched, int8_t* build_unmatched,
                                               const int32_t* pair_probe, const int32_t* pair_build,
                                               const int8_t* mask, const uint8_t* mask_validity, int64_t n) {
  EMBER_GRID_STRIDE(p, n) {
    if (mask[p] != 0 && ember_is_valid(mask_validity, p)) {
      if (probe_matched != nullptr) probe_matched[pair_probe[p]] = 1;
      const int32_t b = pair_build[p];
      if (build_unmatched != nullptr && b >= 0) build_unmatched[b] = 0;
    }
  }
}
