package dev.ember.bench;

import java.util.SplittableRandom;

/**
 * INT64 join keys for the hash join benchmarks: {@code build} holds distinct keys (a primary key),
 * {@code probe} keys drawn uniformly from the build keys, except a fraction {@code missFraction} of
 * keys that are in no build row. {@code matches} is the number of probe rows with a match, which is
 * also the inner join's pair count (every build key is unique).
 *
 * <p>Key i of the build side is {@code i * 0x9E3779B97F4A7C15}: multiplication by an odd constant is a
 * bijection of the int64 range, so the keys are spread over it (not consecutive) and every index
 * outside {@code [0, buildRows)} gives a key that misses.
 */
record JoinKeys(long[] build, long[] probe, long matches) {
    private static final long SPREAD = 0x9E3779B97F4A7C15L;

    static JoinKeys generate(int buildRows, int probeRows, double missFraction, long seed) {
        if (buildRows < 1 || probeRows < 0) {
            throw new IllegalArgumentException("a join needs at least one build row and no negative probe count, got "
                    + buildRows + " build and " + probeRows + " probe rows");
        }
        if (!(missFraction >= 0 && missFraction <= 1)) {
            throw new IllegalArgumentException("missFraction must be in [0, 1], got " + missFraction);
        }
        long[] build = new long[buildRows];
        for (int i = 0; i < buildRows; i++) {
            build[i] = i * SPREAD;
        }
        SplittableRandom random = new SplittableRandom(seed);
        long[] probe = new long[probeRows];
        long matches = 0;
        for (int i = 0; i < probeRows; i++) {
            if (random.nextDouble() < missFraction) {
                probe[i] = (buildRows + (long) random.nextInt(Integer.MAX_VALUE)) * SPREAD;
            } else {
                probe[i] = random.nextInt(buildRows) * SPREAD;
                matches++;
            }
        }
        return new JoinKeys(build, probe, matches);
    }
}
