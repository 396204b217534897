package dev.ember.cuda.expr;

import dev.ember.cuda.column.DType;

/**
 * A virtual register of a {@link ProgramBuilder}: one SSA value (defined once, by the instruction that
 * returned it) with its type. Only valid with the builder that created it. Physical registers are
 * assigned at {@link ProgramBuilder#build()}.
 */
public final class Reg {
    private final ProgramBuilder owner;
    private final int id;
    private final DType type;

    Reg(ProgramBuilder owner, int id, DType type) {
        this.owner = owner;
        this.id = id;
        this.type = type;
    }

    ProgramBuilder owner() {
        return owner;
    }

    /** The value's number in its builder, in definition order. */
    public int id() {
        return id;
    }

    public DType type() {
        return type;
    }

    @Override
    public String toString() {
        return "%" + id + ":" + type;
    }
}
