package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A SQL LIKE pattern compiled for {@code ember_str_like}, with Spark 3.5's rules
 * ({@code StringUtils.escapeLikeRegex}, which Spark turns into a {@code (?s)} regex): {@code _} matches
 * exactly one character (a code point, line breaks included), {@code %} any sequence of characters,
 * the escape character makes the next {@code _}, {@code %} or escape character literal; the escape
 * character before anything else, or at the end, makes Spark reject the pattern, and {@link #parse}
 * throws {@link IllegalArgumentException} with Spark's message so the planner keeps the expression on
 * the CPU (where Spark raises its error). Patterns with an unpaired surrogate are rejected as well.
 *
 * <p>The program is int32 pairs (kind, bytes): kind 1..4 is a literal code point whose UTF-8 bytes
 * are the low {@code kind} bytes of {@code bytes}, least significant first; 0 is {@code _}; -1 is
 * {@code %} (runs of {@code %} merged).
 */
public final class LikePattern {
    /** Which cheaper operation a pattern is equivalent to. */
    public enum Kind {
        /** No wildcard: the row equals the literal. */
        EQUALS,
        /** literal%: {@code startsWith}. {@code %} alone is STARTS_WITH "" (every non-null row). */
        STARTS_WITH,
        /** %literal: {@code endsWith}. */
        ENDS_WITH,
        /** %literal%: {@code contains}. */
        CONTAINS
    }

    /** A pattern equivalent to {@code kind} with this literal (UTF-8 bytes via {@link #utf8()}). */
    public record Simple(Kind kind, String literal) {
        public Simple {
            requireNonNull(kind, "kind is null");
            requireNonNull(literal, "literal is null");
        }

        public byte[] utf8() {
            return literal.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final int ANY_ONE = 0;
    private static final int ANY_SEQUENCE = -1;

    private final String pattern;
    /** Code points of literals, or ANY_ONE / ANY_SEQUENCE as negative markers -1 / -2. */
    private final int[] tokens;

    private LikePattern(String pattern, int[] tokens) {
        this.pattern = pattern;
        this.tokens = tokens;
    }

    /** Parses {@code pattern} with Spark's default escape character {@code \}. */
    public static LikePattern parse(String pattern) {
        return parse(pattern, '\\');
    }

    /**
     * Parses {@code pattern} with {@code escape} as Spark does.
     *
     * @throws IllegalArgumentException for patterns Spark rejects (message as Spark's) and for
     *     patterns with an unpaired surrogate (kept on the CPU)
     */
    public static LikePattern parse(String pattern, char escape) {
        requireNonNull(pattern, "pattern is null");
        List<Integer> out = new ArrayList<>();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i++);
            if (c == escape && i < pattern.length()) {
                char next = pattern.charAt(i++);
                if (next == '_' || next == '%' || next == escape) {
                    out.add((int) next);
                } else {
                    throw new IllegalArgumentException("[INVALID_FORMAT.ESC_IN_THE_MIDDLE] The format is invalid: '"
                            + pattern + "'. The escape character is not allowed to precede '" + next + "'.");
                }
            } else if (c == escape) {
                throw new IllegalArgumentException("[INVALID_FORMAT.ESC_AT_THE_END] The format is invalid: '"
                        + pattern + "'. The escape character is not allowed to end with.");
            } else if (c == '_') {
                out.add(-1);
            } else if (c == '%') {
                if (out.isEmpty() || out.get(out.size() - 1) != -2) {
                    out.add(-2);
                }
            } else if (Character.isHighSurrogate(c) && i < pattern.length()
                    && Character.isLowSurrogate(pattern.charAt(i))) {
                out.add(Character.toCodePoint(c, pattern.charAt(i++)));
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("the LIKE pattern '" + pattern
                        + "' has an unpaired surrogate character; such patterns are evaluated on the CPU");
            } else {
                out.add((int) c);
            }
        }
        return new LikePattern(pattern, out.stream().mapToInt(Integer::intValue).toArray());
    }

    public String pattern() {
        return pattern;
    }

    /** The number of tokens (pairs in {@link #program()}). */
    public int tokenCount() {
        return tokens.length;
    }

    /** The kernel program: {@code tokenCount()} (kind, bytes) pairs. */
    public int[] program() {
        int[] prog = new int[tokens.length * 2];
        for (int t = 0; t < tokens.length; t++) {
            int v = tokens[t];
            if (v == -1) {
                prog[2 * t] = ANY_ONE;
            } else if (v == -2) {
                prog[2 * t] = ANY_SEQUENCE;
            } else {
                byte[] utf8 = new String(Character.toChars(v)).getBytes(StandardCharsets.UTF_8);
                int packed = 0;
                for (int k = 0; k < utf8.length; k++) {
                    packed |= (utf8[k] & 0xff) << (8 * k);
                }
                prog[2 * t] = utf8.length;
                prog[2 * t + 1] = packed;
            }
        }
        return prog;
    }

    /**
     * The cheaper operation this pattern equals, when it is one: no {@code _}, and {@code %} only
     * at the ends. Empty otherwise (use {@code StringFunctions.like}).
     */
    public Optional<Simple> classify() {
        int from = 0;
        int to = tokens.length;
        boolean leading = to > 0 && tokens[0] == -2;
        if (leading) {
            from++;
        }
        boolean trailing = to > from && tokens[to - 1] == -2;
        if (trailing) {
            to--;
        }
        StringBuilder literal = new StringBuilder();
        for (int t = from; t < to; t++) {
            if (tokens[t] < 0) {
                return Optional.empty();
            }
            literal.appendCodePoint(tokens[t]);
        }
        Kind kind = leading && trailing ? Kind.CONTAINS : leading ? (to == from ? Kind.STARTS_WITH : Kind.ENDS_WITH)
                : trailing ? Kind.STARTS_WITH : Kind.EQUALS;
        return Optional.of(new Simple(kind, literal.toString()));
    }

    @Override
    public String toString() {
        return "LIKE '" + pattern + "'";
    }
}
