package dev.ember.cuda.expr;

import static dev.ember.cuda.expr.EvalHarness.check;
import static dev.ember.cuda.expr.EvalHarness.strict;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.column.DType;
import org.junit.jupiter.api.Test;

/** The bitwise operators and shifts against Java's own operators at each type's width. */
class TestProgramBitwise {
    @Test
    void andOrXorNotOfEveryIntegralType() {
        DType[] bytes = {DType.INT8, DType.INT8};
        check("byte and", bytes, b -> b.bitAnd(b.input(0, DType.INT8), b.input(1, DType.INT8)),
                strict(a -> (byte) ((Byte) a[0] & (Byte) a[1])));
        check("byte not", new DType[] {DType.INT8}, b -> b.bitNot(b.input(0, DType.INT8)), strict(a -> (byte) ~(Byte) a[0]));
        DType[] shorts = {DType.INT16, DType.INT16};
        check("short or", shorts, b -> b.bitOr(b.input(0, DType.INT16), b.input(1, DType.INT16)),
                strict(a -> (short) ((Short) a[0] | (Short) a[1])));
        check("short xor", shorts, b -> b.bitXor(b.input(0, DType.INT16), b.input(1, DType.INT16)),
                strict(a -> (short) ((Short) a[0] ^ (Short) a[1])));
        check("short not", new DType[] {DType.INT16}, b -> b.bitNot(b.input(0, DType.INT16)), strict(a -> (short) ~(Short) a[0]));
        DType[] ints = {DType.INT32, DType.INT32};
        check("int and", ints, b -> b.bitAnd(b.input(0, DType.INT32), b.input(1, DType.INT32)),
                strict(a -> (Integer) a[0] & (Integer) a[1]));
        check("int not", new DType[] {DType.INT32}, b -> b.bitNot(b.input(0, DType.INT32)), strict(a -> ~(Integer) a[0]));
        DType[] longs = {DType.INT64, DType.INT64};
        check("long and", longs, b -> b.bitAnd(b.input(0, DType.INT64), b.input(1, DType.INT64)),
                strict(a -> (Long) a[0] & (Long) a[1]));
        check("long or", longs, b -> b.bitOr(b.input(0, DType.INT64), b.input(1, DType.INT64)),
                strict(a -> (Long) a[0] | (Long) a[1]));
        check("long xor", longs, b -> b.bitXor(b.input(0, DType.INT64), b.input(1, DType.INT64)),
                strict(a -> (Long) a[0] ^ (Long) a[1]));
        check("long not", new DType[] {DType.INT64}, b -> b.bitNot(b.input(0, DType.INT64)), strict(a -> ~(Long) a[0]));
    }

    @Test
    void shiftsTakeTheDistanceModuloTheWidth() {
        DType[] ints = {DType.INT32, DType.INT32};
        check("int <<", ints, b -> b.shiftLeft(b.input(0, DType.INT32), b.input(1, DType.INT32)),
                strict(a -> (Integer) a[0] << (Integer) a[1]));
        check("int >>", ints, b -> b.shiftRight(b.input(0, DType.INT32), b.input(1, DType.INT32)),
                strict(a -> (Integer) a[0] >> (Integer) a[1]));
        check("int >>>", ints, b -> b.shiftRightUnsigned(b.input(0, DType.INT32), b.input(1, DType.INT32)),
                strict(a -> (Integer) a[0] >>> (Integer) a[1]));
        DType[] longs = {DType.INT64, DType.INT32};
        check("long <<", longs, b -> b.shiftLeft(b.input(0, DType.INT64), b.input(1, DType.INT32)),
                strict(a -> (Long) a[0] << (Integer) a[1]));
        check("long >>", longs, b -> b.shiftRight(b.input(0, DType.INT64), b.input(1, DType.INT32)),
                strict(a -> (Long) a[0] >> (Integer) a[1]));
        check("long >>>", longs, b -> b.shiftRightUnsigned(b.input(0, DType.INT64), b.input(1, DType.INT32)),
                strict(a -> (Long) a[0] >>> (Integer) a[1]));
    }

    @Test
    void operandTypesAreChecked() {
        ProgramBuilder b = new ProgramBuilder();
        assertThatThrownBy(() -> b.bitAnd(b.input(0, DType.FLOAT64), b.input(1, DType.FLOAT64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("integral");
        assertThatThrownBy(() -> b.shiftLeft(b.input(2, DType.INT16), b.input(3, DType.INT32)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cast a tinyint or smallint");
        assertThatThrownBy(() -> b.shiftRight(b.input(4, DType.INT64), b.input(5, DType.INT64)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
