package dev.ember.cuda.expr;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A time zone's UTC offsets as the program words the time-zone-aware instructions carry (their
 * trailing words, see {@link ProgramEncoding}), derived from {@link ZoneRules} so that the kernel gives
 * {@code ZoneRules.getOffset(Instant)} and {@code ZonedDateTime.of(LocalDateTime, zone)} for every
 * instant, not only those in a listed range.
 *
 * <p>Layout: word 0 the number n of transitions; word 1 the start {@code A} (epoch seconds) of the
 * periodic part, or {@link Long#MAX_VALUE} when the zone has none; word 2 the offset (seconds) before
 * the first transition; then n words, one per transition in instant order: {@code (epochSecond << 20)
 * | (offsetAfterSeconds & 0xfffff)} (the offset is a signed 20-bit field; |offset| is at most 18 hours).
 *
 * <p>Why the table is exact everywhere: after its last listed transition a zone follows recurring
 * {@link java.time.zone.ZoneOffsetTransitionRule}s (month, day-of-month or weekday rule, time of day,
 * offsets). The proleptic Gregorian calendar repeats every 400 years ({@value #PERIOD_SECONDS}
 * seconds, 146097 days, a whole number of weeks), so those rules put the transitions of year Y + 400
 * exactly {@code PERIOD_SECONDS} after those of year Y. {@code A} is January 1st (UTC) of the third year after
 * the year of the last listed transition, and the table holds every transition up to 400 years and some days past
 * {@code A}; an instant {@code t >= A} has the offset of {@code A + floorMod(t - A, PERIOD_SECONDS)},
 * and a local time {@code l >= A + 2 days} resolves as {@code l - k * PERIOD_SECONDS} does, shifted back
 * by {@code k * PERIOD_SECONDS}. Before the first transition the zone has its first offset.
 */
public final class ZoneTable {
    /** 400 Gregorian years in seconds. */
    public static final long PERIOD_SECONDS = 146097L * 86400L;
    /** Words before the transitions. */
    public static final int HEADER_WORDS = 3;
    /** The margin (seconds) between A and the local times reduced by whole periods. */
    public static final long LOCAL_MARGIN_SECONDS = 2 * 86400L;

    private static final ConcurrentHashMap<ZoneId, ZoneTable> CACHE = new ConcurrentHashMap<>();

    private final ZoneId zone;
    private final long[] words;

    private ZoneTable(ZoneId zone, long[] words) {
        this.zone = zone;
        this.words = words;
    }

    /** The table of {@code zone}, built once per zone. */
    public static ZoneTable of(ZoneId zone) {
        requireNonNull(zone, "zone is null");
        return CACHE.computeIfAbsent(zone.normalized(), ZoneTable::build);
    }

    public ZoneId zone() {
        return zone;
    }

    /** The program words (a copy). */
    public long[] words() {
        return words.clone();
    }

    /** The number of words. */
    public int size() {
        return words.length;
    }

    private static ZoneTable build(ZoneId zone) {
        ZoneRules rules = zone.getRules();
        List<ZoneOffsetTransition> transitions = new ArrayList<>(rules.getTransitions());
        long periodStart = Long.MAX_VALUE;
        if (!rules.getTransitionRules().isEmpty()) {
            Instant last = transitions.isEmpty() ? Instant.EPOCH : transitions.get(transitions.size() - 1).getInstant();
            int lastYear = LocalDate.ofInstant(last, ZoneOffset.UTC).getYear();
            periodStart = LocalDate.of(lastYear + 3, 1, 1).toEpochDay() * 86400L;
            long end = periodStart + PERIOD_SECONDS + 4 * 86400L;
            Instant cursor = last;
            while (true) {
                ZoneOffsetTransition next = rules.nextTransition(cursor);
                if (next == null || next.toEpochSecond() > end) {
                    break;
                }
                transitions.add(next);
                cursor = next.getInstant();
            }
        }
        long[] w = new long[HEADER_WORDS + transitions.size()];
        w[0] = transitions.size();
        w[1] = periodStart;
        w[2] = transitions.isEmpty() ? rules.getOffset(Instant.EPOCH).getTotalSeconds()
                : transitions.get(0).getOffsetBefore().getTotalSeconds();
        for (int i = 0; i < transitions.size(); i++) {
            ZoneOffsetTransition t = transitions.get(i);
            w[HEADER_WORDS + i] = pack(t.toEpochSecond(), t.getOffsetAfter().getTotalSeconds());
        }
        return new ZoneTable(zone, w);
    }

    /** One transition word. */
    public static long pack(long epochSecond, int offsetAfterSeconds) {
        return epochSecond << 20 | (offsetAfterSeconds & 0xfffffL);
    }

    /** A transition word's instant (epoch seconds). */
    public static long instantOf(long word) {
        return word >> 20;
    }

    /** A transition word's offset after the transition (seconds). */
    public static int offsetOf(long word) {
        return (int) (word << 44 >> 44);
    }

    @Override
    public String toString() {
        return "ZoneTable[" + zone + ", " + words[0] + " transitions, period start " + words[1] + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZoneTable z && z.zone.equals(zone) && Arrays.equals(z.words, words);
    }

    @Override
    public int hashCode() {
        return zone.hashCode();
    }
}
