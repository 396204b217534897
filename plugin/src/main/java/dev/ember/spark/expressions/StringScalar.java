package dev.ember.spark.expressions;

import java.util.Arrays;

/**
 * A translation handle for a constant string: its UTF-8 bytes, or null for a null string. String
 * constants are operands of pre-stage column operations, never program registers.
 */
public record StringScalar(byte[] utf8) {
    public static final StringScalar NULL = new StringScalar(null);

    public boolean isNull() {
        return utf8 == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StringScalar s && Arrays.equals(utf8, s.utf8);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(utf8);
    }

    @Override
    public String toString() {
        return utf8 == null ? "StringScalar[null]" : "StringScalar[" + utf8.length + " bytes]";
    }
}
