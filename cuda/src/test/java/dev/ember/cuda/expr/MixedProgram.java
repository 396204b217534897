package dev.ember.cuda.expr;

import static dev.ember.cuda.column.DType.BOOL8;
import static dev.ember.cuda.column.DType.DATE32;
import static dev.ember.cuda.column.DType.FLOAT32;
import static dev.ember.cuda.column.DType.FLOAT64;
import static dev.ember.cuda.column.DType.INT16;
import static dev.ember.cuda.column.DType.INT32;
import static dev.ember.cuda.column.DType.INT64;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * A program of some 60 instructions mixing arithmetic, casts, dates, logic, conditionals and null
 * handling over inputs (int i, double x, date d, boolean flag, bigint l, smallint s), and its reference.
 */
final class MixedProgram {
    private MixedProgram() {}

    static void build(ProgramBuilder b) {
        Reg i = b.input(0, INT32);
        Reg x = b.input(1, FLOAT64);
        Reg d = b.input(2, DATE32);
        Reg flag = b.input(3, BOOL8);
        Reg l = b.input(4, INT64);
        Reg s = b.input(5, INT16);
        Reg sum = b.add(b.cast(i, INT64), l);
        Reg q = b.integralDivide(b.multiply(sum, b.literal(31L)), b.subtract(l, b.literal(7L)));
        Reg xd = b.divide(b.add(x, b.cast(i, FLOAT64)), b.cast(l, FLOAT64));
        Reg big = b.greaterThan(xd, b.literal(0.5));
        Reg dd = b.dateAdd(d, b.pmod(i, b.literal(400)));
        Reg year = b.year(dd);
        Reg cond = b.and(b.or(flag, big), b.not(b.isNull(d)));
        b.output(b.caseWhen(List.of(cond, b.lessThan(year, b.literal(2000))), List.of(q, b.cast(year, INT64)),
                b.coalesce(l, b.literal(-1L))));
        b.output(b.in(b.remainder(i, b.literal(10)), Arrays.asList(1, 3, 5, null)));
        b.output(b.coalesce(b.cast(xd, FLOAT32), b.literal(Float.NaN)));
        b.output(b.nullSafeEqual(b.abs(b.negate(sum)), b.cast(b.month(d), INT64)));
        b.output(cond);
        b.output(b.multiply(b.cast(s, INT32), i));
        b.output(b.greaterOrEqual(b.dateDiff(dd, d), b.literal(0)));
        b.output(b.or(b.isNaN(x), b.equal(x, b.literal(-0.0))));
        b.output(b.ifThenElse(flag, b.cast(b.dayOfMonth(dd), INT16), b.abs(s)));
    }

    static Object[] reference(Object[] row) {
        Integer i = (Integer) row[0];
        Double x = (Double) row[1];
        Integer d = (Integer) row[2];
        Boolean flag = (Boolean) row[3];
        Long l = (Long) row[4];
        Short s = (Short) row[5];
        Long sum = i == null || l == null ? null : Long.valueOf((long) i + l);
        Long prod = sum == null ? null : Long.valueOf(sum * 31L);
        Long den = l == null ? null : Long.valueOf(l - 7L);
        Long q = prod == null || den == null || den == 0 ? null : Long.valueOf(prod / den);
        Double xd = x == null || i == null || l == null || (double) l == 0 ? null : Double.valueOf((x + (double) i) / (double) l);
        Boolean big = xd == null ? null : Boolean.valueOf(JavaRef.compare(xd, 0.5) > 0);
        Integer dd = d == null || i == null ? null : Integer.valueOf(d + (Integer) JavaRef.pmod(i, 400));
        Integer year = dd == null ? null : Integer.valueOf(LocalDate.ofEpochDay(dd).getYear());
        Boolean cond = JavaRef.and(JavaRef.or(flag, big), d != null);
        Object choice;
        if (Boolean.TRUE.equals(cond)) {
            choice = q;
        } else if (year != null && year < 2000) {
            choice = Long.valueOf(year);
        } else {
            choice = l != null ? l : Long.valueOf(-1L);
        }
        Long month = d == null ? null : Long.valueOf(LocalDate.ofEpochDay(d).getMonthValue());
        Long absNeg = sum == null ? null : Long.valueOf(Math.abs(-sum));
        Object ifOut;
        if (Boolean.TRUE.equals(flag)) {
            ifOut = dd == null ? null : Short.valueOf((short) LocalDate.ofEpochDay(dd).getDayOfMonth());
        } else {
            ifOut = s == null ? null : Short.valueOf((short) Math.abs(s));
        }
        return new Object[] {
            choice,
            i == null ? null : JavaRef.in(i % 10, Arrays.asList(1, 3, 5, null)),
            xd != null ? Float.valueOf((float) (double) xd) : Float.valueOf(Float.NaN),
            absNeg == null || month == null ? Boolean.valueOf(absNeg == month) : Boolean.valueOf(absNeg.equals(month)),
            cond,
            s == null || i == null ? null : Integer.valueOf(s * i),
            dd == null || d == null ? null : Boolean.valueOf(dd - d >= 0),
            x == null ? null : JavaRef.or(Double.isNaN(x), x == 0.0),
            ifOut,
        };
    }
}
