package dev.ember.spark.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.memory.Closeables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.apache.spark.SparkEnv;
import org.apache.spark.storage.BroadcastBlockId;

/**
 * The device builds of broadcast hash joins on this executor, one per broadcast (and build key
 * expressions: one broadcast reused by two joins on other keys has two builds), converted and copied
 * to the device by the first task that needs it and shared by every later task (each holds a reference
 * while it runs; the cache holds one more).
 *
 * <p>Freeing: an executor learns that a broadcast is gone when Spark removes its blocks (its
 * {@code ContextCleaner} once the driver's broadcast is unreachable, {@code unpersist}, {@code
 * destroy}). Each acquire first drops the builds whose broadcast has no block left in this executor's
 * block manager ({@link #evictRemoved}), and the executor's shutdown closes them all ({@link #close},
 * from {@code EmberRuntime}). A build in use by a running task lives until that task ends.
 */
public final class BroadcastBuildCache implements AutoCloseable {
    private record Key(long broadcastId, String buildKeys) {}

    private final Map<Key, JoinBuild> builds = new LinkedHashMap<>();
    private final LongPredicate broadcastPresent;
    private boolean closed;

    /** A cache that asks this executor's block manager whether a broadcast is still there. */
    public BroadcastBuildCache() {
        this(BroadcastBuildCache::blockPresent);
    }

    BroadcastBuildCache(LongPredicate broadcastPresent) {
        this.broadcastPresent = requireNonNull(broadcastPresent, "broadcastPresent is null");
    }

    private static boolean blockPresent(long broadcastId) {
        SparkEnv env = SparkEnv.get();
        return env == null || env.blockManager().getStatus(new BroadcastBlockId(broadcastId, "")).isDefined();
    }

    /**
     * A reference (the caller closes it) to the build of broadcast {@code broadcastId} over {@code
     * buildKeys}, made by {@code make} if this executor has none yet. Builds are made one at a time.
     */
    synchronized JoinBuild acquire(long broadcastId, String buildKeys, Supplier<JoinBuild> make) {
        if (closed) {
            throw new IllegalStateException("the executor's broadcast join builds are closed (executor shutdown)");
        }
        evictRemoved(broadcastId);
        Key key = new Key(broadcastId, buildKeys);
        JoinBuild build = builds.get(key);
        if (build == null) {
            build = requireNonNull(make.get(), "make returned null");
            builds.put(key, build);
        }
        return build.incRef();
    }

    /** Drops the builds of broadcasts whose blocks are gone, except {@code inUse}'s; returns how many. */
    public synchronized int evictRemoved(long inUse) {
        List<JoinBuild> dropped = new ArrayList<>();
        builds.entrySet().removeIf(e -> {
            if (e.getKey().broadcastId() != inUse && !broadcastPresent.test(e.getKey().broadcastId())) {
                dropped.add(e.getValue());
                return true;
            }
            return false;
        });
        Closeables.closeAll(dropped);
        return dropped.size();
    }

    /** The builds held. */
    public synchronized int size() {
        return builds.size();
    }

    /** The broadcast ids with a build here. */
    public synchronized List<Long> broadcastIds() {
        return builds.keySet().stream().map(Key::broadcastId).distinct().toList();
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<JoinBuild> all = new ArrayList<>(builds.values());
        builds.clear();
        Closeables.closeAll(all);
    }
}
