package dev.ember.cuda.column;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.column.DType.TypeId;
import org.junit.jupiter.api.Test;

class TestDType {
    @Test
    void fixedWidthSizes() {
        assertThat(DType.BOOL8.sizeInBytes()).isEqualTo(1);
        assertThat(DType.INT8.sizeInBytes()).isEqualTo(1);
        assertThat(DType.INT16.sizeInBytes()).isEqualTo(2);
        assertThat(DType.INT32.sizeInBytes()).isEqualTo(4);
        assertThat(DType.INT64.sizeInBytes()).isEqualTo(8);
        assertThat(DType.FLOAT32.sizeInBytes()).isEqualTo(4);
        assertThat(DType.FLOAT64.sizeInBytes()).isEqualTo(8);
        assertThat(DType.DATE32.sizeInBytes()).isEqualTo(4);
        assertThat(DType.TIMESTAMP_US.sizeInBytes()).isEqualTo(8);
        assertThat(DType.decimal64(10, 2).sizeInBytes()).isEqualTo(8);
        assertThat(DType.decimal128(38, 0).sizeInBytes()).isEqualTo(16);
    }

    @Test
    void stringIsDeclaredButHasNoFixedWidth() {
        assertThat(DType.STRING.isFixedWidth()).isFalse();
        assertThat(DType.STRING.toString()).isEqualTo("string");
        assertThatThrownBy(DType.STRING::sizeInBytes)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("string columns have no fixed width")
                .hasMessageContaining("INT32");
        assertThatThrownBy(() -> DType.STRING.requireFixedWidth("Column"))
                .hasMessageContaining("Column supports only fixed-width types");
    }

    @Test
    void decimalWidthFollowsPrecision() {
        assertThat(DType.decimal(1, 0).id()).isEqualTo(TypeId.DECIMAL64);
        assertThat(DType.decimal(18, 18).id()).isEqualTo(TypeId.DECIMAL64);
        assertThat(DType.decimal(19, 0).id()).isEqualTo(TypeId.DECIMAL128);
        assertThat(DType.decimal(38, 38).id()).isEqualTo(TypeId.DECIMAL128);
        DType d = DType.decimal(12, 3);
        assertThat(d.precision()).isEqualTo(12);
        assertThat(d.scale()).isEqualTo(3);
        assertThat(d.isDecimal()).isTrue();
        assertThat(DType.INT64.isDecimal()).isFalse();
    }

    @Test
    void rejectsInvalidDecimals() {
        assertThatThrownBy(() -> DType.decimal64(19, 0)).hasMessageContaining("1..18").hasMessageContaining("DType.decimal(");
        assertThatThrownBy(() -> DType.decimal64(0, 0)).hasMessageContaining("1..18");
        assertThatThrownBy(() -> DType.decimal128(18, 0)).hasMessageContaining("19..38");
        assertThatThrownBy(() -> DType.decimal(39, 0)).hasMessageContaining("19..38");
        assertThatThrownBy(() -> DType.decimal(10, 11)).hasMessageContaining("scale must be 0..10");
        assertThatThrownBy(() -> DType.decimal(10, -1)).hasMessageContaining("scale must be 0..10");
        assertThatThrownBy(() -> DType.of(TypeId.DECIMAL64)).hasMessageContaining("precision and a scale");
    }

    @Test
    void sparkNamesAndValueEquality() {
        assertThat(DType.BOOL8).hasToString("boolean");
        assertThat(DType.INT8).hasToString("tinyint");
        assertThat(DType.INT16).hasToString("smallint");
        assertThat(DType.INT32).hasToString("int");
        assertThat(DType.INT64).hasToString("bigint");
        assertThat(DType.FLOAT32).hasToString("float");
        assertThat(DType.FLOAT64).hasToString("double");
        assertThat(DType.DATE32).hasToString("date");
        assertThat(DType.TIMESTAMP_US).hasToString("timestamp");
        assertThat(DType.decimal(7, 2)).hasToString("decimal(7,2)");
        assertThat(DType.decimal(7, 2)).isEqualTo(DType.decimal64(7, 2)).hasSameHashCodeAs(DType.decimal64(7, 2));
        assertThat(DType.decimal(7, 2)).isNotEqualTo(DType.decimal(7, 3));
        for (TypeId id : TypeId.values()) {
            if (!id.isDecimal()) {
                assertThat(DType.of(id).id()).isEqualTo(id);
            }
        }
    }
}
