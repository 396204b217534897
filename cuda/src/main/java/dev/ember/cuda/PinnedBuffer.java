package dev.ember.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.memory.RefCountedResource;
import dev.ember.cuda.memory.ResourceKind;
import java.nio.ByteBuffer;

/**
 * An owning, ref-counted allocation of page-locked host memory, the staging area for asynchronous
 * host↔device copies. Readable and writable from Java through {@link #asByteBuffer()}.
 */
public final class PinnedBuffer extends RefCountedResource {
    private final long address;
    private final long size;
    private final ByteBuffer view;

    private PinnedBuffer(long address, long size, ByteBuffer view, Runnable free) {
        super(ResourceKind.PINNED_MEMORY, size, "pinned host buffer", free);
        this.address = address;
        this.size = size;
        this.view = view;
    }

    /**
     * For device implementations: wraps pinned memory they allocated. {@code view} is a direct buffer
     * over exactly that memory; {@code free} must not reference the returned object.
     */
    public static PinnedBuffer wrap(long address, long size, ByteBuffer view, Runnable free) {
        requireNonNull(view, "view is null");
        requireNonNull(free, "free is null");
        if (!view.isDirect() || view.capacity() != size) {
            throw new IllegalArgumentException("view must be a direct buffer of " + size + " bytes");
        }
        return new PinnedBuffer(address, size, view, free);
    }

    /** The host address of the first byte. */
    public long address() {
        checkOpen();
        return address;
    }

    public long size() {
        return size;
    }

    /** A new little-endian view of the whole buffer (valid while this buffer is open). */
    public ByteBuffer asByteBuffer() {
        checkOpen();
        return view.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public String toString() {
        return "PinnedBuffer[" + Bytes.format(size) + "]";
    }
}
