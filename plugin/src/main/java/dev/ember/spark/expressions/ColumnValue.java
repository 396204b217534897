package dev.ember.spark.expressions;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.column.DType;

/**
 * A translation handle for a value held in a whole column instead of a program register: an input
 * column the program cannot read (a STRING column of the batch) or the result of a {@link PreStage}
 * step. {@code index} is the column's position in the pre-stage's column list (the batch's columns,
 * then the step results). A fixed-width one becomes a program input with {@link #asInput}.
 */
public record ColumnValue(int index, DType type) {
    public ColumnValue {
        requireNonNull(type, "type is null");
        if (index < 0) {
            throw new IllegalArgumentException("column index must be >= 0, not " + index);
        }
    }

    /** This column as a program input (fixed-width types only). */
    public dev.ember.cuda.expr.Reg asInput(dev.ember.cuda.expr.ProgramBuilder builder) {
        return builder.input(index, type);
    }
}
