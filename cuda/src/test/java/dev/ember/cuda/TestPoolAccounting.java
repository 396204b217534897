package dev.ember.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestPoolAccounting {
    @Test
    void reservesUpToTheLimitExactly() {
        PoolAccounting pool = new PoolAccounting(1000);
        pool.reserve(600);
        pool.reserve(400);
        assertThat(pool.stats()).isEqualTo(new MemoryPoolStats(1000, 1000, 1000, 2));
    }

    @Test
    void refusalNamesTheRequestAndThePoolAndChangesNothing() {
        PoolAccounting pool = new PoolAccounting(3L << 20);
        pool.reserve(2L << 20);
        assertThatThrownBy(() -> pool.reserve((1L << 20) + 1))
                .isInstanceOfSatisfying(GpuOutOfMemoryError.class, e -> {
                    assertThat(e.requestedBytes()).isEqualTo((1L << 20) + 1);
                    assertThat(e.pool()).isEqualTo(new MemoryPoolStats(2L << 20, 2L << 20, 3L << 20, 1));
                })
                .hasMessageContaining("1048577 bytes")
                .hasMessageContaining("used 2.0 MiB of limit 3.0 MiB")
                .hasMessageContaining("1 live allocations")
                .hasMessageContaining("exceeds the pool limit");
        assertThat(pool.stats()).isEqualTo(new MemoryPoolStats(2L << 20, 2L << 20, 3L << 20, 1));
    }

    @Test
    void releaseMakesRoomAndKeepsThePeak() {
        PoolAccounting pool = new PoolAccounting(100);
        pool.reserve(70);
        pool.release(70);
        pool.reserve(100);
        pool.reserve(0);
        assertThat(pool.stats()).isEqualTo(new MemoryPoolStats(100, 100, 100, 2));
        pool.release(100);
        pool.release(0);
        assertThat(pool.stats()).isEqualTo(new MemoryPoolStats(0, 100, 100, 0));
    }

    @Test
    void resetPeakStartsAtTheBytesInUse() {
        PoolAccounting pool = new PoolAccounting(100);
        pool.reserve(60);
        pool.reserve(30);
        pool.release(60);
        pool.resetPeak();
        assertThat(pool.stats()).isEqualTo(new MemoryPoolStats(30, 30, 100, 1));
        pool.reserve(20);
        pool.release(20);
        assertThat(pool.stats()).isEqualTo(new MemoryPoolStats(30, 50, 100, 1));
        pool.release(30);
    }

    @Test
    void hugeRequestsDoNotOverflow() {
        PoolAccounting pool = new PoolAccounting(Long.MAX_VALUE);
        pool.reserve(10);
        assertThatThrownBy(() -> pool.reserve(Long.MAX_VALUE)).isInstanceOf(GpuOutOfMemoryError.class);
        assertThat(pool.stats().usedBytes()).isEqualTo(10);
    }

    @Test
    void rejectsNonPositiveLimitsAndNegativeRequests() {
        assertThatThrownBy(() -> new PoolAccounting(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> new PoolAccounting(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PoolAccounting(10).reserve(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }
}
