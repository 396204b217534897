package dev.ember.cuda.ops;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Spark 3.5's Cast(string AS DOUBLE / FLOAT) of one decoded value with ANSI off, on the host:
 * {@code Double.parseDouble} / {@code Float.parseFloat} ({@code StringOps.toDouble/toFloat}), and on
 * NumberFormatException {@code Cast.processFloatingPointSpecialLiterals}; null where Spark gives null.
 */
public final class SparkFloatParsing {
    private SparkFloatParsing() {}

    /** Cast(string AS DOUBLE) of a decoded value, or null. */
    public static Double toDouble(String text) {
        requireNonNull(text, "text is null");
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return special(text, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN);
        }
    }

    /** Cast(string AS FLOAT) of a decoded value, or null. */
    public static Float toFloat(String text) {
        requireNonNull(text, "text is null");
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            return special(text, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN);
        }
    }

    private static <T> T special(String text, T positive, T negative, T nan) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity" -> positive;
            case "-inf", "-infinity" -> negative;
            case "nan" -> nan;
            default -> null;
        };
    }
}
