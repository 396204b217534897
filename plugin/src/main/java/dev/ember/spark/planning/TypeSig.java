package dev.ember.spark.planning;

import static java.util.Objects.requireNonNull;

import dev.ember.spark.columnar.SparkTypes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The Spark data types a rule accepts: a set of {@link Kind}s, each of which Ember must also be able to
 * hold on the device. {@link #check} explains a rejection in words.
 */
public final class TypeSig {
    /** The Spark types a rule can name. */
    public enum Kind {
        BOOLEAN("boolean"), BYTE("tinyint"), SHORT("smallint"), INT("int"), LONG("bigint"), FLOAT("float"),
        DOUBLE("double"), DATE("date"), TIMESTAMP("timestamp"), DECIMAL("decimal(<=38)"),
        /** Decimals of up to 18 digits (an unscaled int64 on the device), for operations limited to them. */
        DECIMAL64("decimal(<=18)"), STRING("string");

        private final String sqlName;

        Kind(String sqlName) {
            this.sqlName = sqlName;
        }

        public String sqlName() {
            return sqlName;
        }

        static Optional<Kind> of(DataType type) {
            if (type instanceof BooleanType) {
                return Optional.of(BOOLEAN);
            } else if (type instanceof ByteType) {
                return Optional.of(BYTE);
            } else if (type instanceof ShortType) {
                return Optional.of(SHORT);
            } else if (type instanceof IntegerType) {
                return Optional.of(INT);
            } else if (type instanceof LongType) {
                return Optional.of(LONG);
            } else if (type instanceof FloatType) {
                return Optional.of(FLOAT);
            } else if (type instanceof DoubleType) {
                return Optional.of(DOUBLE);
            } else if (type instanceof DateType) {
                return Optional.of(DATE);
            } else if (type instanceof TimestampType) {
                return Optional.of(TIMESTAMP);
            } else if (type instanceof DecimalType) {
                return Optional.of(DECIMAL);
            } else if (type instanceof StringType) {
                return Optional.of(STRING);
            }
            return Optional.empty();
        }
    }

    /** Every fixed-width type Ember's device columns hold (what expression programs and most rules accept). */
    public static final TypeSig ALL_FIXED_WIDTH = of(EnumSet.complementOf(EnumSet.of(Kind.STRING, Kind.DECIMAL64)));
    /** Every type Ember's device columns hold, strings included: for rules that move rows without computing on them. */
    public static final TypeSig ALL = of(EnumSet.complementOf(EnumSet.of(Kind.DECIMAL64)));
    /** No types at all (rules whose node has no typed values of its own). */
    public static final TypeSig NONE = of(EnumSet.noneOf(Kind.class));

    private final Set<Kind> kinds;

    private TypeSig(Set<Kind> kinds) {
        this.kinds = kinds;
    }

    public static TypeSig of(Set<Kind> kinds) {
        requireNonNull(kinds, "kinds is null");
        return new TypeSig(kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds));
    }

    public static TypeSig of(Kind first, Kind... rest) {
        return new TypeSig(EnumSet.of(first, rest));
    }

    public Set<Kind> kinds() {
        return EnumSet.copyOf(kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : kinds);
    }

    public boolean isSupported(DataType type) {
        return check(type).isEmpty();
    }

    /** Why {@code type} is not accepted, or empty when it is. */
    public Optional<String> check(DataType type) {
        Optional<Kind> kind = Kind.of(type);
        boolean decimal64 = type instanceof DecimalType d && d.precision() <= 18 && kinds.contains(Kind.DECIMAL64);
        if (kind.isEmpty() || !(kinds.contains(kind.get()) || decimal64) || SparkTypes.toDType(type).isEmpty()) {
            return Optional.of("type " + type.simpleString() + " is not supported on the GPU (supported: "
                    + describe() + ")");
        }
        return Optional.empty();
    }

    /** The reasons, one per offending column, that {@code named} values cannot be handled. */
    public List<String> checkAll(String what, List<String> names, List<DataType> types) {
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            int index = i;
            check(types.get(i)).ifPresent(r -> reasons.add(what + " " + names.get(index) + ": " + r));
        }
        return reasons;
    }

    /** The accepted types' SQL names, comma-separated (or "none"). */
    public String describe() {
        return kinds.isEmpty() ? "none" : kinds.stream().map(Kind::sqlName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "TypeSig[" + describe() + "]";
    }
}
