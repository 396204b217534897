package dev.ember.cuda;

/** A CUDA driver call failed. The message names the call, the error code and its name. */
public final class CudaException extends RuntimeException {
    private final int errorCode;

    public CudaException(String call, int errorCode, String errorName) {
        super(String.format("CUDA error in %s: %s (%d)", call, errorName, errorCode));
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }
}
