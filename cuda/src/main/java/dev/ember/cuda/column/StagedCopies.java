package dev.ember.cuda.column;

import dev.ember.cuda.Device;
import dev.ember.cuda.PinnedBuffer;
import dev.ember.cuda.Stream;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;
import sun.misc.Unsafe;

/**
 * Host↔device copies through two pinned staging buffers. The segments are cut into batches that
 * each fill one staging buffer; while the device copies batch k out of (or into) one buffer, the
 * host copies batch k+1 into (or batch k-1 out of) the other. The {@link Device} interface offers
 * streams but no events, so a buffer is known to be free again after a {@link
 * Stream#synchronize()}; the order below puts exactly one synchronize between reusing a buffer and
 * the last device copy that touched it. On a device whose copies run synchronously (the
 * emulation) the same order is trivially correct.
 */
final class StagedCopies {
    private static final Unsafe UNSAFE = MemoryUtil.UNSAFE;

    private StagedCopies() {}

    /**
     * One contiguous copy. The host side is {@code hostAddress}, or, for small uploads built on the
     * Java heap, {@code hostArray} (then {@code hostAddress} is ignored).
     */
    record Segment(long hostAddress, byte[] hostArray, long deviceAddress, long bytes) {
        static Segment host(long hostAddress, long deviceAddress, long bytes) {
            return new Segment(hostAddress, null, deviceAddress, bytes);
        }

        static Segment array(byte[] hostArray, long deviceAddress) {
            return new Segment(0, hostArray, deviceAddress, hostArray.length);
        }
    }

    /** Part of a segment placed at {@code stagingOffset} in a staging buffer. */
    private record Piece(Segment segment, long segmentOffset, long stagingOffset, long bytes) {}

    /** Splits the segments into batches of at most {@code chunk} bytes, each filling one staging buffer. */
    private static List<List<Piece>> plan(List<Segment> segments, long chunk) {
        List<List<Piece>> batches = new ArrayList<>();
        List<Piece> batch = new ArrayList<>();
        long used = 0;
        for (Segment s : segments) {
            long done = 0;
            while (done < s.bytes()) {
                if (used == chunk) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                    used = 0;
                }
                long n = Math.min(s.bytes() - done, chunk - used);
                batch.add(new Piece(s, done, used, n));
                used += n;
                done += n;
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    /** Copies every segment from the host to the device; returns when the device holds the data. */
    static long upload(Device device, Stream stream, PinnedStagingPool pool, List<Segment> segments) {
        List<List<Piece>> batches = plan(segments, pool.bufferBytes());
        if (batches.isEmpty()) {
            return 0;
        }
        long bytes = 0;
        try (PinnedStagingPool.Lease lease = pool.acquire(2)) {
            try {
                stage(batches.get(0), lease.get(0));
                for (int k = 0; k < batches.size(); k++) {
                    // Copies of batch k-1 are done, so the buffer batch k+1 goes into is free.
                    stream.synchronize();
                    PinnedBuffer staging = lease.get(k & 1);
                    for (Piece p : batches.get(k)) {
                        device.copyHostToDevice(staging.address() + p.stagingOffset(),
                                p.segment().deviceAddress() + p.segmentOffset(), p.bytes(), stream);
                        bytes += p.bytes();
                    }
                    if (k + 1 < batches.size()) {
                        // Overlaps the device copies of batch k just queued.
                        stage(batches.get(k + 1), lease.get((k + 1) & 1));
                    }
                }
            } finally {
                // No copy may still read a staging buffer when it goes back to the pool.
                stream.synchronize();
            }
        }
        return bytes;
    }

    /** Copies every segment from the device to the host; returns when the host holds the data. */
    static long download(Device device, Stream stream, PinnedStagingPool pool, List<Segment> segments) {
        List<List<Piece>> batches = plan(segments, pool.bufferBytes());
        if (batches.isEmpty()) {
            return 0;
        }
        long bytes = 0;
        try (PinnedStagingPool.Lease lease = pool.acquire(2)) {
            try {
                queueDownload(device, stream, batches.get(0), lease.get(0));
                for (int k = 0; k < batches.size(); k++) {
                    // Copies of batch k are done; batch k-1's buffer was drained in the last round.
                    stream.synchronize();
                    if (k + 1 < batches.size()) {
                        queueDownload(device, stream, batches.get(k + 1), lease.get((k + 1) & 1));
                    }
                    // Overlaps the device copies of batch k+1 just queued.
                    bytes += drain(batches.get(k), lease.get(k & 1));
                }
            } finally {
                stream.synchronize();
            }
        }
        return bytes;
    }

    private static void stage(List<Piece> batch, PinnedBuffer staging) {
        long base = staging.address();
        for (Piece p : batch) {
            Segment s = p.segment();
            if (s.hostArray() != null) {
                UNSAFE.copyMemory(s.hostArray(), Unsafe.ARRAY_BYTE_BASE_OFFSET + p.segmentOffset(), null,
                        base + p.stagingOffset(), p.bytes());
            } else {
                UNSAFE.copyMemory(s.hostAddress() + p.segmentOffset(), base + p.stagingOffset(), p.bytes());
            }
        }
    }

    private static void queueDownload(Device device, Stream stream, List<Piece> batch, PinnedBuffer staging) {
        for (Piece p : batch) {
            device.copyDeviceToHost(p.segment().deviceAddress() + p.segmentOffset(),
                    staging.address() + p.stagingOffset(), p.bytes(), stream);
        }
    }

    private static long drain(List<Piece> batch, PinnedBuffer staging) {
        long base = staging.address();
        long bytes = 0;
        for (Piece p : batch) {
            Segment s = p.segment();
            if (s.hostArray() != null) {
                throw new IllegalArgumentException("downloads go to host addresses, not arrays");
            }
            UNSAFE.copyMemory(base + p.stagingOffset(), s.hostAddress() + p.segmentOffset(), p.bytes());
            bytes += p.bytes();
        }
        return bytes;
    }
}
