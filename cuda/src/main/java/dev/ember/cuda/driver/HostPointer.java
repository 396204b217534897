package dev.ember.cuda.driver;

import jcuda.Pointer;

/**
 * A JCuda {@link Pointer} to or from a raw host address (pinned or not), built with Pointer's
 * protected address constructor; also the output of {@code cuMemHostAlloc}, whose address it reads.
 */
final class HostPointer extends Pointer {
    /** An empty pointer for the driver to fill in. */
    HostPointer() {}

    private HostPointer(long address) {
        super(address);
    }

    static HostPointer at(long address) {
        return new HostPointer(address);
    }

    long address() {
        return getNativePointer() + getByteOffset();
    }
}
