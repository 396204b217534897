package dev.ember.cuda.kernel;

/**
 * Grid and block dimensions and dynamic shared memory of one launch. Element-wise kernels use
 * grid-stride loops, so their grid is capped at a few waves of blocks per multiprocessor; kernels
 * that give each block a fixed tile (scans, compaction) use {@link #tiles}.
 */
public record LaunchConfig(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedMemBytes) {
    /** Threads per block for element-wise kernels. */
    public static final int DEFAULT_BLOCK = 256;
    /** Blocks per multiprocessor for grid-stride kernels: enough to hide latency, no more. */
    private static final int BLOCKS_PER_SM = 8;

    public LaunchConfig {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || sharedMemBytes < 0) {
            throw new IllegalArgumentException("invalid launch configuration " + gridX + "x" + gridY + "x" + gridZ
                    + " blocks of " + blockX + "x" + blockY + "x" + blockZ + ", shared " + sharedMemBytes);
        }
    }

    /** A one-dimensional launch of {@code grid} blocks of {@code block} threads. */
    public static LaunchConfig linear(int grid, int block) {
        return new LaunchConfig(grid, 1, 1, block, 1, 1, 0);
    }

    /** A grid-stride launch covering {@code elements} work items on a device with this many multiprocessors. */
    public static LaunchConfig gridStride(long elements, int multiProcessors) {
        long blocks = Math.max(1, (elements + DEFAULT_BLOCK - 1) / DEFAULT_BLOCK);
        long cap = (long) Math.max(1, multiProcessors) * BLOCKS_PER_SM;
        return linear((int) Math.min(blocks, cap), DEFAULT_BLOCK);
    }

    /** One block of {@code block} threads per tile of {@code tileSize} elements (at least one block). */
    public static LaunchConfig tiles(long elements, int tileSize, int block) {
        long blocks = Math.max(1, (elements + tileSize - 1) / tileSize);
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(elements + " elements need more than 2^31-1 tiles of " + tileSize);
        }
        return linear((int) blocks, block);
    }

    public long totalThreads() {
        return (long) gridX * gridY * gridZ * blockX * blockY * blockZ;
    }
}
