package dev.ember.cuda.kernel;

/** The type of one kernel parameter, with its size in bytes as the PTX declares it. */
public enum ArgType {
    /** A device address (possibly 0 for an optional buffer). */
    PTR(8),
    I32(4),
    I64(8),
    F32(4),
    F64(8);

    private final int size;

    ArgType(int size) {
        this.size = size;
    }

    public int size() {
        return size;
    }
}
