package dev.ember.cuda.column;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.Device;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.testing.TestDevices;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TestPinnedStagingPool {
    private final Device device = TestDevices.device();

    @Test
    void reusesBuffersUpToItsBound() {
        try (PinnedStagingPool pool = new PinnedStagingPool(device, 1024, 3)) {
            long firstId;
            try (PinnedStagingPool.Lease lease = pool.acquire(2)) {
                assertThat(lease.size()).isEqualTo(2);
                assertThat(lease.get(0).size()).isEqualTo(1024);
                firstId = lease.get(0).trackingId();
            }
            try (PinnedStagingPool.Lease lease = pool.acquire(3)) {
                assertThat(pool.allocatedBuffers()).isEqualTo(3);
                boolean reused = false;
                for (int i = 0; i < 3; i++) {
                    reused |= lease.get(i).trackingId() == firstId;
                }
                assertThat(reused).as("an idle buffer is handed out again").isTrue();
            }
            assertThat(pool.allocatedBuffers()).isEqualTo(3);
        }
    }

    @Test
    void waitsForBuffersInUseAndHandsOutAllOrNone() throws Exception {
        try (PinnedStagingPool pool = new PinnedStagingPool(device, 64, 2)) {
            PinnedStagingPool.Lease first = pool.acquire(1);
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
                try (PinnedStagingPool.Lease lease = pool.acquire(2)) {
                    return lease.size();
                }
            });
            Thread.sleep(100);
            assertThat(second).as("two buffers are not free while one is leased").isNotDone();
            assertThat(pool.allocatedBuffers()).isEqualTo(1);
            first.close();
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(pool.allocatedBuffers()).isEqualTo(2);
        }
    }

    @Test
    void closeFreesIdleBuffersNowAndLeasedOnesOnReturn() {
        PinnedStagingPool pool = new PinnedStagingPool(device, 64, 4);
        PinnedStagingPool.Lease leased = pool.acquire(2);
        PinnedBuffer out = leased.get(0);
        PinnedBuffer idle;
        try (PinnedStagingPool.Lease lease = pool.acquire(1)) {
            idle = lease.get(0);
        }
        pool.close();
        assertThat(idle.isClosed()).isTrue();
        assertThat(out.isClosed()).isFalse();
        leased.close();
        assertThat(out.isClosed()).isTrue();
        assertThat(pool.allocatedBuffers()).isZero();
        assertThatThrownBy(() -> pool.acquire(1)).hasMessageContaining("pool is closed");
        assertThatThrownBy(() -> leased.get(0)).hasMessageContaining("already returned");
    }

    @Test
    void rejectsUnusableSizes() {
        assertThatThrownBy(() -> new PinnedStagingPool(device, 8, 2)).hasMessageContaining("16 B to 2 GiB");
        assertThatThrownBy(() -> new PinnedStagingPool(device, 1024, 1)).hasMessageContaining("at least 2 staging buffers");
        try (PinnedStagingPool pool = new PinnedStagingPool(device, 1024, 2)) {
            assertThatThrownBy(() -> pool.acquire(3)).hasMessageContaining("1 to 2 staging buffers, not 3");
        }
    }
}
