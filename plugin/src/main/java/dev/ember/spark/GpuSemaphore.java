package dev.ember.spark;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds how many tasks of one executor use the GPU at once ({@code spark.ember.sql.concurrentGpuTasks}).
 * Spark runs as many tasks as the executor has cores, and each one's device batches come out of the
 * same memory pool: without a bound, sixteen tasks of 256 MiB batches exhaust a pool that two tasks
 * use well, and the GPU gains nothing from more concurrent work than it can overlap. A task takes a
 * permit the first time it reaches the device and keeps it until it completes, so it never waits
 * for the GPU again halfway through its own batches (and never holds device memory while waiting).
 */
public final class GpuSemaphore {
    private static final Logger LOG = LoggerFactory.getLogger(GpuSemaphore.class);

    private final int permits;
    private final Semaphore semaphore;
    private final Set<Long> holders = ConcurrentHashMap.newKeySet();
    private final AtomicInteger peakHolders = new AtomicInteger();

    public GpuSemaphore(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, got " + permits);
        }
        this.permits = permits;
        this.semaphore = new Semaphore(permits, true);
    }

    /**
     * Makes the task of the calling thread hold a permit until it completes, waiting for one if every
     * permit is taken. Does nothing outside a task (the driver building a broadcast, tests) or when
     * the task already holds one.
     */
    public void acquireForCurrentTask() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return;
        }
        acquire(task.taskAttemptId(),
                release -> task.addTaskCompletionListener((TaskCompletionListener) context -> release.run()), () -> {
            task.killTaskIfInterrupted();
            return "task " + task.taskAttemptId() + " was interrupted while it waited for the GPU";
        });
    }

    /**
     * Takes a permit for {@code taskId} unless it holds one, and hands the release to {@code onCompletion}
     * (which must run it once, when the task ends); {@code interrupted} gives the message when the wait
     * is interrupted.
     */
    void acquire(long taskId, Consumer<Runnable> onCompletion, Supplier<String> interrupted) {
        requireNonNull(onCompletion, "onCompletion is null");
        requireNonNull(interrupted, "interrupted is null");
        if (holders.contains(taskId)) {
            return;
        }
        long start = System.nanoTime();
        try {
            semaphore.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted.get(), e);
        }
        if (!holders.add(taskId)) {
            semaphore.release();
            return;
        }
        peakHolders.accumulateAndGet(holders.size(), Math::max);
        long waitedNanos = System.nanoTime() - start;
        if (LOG.isDebugEnabled()) {
            LOG.debug("task {} took a GPU permit after {} ms ({} of {} in use)", taskId, waitedNanos / 1_000_000,
                    holders.size(), permits);
        }
        onCompletion.accept(() -> {
            if (holders.remove(taskId)) {
                semaphore.release();
            }
        });
    }

    /** The number of tasks that may use the GPU at once. */
    public int permits() {
        return permits;
    }

    /** The tasks holding a permit now. */
    public int holders() {
        return holders.size();
    }

    /** The most tasks that have held a permit at the same time since this executor opened its device. */
    public int peakHolders() {
        return peakHolders.get();
    }
}
