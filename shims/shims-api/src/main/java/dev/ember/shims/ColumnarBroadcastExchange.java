package dev.ember.shims;

/** Implemented by every shim's columnar broadcast exchange node: its input is device batches. */
public interface ColumnarBroadcastExchange {
    /** What the node delegates to. */
    ColumnarBroadcastSupport support();
}
