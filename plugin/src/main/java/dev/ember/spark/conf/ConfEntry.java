package dev.ember.spark.conf;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.spark.network.util.JavaUtils;

/**
 * One Ember setting, declared once: key, type, default, documentation, whether it is read only at
 * start-up, and (for enumerations) the allowed values. {@link #parse} turns a user's string into the
 * typed value or fails with a message naming the key, the value and what is allowed.
 *
 * @param <T> the value type
 */
public final class ConfEntry<T> {
    /** What a setting's value looks like, for parsing and for the generated documentation. */
    private record Type<T>(String name, Function<String, T> parser, Function<T, String> printer) {}

    private final String key;
    private final Type<T> type;
    private final T defaultValue;
    private final String doc;
    private final boolean startupOnly;
    private final List<String> allowed;

    private ConfEntry(String key, Type<T> type, T defaultValue, String doc, boolean startupOnly, List<String> allowed) {
        this.key = requireNonNull(key, "key is null");
        this.type = type;
        this.defaultValue = requireNonNull(defaultValue, "defaultValue is null");
        this.doc = requireNonNull(doc, "doc is null");
        this.startupOnly = startupOnly;
        this.allowed = List.copyOf(allowed);
    }

    /** A true/false setting. */
    public static ConfEntry<Boolean> bool(String key, boolean defaultValue, boolean startupOnly, String doc) {
        return new ConfEntry<>(key, new Type<>("boolean", ConfEntry::parseBoolean, String::valueOf), defaultValue, doc,
                startupOnly, List.of("true", "false"));
    }

    /** A number of bytes, written plainly ({@code 268435456}) or with a unit ({@code 256m}, {@code 1g}); at least {@code min}. */
    public static ConfEntry<Long> bytes(String key, long defaultValue, long min, boolean startupOnly, String doc) {
        Function<String, Long> parser = s -> {
            long v = JavaUtils.byteStringAsBytes(s.trim());
            if (v < min) {
                throw new IllegalArgumentException("must be at least " + min + " bytes");
            }
            return v;
        };
        return new ConfEntry<>(key, new Type<>("bytes", parser, String::valueOf), defaultValue, doc, startupOnly, List.of());
    }

    /** A whole number of at least {@code min}. */
    public static ConfEntry<Integer> integer(String key, int defaultValue, int min, boolean startupOnly, String doc) {
        Function<String, Integer> parser = s -> {
            int v = Integer.parseInt(s.trim());
            if (v < min) {
                throw new IllegalArgumentException("must be at least " + min);
            }
            return v;
        };
        return new ConfEntry<>(key, new Type<>("int", parser, String::valueOf), defaultValue, doc, startupOnly, List.of());
    }

    /** One of {@code values}, each written as {@code name} gives it (matched case-insensitively). */
    public static <E extends Enum<E>> ConfEntry<E> oneOf(String key, Class<E> values, Function<E, String> name,
            E defaultValue, boolean startupOnly, String doc) {
        List<String> names = java.util.Arrays.stream(values.getEnumConstants()).map(name).toList();
        Function<String, E> parser = s -> {
            for (E e : values.getEnumConstants()) {
                if (name.apply(e).equalsIgnoreCase(s.trim())) {
                    return e;
                }
            }
            throw new IllegalArgumentException("not one of the allowed values");
        };
        return new ConfEntry<>(key, new Type<>("enum", parser, name), defaultValue, doc, startupOnly, names);
    }

    private static Boolean parseBoolean(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean");
    }

    public String key() {
        return key;
    }

    public String doc() {
        return doc;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String defaultString() {
        return type.printer().apply(defaultValue);
    }

    /** Whether the setting is read once when the plugin starts (else: at each query's planning). */
    public boolean isStartupOnly() {
        return startupOnly;
    }

    /** The allowed values of an enumeration or boolean; empty for free-form settings. */
    public List<String> allowedValues() {
        return allowed;
    }

    /** The type's name as shown in the documentation: boolean, bytes, int or enum. */
    public String typeName() {
        return type.name();
    }

    /**
     * The typed value of {@code raw}, or the default when {@code raw} is null.
     *
     * @throws IllegalArgumentException naming the key, the value and what is allowed
     */
    public T parse(String raw) {
        if (raw == null) {
            return defaultValue;
        }
        try {
            return type.parser().apply(raw);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Invalid value '" + raw + "' for " + key + " (" + e.getMessage()
                    + "): " + allowedDescription(), e);
        }
    }

    private String allowedDescription() {
        if (!allowed.isEmpty()) {
            return "allowed values are " + String.join(", ", allowed);
        }
        return switch (type.name()) {
            case "bytes" -> "use a number of bytes, optionally with a unit (k, m, g), e.g. " + defaultString();
            case "int" -> "use a whole number, e.g. " + defaultString();
            default -> "e.g. " + defaultString();
        };
    }

    /** The value found by {@code lookup} (which returns null for unset keys), or the default. */
    public T read(Function<String, String> lookup) {
        return parse(lookup.apply(key));
    }

    @Override
    public String toString() {
        return key + "=" + defaultString();
    }
}
