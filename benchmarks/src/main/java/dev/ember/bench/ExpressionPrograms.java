package dev.ember.bench;

import dev.ember.cuda.column.DType;
import dev.ember.cuda.expr.Program;
import dev.ember.cuda.expr.ProgramBuilder;
import dev.ember.cuda.expr.Reg;
import java.util.List;

/**
 * The programs the expression benchmark evaluates, over the columns a BIGINT, b DOUBLE, c DOUBLE and
 * d DATE (input columns 0..3), as Spark's analyzer would type them.
 */
final class ExpressionPrograms {
    private ExpressionPrograms() {}

    /** The benchmark's program names, in report order. */
    static final List<String> NAMES = List.of("filter", "projection", "mixed20");

    static Program named(String name) {
        return switch (name) {
            case "filter" -> filter();
            case "projection" -> projection();
            case "mixed20" -> mixed20();
            default -> throw new IllegalArgumentException("unknown program '" + name + "': use one of " + NAMES);
        };
    }

    /** {@code a > 5 AND b IS NOT NULL}. */
    static Program filter() {
        ProgramBuilder p = new ProgramBuilder();
        Reg a = p.input(0, DType.INT64);
        Reg b = p.input(1, DType.FLOAT64);
        p.output(p.and(p.greaterThan(a, p.literal(5L)), p.isNotNull(b)));
        return p.build();
    }

    /** {@code a + b, c * 2.0, year(d)} (a widened to double, as Spark does). */
    static Program projection() {
        ProgramBuilder p = new ProgramBuilder();
        Reg a = p.input(0, DType.INT64);
        Reg b = p.input(1, DType.FLOAT64);
        Reg c = p.input(2, DType.FLOAT64);
        Reg d = p.input(3, DType.DATE32);
        p.output(p.add(p.cast(a, DType.FLOAT64), b));
        p.output(p.multiply(c, p.literal(2.0)));
        p.output(p.year(d));
        return p.build();
    }

    /** Twenty operations mixing integer and double arithmetic, comparisons, logic, dates, casts and conditionals. */
    static Program mixed20() {
        ProgramBuilder p = new ProgramBuilder();
        Reg a = p.input(0, DType.INT64);
        Reg b = p.input(1, DType.FLOAT64);
        Reg c = p.input(2, DType.FLOAT64);
        Reg d = p.input(3, DType.DATE32);
        Reg scaled = p.multiply(p.add(a, p.literal(1L)), p.literal(3L));          // 1, 2
        Reg mixed = p.multiply(p.add(p.cast(scaled, DType.FLOAT64), b), c);       // 3, 4, 5
        Reg big = p.greaterThan(p.abs(mixed), p.literal(100.0));                  // 6, 7
        Reg leap = p.equal(p.year(d), p.literal(2020));                           // 8, 9
        Reg keep = p.and(p.or(big, leap), p.isNotNull(b));                        // 10, 11, 12
        Reg monthPlus = p.add(p.cast(p.month(d), DType.INT64), p.remainder(a, p.literal(7L))); // 13, 14, 15, 16
        Reg chosen = p.ifThenElse(keep, monthPlus, a);                            // 17
        p.output(p.coalesce(chosen, p.literal(0L)));                              // 18
        p.output(p.dateDiff(p.dateAdd(d, p.literal(30)), d));                     // 19, 20
        p.output(mixed);
        return p.build();
    }
}
