package dev.ember.bench;

/**
 * One kernel benchmark's data, resident on the device, and the work one invocation does on it. A
 * workload allocates its inputs when created and frees them on {@link #close()}; everything a run
 * allocates is freed before the run returns.
 */
interface KernelWorkload extends AutoCloseable {
    /** Runs the work once and waits for the device to finish it. */
    Work run();

    @Override
    void close();

    /**
     * What one run did: {@code rows} input rows and {@code bytes} moved (each workload says which
     * bytes it counts).
     */
    record Work(long rows, long bytes) {}

    /**
     * The sizes of a kernel benchmark: {@code rows} input rows (or int64 values copied), {@code
     * joinBuildRows} build keys of the join workloads, {@code groups} distinct aggregation keys.
     */
    record Sizes(int rows, int joinBuildRows, int groups) {
        public Sizes {
            if (rows < 1 || joinBuildRows < 1 || groups < 1) {
                throw new IllegalArgumentException("sizes must be positive: rows " + rows + ", joinBuildRows "
                        + joinBuildRows + ", groups " + groups);
            }
        }
    }
}
