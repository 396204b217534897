package dev.ember.shims;

/**
 * Implemented by every shim's columnar shuffle exchange node: its output is device batches, and the
 * plugin recognizes it (and adaptive execution's stages and reads over it) by this type.
 */
public interface ColumnarShuffleExchange {
    /** What the node delegates to. */
    ColumnarShuffleSupport support();
}
