package dev.ember.cuda;

/** An ordered queue of device work. Closing the default stream has no effect. */
public interface Stream extends AutoCloseable {
    /** Blocks until all work queued on this stream is done. */
    void synchronize();

    /** The native handle ({@code CUstream}) as a number; 0 for the default or an emulated stream. */
    long handle();

    @Override
    void close();
}
