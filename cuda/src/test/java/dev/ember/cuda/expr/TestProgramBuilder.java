package dev.ember.cuda.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.column.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestProgramBuilder {
    @Test
    void operandTypesMustMatchTheSignature() {
        ProgramBuilder b = new ProgramBuilder();
        Reg i = b.input(0, DType.INT32);
        Reg l = b.input(1, DType.INT64);
        Reg d = b.input(2, DType.DATE32);
        Reg flag = b.input(3, DType.BOOL8);
        assertThatThrownBy(() -> b.add(i, l)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ADD needs operands of one type").hasMessageContaining("[int, bigint]");
        assertThatThrownBy(() -> b.add(flag, flag)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ADD takes numeric operands, not boolean");
        assertThatThrownBy(() -> b.divide(i, i)).hasMessage("DIVIDE takes float or double operands, not int");
        assertThatThrownBy(() -> b.integralDivide(i, i)).hasMessage("INTEGRAL_DIVIDE takes bigint operands, not int");
        assertThatThrownBy(() -> b.and(flag, i)).hasMessageContaining("AND needs operands of one type");
        assertThatThrownBy(() -> b.not(i)).hasMessage("NOT takes boolean operands, not int");
        assertThatThrownBy(() -> b.isNaN(i)).hasMessage("IS_NAN takes float or double operands, not int");
        assertThatThrownBy(() -> b.ifThenElse(i, i, i)).hasMessage("IF needs a boolean condition, not int");
        assertThatThrownBy(() -> b.ifThenElse(flag, i, l)).hasMessageContaining("IF needs operands of one type");
        assertThatThrownBy(() -> b.year(i)).hasMessage("YEAR takes date operands, not int");
        assertThatThrownBy(() -> b.dateAdd(d, l)).hasMessageContaining("DATE_ADD takes (date, int)");
        assertThatThrownBy(() -> b.negate(d)).hasMessage("NEGATE takes numeric or decimal operands, not date");
        assertThatThrownBy(() -> b.abs(flag)).hasMessage("ABS takes numeric or decimal operands, not boolean");
        assertThatThrownBy(() -> b.op(Op.ADD, i)).hasMessage("ADD takes 2 operands, not 1");
        assertThatThrownBy(() -> b.op(Op.COALESCE)).hasMessage("COALESCE needs at least one operand");
        assertThatThrownBy(() -> b.op(Op.CAST, i)).hasMessageContaining("use ProgramBuilder.cast(value, type)");
        assertThatThrownBy(() -> b.op(Op.IN, i)).hasMessageContaining("use ProgramBuilder.in(value, literals)");
        assertThatThrownBy(() -> b.cast(d, DType.INT32)).hasMessageContaining("not date to int");
        assertThatThrownBy(() -> b.cast(d, DType.TIMESTAMP_US)).hasMessageContaining("not date to timestamp");
        assertThat(b.cast(i, DType.INT32)).isSameAs(i);
        assertThat(b.lessThan(d, d).type()).isEqualTo(DType.BOOL8);
        assertThat(b.dateDiff(d, d).type()).isEqualTo(DType.INT32);
        assertThat(b.coalesce(i, i, i).type()).isEqualTo(DType.INT32);
    }

    @Test
    void inputsAndLiteralsAreChecked() {
        ProgramBuilder b = new ProgramBuilder();
        Reg i = b.input(0, DType.INT32);
        assertThat(b.input(0, DType.INT32)).isSameAs(i);
        assertThatThrownBy(() -> b.input(0, DType.INT64))
                .hasMessage("column 0 is already an input of type int, not bigint");
        assertThatThrownBy(() -> b.input(-1, DType.INT32)).hasMessage("column index must be >= 0, not -1");
        assertThatThrownBy(() -> b.input(1, DType.STRING)).hasMessageContaining("not string");
        assertThat(b.input(9, DType.TIMESTAMP_US).type()).isEqualTo(DType.TIMESTAMP_US);
        // Decimals of every precision are program types; a DECIMAL128 literal is a BigDecimal that fits it.
        DType wide = DType.decimal128(20, 2);
        assertThat(b.input(2, wide).type()).isEqualTo(wide);
        assertThat(b.literal(wide, new java.math.BigDecimal("-999999999999999999.99")).type()).isEqualTo(wide);
        assertThatThrownBy(() -> b.literal(wide, 5L)).hasMessage("a decimal(20,2) literal must be a BigDecimal, not Long 5");
        assertThatThrownBy(() -> b.literal(wide, new java.math.BigDecimal("1000000000000000000.00")))
                .hasMessageContaining("more digits than decimal(20,2)");
        assertThatThrownBy(() -> b.literal(wide, new java.math.BigDecimal("0.125"))).hasMessageContaining("digits after the point");
        assertThatThrownBy(() -> b.literal(DType.INT8, 300)).hasMessage("literal 300 is outside the range of tinyint (-128..127)");
        assertThatThrownBy(() -> b.literal(DType.FLOAT32, 1.0)).hasMessage("a float literal must be a Float, not Double 1.0");
        assertThatThrownBy(() -> b.literal(DType.BOOL8, 1)).hasMessage("a boolean literal must be a Boolean, not Integer 1");
        assertThatThrownBy(() -> b.in(i, List.of("x"))).hasMessageContaining("must be a Byte, Short, Integer or Long");
        assertThatThrownBy(() -> b.in(i, List.of())).hasMessageContaining("IN needs 1 to 4096 literals, not 0");
        ProgramBuilder other = new ProgramBuilder();
        Reg foreign = other.input(0, DType.INT32);
        assertThatThrownBy(() -> b.add(i, foreign)).hasMessageContaining("comes from another ProgramBuilder");
        assertThatThrownBy(() -> b.caseWhen(List.of(), List.of(), null)).hasMessageContaining("CASE WHEN needs");
    }

    @Test
    void buildNeedsAnOutput() {
        ProgramBuilder b = new ProgramBuilder();
        b.input(0, DType.INT32);
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("no output");
    }

    @Test
    void deadRegistersAreReused() {
        ProgramBuilder b = new ProgramBuilder();
        Reg acc = b.input(0, DType.INT64);
        for (int k = 0; k < 200; k++) {
            acc = b.add(b.multiply(acc, b.literal(3L)), b.literal((long) k));
        }
        b.output(acc);
        Program p = b.build();
        // At most: the accumulator, one literal and the product are alive at once.
        assertThat(p.registerCount()).isEqualTo(2);
        assertThat(p.instructionCount()).isEqualTo(1 + 200 * 4 + 1);
        assertThat(p.inputCount()).isEqualTo(1);
        assertThat(p.outputTypes()).containsExactly(DType.INT64);
    }

    @Test
    void registersOfLiveValuesAreNotReused() {
        ProgramBuilder b = new ProgramBuilder();
        Reg x = b.input(0, DType.INT32);
        Reg y = b.input(1, DType.INT32);
        Reg sum = b.add(x, y);
        Reg diff = b.subtract(x, y);
        b.output(b.multiply(sum, diff));
        b.output(x);
        Program p = b.build();
        // x stays alive to the end; y's register is taken over by the difference that reads it last.
        assertThat(p.registerCount()).isEqualTo(3);
        assertThat(p.toString()).contains("r0 = INPUT int column 0", "r1 = INPUT int column 1", "r2 = ADD int r0, r1",
                "r1 = SUBTRACT int r0, r1", "r1 = MULTIPLY int r2, r1", "OUTPUT 0 int r1", "OUTPUT 1 int r0");
    }

    @Test
    void deadCodeIsRemoved() {
        ProgramBuilder b = new ProgramBuilder();
        Reg x = b.input(0, DType.INT32);
        Reg unused = b.input(5, DType.FLOAT64);
        b.abs(b.negate(unused));
        b.output(x);
        Program p = b.build();
        assertThat(p.instructionCount()).isEqualTo(2);
        assertThat(p.registerCount()).isEqualTo(1);
        assertThat(p.inputCount()).isEqualTo(1);
        assertThat(p.inputType(5)).isNull();
    }

    @Test
    void tooManyLiveValuesFailClearly() {
        ProgramBuilder b = new ProgramBuilder();
        List<Reg> values = new ArrayList<>();
        for (int k = 0; k < 65; k++) {
            values.add(b.input(k, DType.INT32));
        }
        for (Reg v : values) {
            b.output(v);
        }
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs more than 64 registers").hasMessageContaining("split");
        ProgramBuilder fits = new ProgramBuilder();
        List<Reg> inputs = new ArrayList<>();
        for (int k = 0; k < 64; k++) {
            inputs.add(fits.input(k, DType.INT32));
        }
        inputs.forEach(fits::output);
        assertThat(fits.build().registerCount()).isEqualTo(64);
        // Outputs right after their inputs free each register at once.
        ProgramBuilder oneByOne = new ProgramBuilder();
        for (int k = 0; k < 100; k++) {
            oneByOne.output(oneByOne.input(k, DType.INT32));
        }
        assertThat(oneByOne.build().registerCount()).isEqualTo(1);
    }

    @Test
    void tooManyInstructionsFailClearly() {
        ProgramBuilder b = new ProgramBuilder();
        Reg acc = b.input(0, DType.INT32);
        for (int k = 0; k < 1023; k++) {
            acc = b.negate(acc);
        }
        b.output(acc);
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessage("the program has 1025 instructions, more than the limit of 1024: split the expressions into"
                        + " several programs");
    }

    @Test
    void tooManyWordsFailClearly() {
        ProgramBuilder b = new ProgramBuilder();
        Reg x = b.input(0, DType.INT32);
        List<Object> list = new ArrayList<>(Collections.nCopies(4096, 1));
        Reg any = b.literal(false);
        for (int k = 0; k < 4; k++) {
            any = b.or(any, b.in(x, list));
        }
        b.output(any);
        assertThatThrownBy(b::build).hasMessageContaining("more than the limit of 16384")
                .hasMessageContaining("IN lists");
    }

    @Test
    void encodingRoundTrips() {
        ProgramBuilder b = new ProgramBuilder();
        Reg x = b.input(7, DType.FLOAT32);
        b.output(b.in(x, Arrays.asList(1.5f, null, Float.NaN)));
        b.output(b.cast(x, DType.INT16));
        b.output(b.coalesce(x, b.literal(-0.0f)));
        Program p = b.build();
        long[] code = p.code();
        assertThat(ProgramEncoding.opcode(code[0])).isEqualTo(ProgramEncoding.OP_INPUT);
        assertThat(ProgramEncoding.column(code[0])).isEqualTo(7);
        assertThat(ProgramEncoding.type(code[0])).isEqualTo(ProgramEncoding.TYPE_FLOAT32);
        assertThat(ProgramEncoding.opcode(code[1])).isEqualTo(Op.IN.code());
        assertThat(ProgramEncoding.count(code[1])).isEqualTo(2);
        assertThat(ProgramEncoding.aux(code[1])).isEqualTo(1);
        assertThat(code[2]).isEqualTo(Float.floatToRawIntBits(1.5f));
        assertThat(code[3]).isEqualTo(Float.floatToRawIntBits(Float.NaN));
        assertThat(p.inputCount()).isEqualTo(8);
        assertThat(p.inputType(7)).isEqualTo(DType.FLOAT32);
        assertThat(p.outputTypes()).containsExactly(DType.BOOL8, DType.INT16, DType.FLOAT32);
        code[0] = 0;
        assertThat(p.code()[0]).as("code() is a copy").isNotZero();
        assertThat(p.toString()).contains("IN float r0 in", "+ null", "CAST float r0 to smallint", "COALESCE float r0, r");
    }
}
