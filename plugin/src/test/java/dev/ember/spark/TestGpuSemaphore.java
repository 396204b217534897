package dev.ember.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TestGpuSemaphore {
    /** Stands for Spark's task completion listeners: collects the releases and runs them on demand. */
    private static final class Completions implements Consumer<Runnable> {
        private final List<Runnable> releases = new ArrayList<>();

        @Override
        public synchronized void accept(Runnable release) {
            releases.add(release);
        }

        synchronized void complete() {
            releases.forEach(Runnable::run);
            releases.clear();
        }

        synchronized int registered() {
            return releases.size();
        }
    }

    @Test
    void aTaskTakesOnePermitHoweverOftenItAsks() {
        GpuSemaphore semaphore = new GpuSemaphore(1);
        Completions task = new Completions();
        for (int i = 0; i < 5; i++) {
            semaphore.acquire(7, task, () -> "interrupted");
        }
        assertThat(semaphore.holders()).isEqualTo(1);
        assertThat(task.registered()).isEqualTo(1);
        task.complete();
        assertThat(semaphore.holders()).isZero();
    }

    @Test
    void aTaskBeyondThePermitsWaitsUntilAnotherCompletes() throws Exception {
        GpuSemaphore semaphore = new GpuSemaphore(2);
        Completions first = new Completions();
        Completions second = new Completions();
        semaphore.acquire(1, first, () -> "interrupted");
        semaphore.acquire(2, second, () -> "interrupted");

        CountDownLatch acquired = new CountDownLatch(1);
        Completions third = new Completions();
        Thread waiter = new Thread(() -> {
            semaphore.acquire(3, third, () -> "interrupted");
            acquired.countDown();
        });
        waiter.start();
        assertThat(acquired.await(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(semaphore.holders()).isEqualTo(2);

        second.complete();
        assertThat(acquired.await(10, TimeUnit.SECONDS)).isTrue();
        waiter.join();
        assertThat(semaphore.holders()).isEqualTo(2);
        assertThat(semaphore.peakHolders()).isEqualTo(2);
        first.complete();
        third.complete();
        assertThat(semaphore.holders()).isZero();
    }

    @Test
    void manyTasksNeverHoldMoreThanThePermits() throws Exception {
        GpuSemaphore semaphore = new GpuSemaphore(3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            long taskId = t;
            threads.add(new Thread(() -> {
                for (int round = 0; round < 50; round++) {
                    Completions task = new Completions();
                    semaphore.acquire(taskId * 1000 + round, task, () -> "interrupted");
                    mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.onSpinWait();
                    inside.decrementAndGet();
                    task.complete();
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertThat(mostInside.get()).isBetween(1, 3);
        assertThat(semaphore.peakHolders()).isBetween(1, 3);
        assertThat(semaphore.holders()).isZero();
    }

    @Test
    void anInterruptedWaitFailsWithTheTasksMessage() throws Exception {
        GpuSemaphore semaphore = new GpuSemaphore(1);
        Completions holder = new Completions();
        semaphore.acquire(1, holder, () -> "interrupted");
        List<Throwable> failures = new ArrayList<>();
        Thread waiter = new Thread(() -> {
            try {
                semaphore.acquire(2, new Completions(), () -> "task 2 was interrupted while it waited for the GPU");
            } catch (RuntimeException e) {
                synchronized (failures) {
                    failures.add(e);
                }
            }
        });
        waiter.start();
        Thread.sleep(100);
        waiter.interrupt();
        waiter.join(10_000);
        assertThat(failures).singleElement().satisfies(e -> assertThatThrownBy(() -> {
            throw e;
        }).hasMessage("task 2 was interrupted while it waited for the GPU"));
        assertThat(semaphore.holders()).isEqualTo(1);
        holder.complete();
        assertThat(semaphore.holders()).isZero();
    }

    @Test
    void outsideATaskNothingIsTaken() {
        GpuSemaphore semaphore = new GpuSemaphore(1);
        semaphore.acquireForCurrentTask();
        semaphore.acquireForCurrentTask();
        assertThat(semaphore.holders()).isZero();
    }

    @Test
    void rejectsFewerThanOnePermit() {
        assertThatThrownBy(() -> new GpuSemaphore(0)).hasMessageContaining("at least 1");
    }
}
