package dev.ember.spark.planning;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.junit.jupiter.api.Test;

class TestTypeSig {
    @Test
    void acceptsTheFixedWidthTypes() {
        TypeSig all = TypeSig.ALL_FIXED_WIDTH;
        assertThat(all.isSupported(DataTypes.BooleanType)).isTrue();
        assertThat(all.isSupported(DataTypes.TimestampType)).isTrue();
        assertThat(all.isSupported(new DecimalType(38, 10))).isTrue();
        assertThat(all.check(DataTypes.StringType)).hasValueSatisfying(r -> assertThat(r)
                .startsWith("type string is not supported on the GPU (supported: boolean, tinyint"));
        assertThat(all.isSupported(DataTypes.TimestampNTZType)).isFalse();
        assertThat(all.isSupported(DataTypes.createArrayType(DataTypes.IntegerType))).isFalse();
    }

    @Test
    void allAddsStringsToTheFixedWidthTypes() {
        assertThat(TypeSig.ALL.isSupported(DataTypes.StringType)).isTrue();
        assertThat(TypeSig.ALL.isSupported(new DecimalType(18, 2))).isTrue();
        assertThat(TypeSig.ALL.isSupported(DataTypes.BinaryType)).isFalse();
        assertThat(TypeSig.ALL.describe()).endsWith("decimal(<=38), string");
        assertThat(TypeSig.ALL_FIXED_WIDTH.kinds()).doesNotContain(TypeSig.Kind.STRING);
    }

    @Test
    void narrowSignaturesRejectTheRest() {
        TypeSig ints = TypeSig.of(TypeSig.Kind.INT, TypeSig.Kind.LONG);
        assertThat(ints.isSupported(DataTypes.LongType)).isTrue();
        assertThat(ints.check(DataTypes.DoubleType)).hasValue("type double is not supported on the GPU (supported: int, bigint)");
        assertThat(TypeSig.NONE.describe()).isEqualTo("none");
    }
}
