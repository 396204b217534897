package dev.ember.cuda.driver;

import jcuda.NativePointerObject;

/**
 * Reads the raw value of a JCuda handle ({@code CUcontext}, {@code CUstream}, ...). JCuda keeps it in
 * a field only subclasses may read, and protected access from another package only works on the
 * subclass's own instances, hence the copy through the protected copy constructor.
 */
final class NativeHandles extends NativePointerObject {
    private NativeHandles(NativePointerObject other) {
        super(other);
    }

    static long valueOf(NativePointerObject handle) {
        return handle == null ? 0 : new NativeHandles(handle).getNativePointer();
    }
}
