package dev.ember.cuda.driver;

import dev.ember.cuda.CudaException;
import jcuda.driver.CUresult;

/**
 * Return-code checking for JCuda driver calls. JCuda's own exceptions are switched off (see
 * {@link JCudaNatives}), so every call site passes its result here and gets a {@link CudaException}
 * naming the call, the code and its name.
 */
final class Driver {
    private Driver() {}

    static void check(String call, int result) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw error(call, result);
        }
    }

    static CudaException error(String call, int result) {
        return new CudaException(call, result, CUresult.stringFor(result));
    }

    /** "CUDA_ERROR_NO_DEVICE (100)", for messages that are not exceptions. */
    static String describe(int result) {
        return CUresult.stringFor(result) + " (" + result + ")";
    }
}
