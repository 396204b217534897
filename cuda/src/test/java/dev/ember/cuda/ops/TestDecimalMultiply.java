package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import dev.ember.cuda.testing.TestDevices;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link DecimalMultiply} against {@link BigDecimal} products (Spark's exact decimal multiply). */
class TestDecimalMultiply {
    private final Device device = TestDevices.device();

    @Test
    void randomProductsWithNullsEqualBigIntegerProducts() {
        Random r = new Random(21);
        int n = 5_000;
        long[] a = RandomData.longs(r, n);
        long[] b = RandomData.longs(r, n);
        byte[] aValid = RandomData.validity(r, n, 0.1);
        byte[] bValid = RandomData.validity(r, n, 0.1);
        List<BigInteger> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean valid = RandomData.isValid(aValid, i) && RandomData.isValid(bValid, i);
            expected.add(valid ? BigInteger.valueOf(a[i]).multiply(BigInteger.valueOf(b[i])) : null);
        }
        List<BigInteger> got = multiply(HostValues.longs(DType.decimal64(18, 3), a, aValid),
                HostValues.longs(DType.decimal64(18, 5), b, bValid), 37);
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void extremesOfDecimal15And2MatchBigDecimal() {
        // 9999999999999.99 and its negation, 0, ±0.01 and ordinary prices and discounts.
        long[] prices = {999_999_999_999_999L, -999_999_999_999_999L, 999_999_999_999_999L, 0, 1, -1, 1_234_567};
        long[] factors = {999_999_999_999_999L, 999_999_999_999_999L, -999_999_999_999_999L, -5, -1, -1, 96};
        DType a = DType.decimal64(15, 2);
        DType b = DType.decimal64(16, 2);
        List<BigInteger> got = multiply(HostValues.longs(a, prices, null), HostValues.longs(b, factors, null), 32);
        for (int i = 0; i < prices.length; i++) {
            BigDecimal product = BigDecimal.valueOf(prices[i], 2).multiply(BigDecimal.valueOf(factors[i], 2));
            assertThat(new BigDecimal(got.get(i), 4)).as("row %d", i).isEqualTo(product.setScale(4));
        }
        assertThat(got.get(0)).isEqualTo(new BigInteger("999999999999998000000000000001"));
        assertThat(got.get(1)).isEqualTo(new BigInteger("-999999999999998000000000000001"));
    }

    @Test
    void int64ExtremesDoNotOverflow() {
        long[] x = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        long[] y = {Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE, 0};
        DType t = DType.decimal64(18, 0);
        List<BigInteger> got = multiply(HostValues.longs(t, x, null), HostValues.longs(t, y, null), 38);
        for (int i = 0; i < x.length; i++) {
            assertThat(got.get(i)).as("row %d", i).isEqualTo(BigInteger.valueOf(x[i]).multiply(BigInteger.valueOf(y[i])));
        }
    }

    @Test
    void nullsOnOneSideOnlyAndNoRows() {
        byte[] valid = {0b101, 0, 0, 0, 0, 0, 0, 0};
        DType t = DType.decimal64(10, 1);
        assertThat(multiply(HostValues.longs(t, new long[] {2, 3, 4}, null), HostValues.longs(t, new long[] {5, 6, 7},
                valid), 21)).containsExactly(BigInteger.TEN, null, BigInteger.valueOf(28));
        assertThat(multiply(HostValues.longs(t, new long[] {2, 3, 4}, valid), HostValues.longs(t, new long[] {5, 6, 7},
                null), 21)).containsExactly(BigInteger.TEN, null, BigInteger.valueOf(28));
        assertThat(multiply(HostValues.longs(t, new long[0], null), HostValues.longs(t, new long[0], null), 21))
                .isEmpty();
    }

    @Test
    void resultTypeAndValidation() {
        try (Column a = HostValues.longs(DType.decimal64(15, 2), new long[] {1, 2}, null).upload(device);
                Column b = HostValues.longs(DType.decimal64(16, 2), new long[] {3, 4}, null).upload(device);
                Column small = HostValues.longs(DType.decimal64(3, 1), new long[] {3, 4}, null).upload(device);
                Column one = HostValues.longs(DType.decimal64(16, 2), new long[] {3}, null).upload(device);
                Column ints = HostValues.longs(DType.INT64, new long[] {3, 4}, null).upload(device)) {
            try (Column p = DecimalMultiply.multiply(device, a, b, 32, device.defaultStream())) {
                assertThat(p.type()).isEqualTo(DType.decimal128(32, 4));
                assertThat(p.hasValidity()).isFalse();
                assertThat(p.nullCount()).isZero();
            }
            assertThatThrownBy(() -> DecimalMultiply.multiply(device, a, b, 30, device.defaultStream()))
                    .hasMessageContaining("31..38");
            assertThatThrownBy(() -> DecimalMultiply.multiply(device, small, small, 7, device.defaultStream()))
                    .hasMessageContaining("19..38");
            assertThatThrownBy(() -> DecimalMultiply.multiply(device, a, one, 32, device.defaultStream()))
                    .hasMessageContaining("equal lengths");
            assertThatThrownBy(() -> DecimalMultiply.multiply(device, a, ints, 32, device.defaultStream()))
                    .hasMessageContaining("two DECIMAL64 columns");
        }
    }

    private List<BigInteger> multiply(HostValues a, HostValues b, int precision) {
        List<Column> inputs = new ArrayList<>();
        try {
            inputs.add(a.upload(device));
            inputs.add(b.upload(device));
            try (Column p = DecimalMultiply.multiply(device, inputs.get(0), inputs.get(1), precision,
                    device.defaultStream())) {
                assertThat(p.type()).isEqualTo(DType.decimal128(precision, a.type().scale() + b.type().scale()));
                assertThat(p.rowCount()).isEqualTo(a.rows());
                return TestHashAggDecimals.decimals(p);
            }
        } finally {
            Closeables.closeAll(inputs);
        }
    }
}
