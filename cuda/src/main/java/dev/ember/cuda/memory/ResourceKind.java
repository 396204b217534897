package dev.ember.cuda.memory;

/** What a tracked resource holds; the leak check reports leaks per kind. */
public enum ResourceKind {
    DEVICE_MEMORY,
    PINNED_MEMORY,
    HOST_MEMORY,
    STREAM
}
