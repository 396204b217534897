package dev.ember.cuda.ops;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.Stream;
import java.util.NoSuchElementException;

/**
 * Hash join result chunks made of one list of selected row indices: probe rows alone (semi/anti),
 * probe rows with build row -1 (outer rows without a match) or build rows with probe row -1
 * (unmatched build rows), at most {@code maxRows} per chunk. The selection is owned and freed on close.
 */
final class HashJoinRowChunks implements HashJoin.Chunks {
    enum Layout {
        PROBE_ONLY,
        PROBE_WITHOUT_BUILD,
        BUILD_ONLY
    }

    private final Device device;
    private final Compaction.Selected selected;
    private final Layout layout;
    private final long maxRows;
    private final Stream stream;
    private long position;
    private boolean closed;

    HashJoinRowChunks(Device device, Compaction.Selected selected, Layout layout, long maxRows, Stream stream) {
        this.device = device;
        this.selected = selected;
        this.layout = layout;
        this.maxRows = maxRows;
        this.stream = stream;
    }

    @Override
    public boolean hasNext() {
        return !closed && position < selected.count();
    }

    @Override
    public HashJoin.Chunk next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more hash join chunks");
        }
        int rows = (int) Math.min(maxRows, selected.count() - position);
        DeviceBuffer indices;
        if (position == 0 && rows == selected.count()) {
            indices = selected.indices().incRef();
        } else {
            indices = device.allocate(rows * 4L, stream);
            device.copyDeviceToDevice(selected.indices().address(position * 4), indices.address(), rows * 4L, stream);
        }
        position += rows;
        try {
            if (layout == Layout.PROBE_ONLY) {
                return new HashJoin.Chunk(indices, null, rows, false);
            }
            DeviceBuffer none = device.allocate(rows * 4L, stream);
            try {
                Fill.fill(device, none.address(), rows, 4, -1, stream);
                return layout == Layout.BUILD_ONLY ? new HashJoin.Chunk(none, indices, rows, false)
                        : new HashJoin.Chunk(indices, none, rows, false);
            } catch (RuntimeException | Error e) {
                none.close();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            indices.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            selected.close();
        }
    }
}
