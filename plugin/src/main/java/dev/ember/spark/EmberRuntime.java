package dev.ember.spark;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Device;
import dev.ember.cuda.DeviceKind;
import dev.ember.cuda.Devices;
import dev.ember.cuda.column.ColumnTransfer;
import dev.ember.cuda.column.PinnedStagingPool;
import dev.ember.spark.conf.EmberConf;
import dev.ember.spark.exec.BroadcastBuildCache;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device of this JVM: one per executor, and in local mode one for the driver JVM, which is the
 * executor too. Opened lazily from the start-up settings (by the executor plugin, or by the first
 * GPU task), closed when the executor shuts down. Also holds the pinned staging buffers every
 * host↔device copy goes through; they are pinned when the device opens, not by the first task.
 */
public final class EmberRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmberRuntime.class);
    private static final AtomicBoolean WARNED_NO_GPU = new AtomicBoolean();
    private static EmberRuntime current;

    private final Device device;
    private final PinnedStagingPool staging;
    private final long stringBatchMaxBytes;
    private final BroadcastBuildCache broadcastBuilds = new BroadcastBuildCache();
    private final GpuSemaphore semaphore;

    private EmberRuntime(Device device, PinnedStagingPool staging, long stringBatchMaxBytes, int concurrentGpuTasks) {
        this.device = device;
        this.staging = staging;
        this.stringBatchMaxBytes = stringBatchMaxBytes;
        this.semaphore = new GpuSemaphore(concurrentGpuTasks);
    }

    /**
     * The runtime of this JVM, opened now from {@code conf} if it is not open yet.
     *
     * @throws dev.ember.cuda.DeviceUnavailableException when the settings ask for a device that is not
     *     there (auto without a GPU included: the planner keeps such plans on the CPU, so no GPU task asks)
     */
    public static synchronized EmberRuntime open(EmberConf conf) {
        requireNonNull(conf, "conf is null");
        if (current == null) {
            Optional<Device> device = Devices.open(conf.device(), conf.poolLimitBytes());
            if (device.isEmpty()) {
                throw new dev.ember.cuda.DeviceUnavailableException("spark.ember.device=auto found no usable GPU ("
                        + Devices.cudaStatus().reason() + "), but a GPU operator ran: the planner should have kept it on the CPU");
            }
            PinnedStagingPool staging = new PinnedStagingPool(device.get(), ColumnTransfer.DEFAULT_CHUNK_BYTES,
                    ColumnTransfer.DEFAULT_STAGING_BUFFERS);
            try {
                staging.acquire(ColumnTransfer.DEFAULT_STAGING_BUFFERS).close();
            } catch (RuntimeException | Error e) {
                staging.close();
                device.get().close();
                throw e;
            }
            current = new EmberRuntime(device.get(), staging, conf.stringBatchMaxBytes(), conf.concurrentGpuTasks());
            LOG.info("Ember opened {}", device.get().description());
        }
        return current;
    }

    /**
     * The runtime of this JVM, opened from the application's start-up settings if needed. Called by a
     * task, it first makes the task hold one of the executor's GPU permits ({@link GpuSemaphore}),
     * waiting for one if needed; so every GPU operator calls it before it touches the device.
     */
    public static EmberRuntime get() {
        EmberRuntime runtime;
        synchronized (EmberRuntime.class) {
            runtime = current;
        }
        if (runtime == null) {
            SparkEnv env = SparkEnv.get();
            if (env == null) {
                throw new IllegalStateException("no SparkEnv in this JVM: Ember's GPU operators run inside Spark tasks");
            }
            runtime = open(EmberConf.of(env.conf()));
        }
        runtime.semaphore.acquireForCurrentTask();
        return runtime;
    }

    /** Whether the runtime of this JVM is open. */
    public static synchronized boolean isOpen() {
        return current != null;
    }

    /** Closes the runtime of this JVM if it is open (executor shutdown). */
    public static synchronized void shutdown() {
        if (current != null) {
            EmberRuntime r = current;
            current = null;
            r.close();
        }
    }

    /**
     * Whether planning may put operators on the GPU with this device setting; for auto without a usable
     * GPU returns the reason, after logging it once per JVM.
     */
    public static Optional<String> deviceProblemForPlanning(DeviceKind kind) {
        if (kind != DeviceKind.AUTO) {
            return Optional.empty();
        }
        dev.ember.cuda.CudaStatus status = Devices.cudaStatus();
        if (status.usable()) {
            return Optional.empty();
        }
        if (WARNED_NO_GPU.compareAndSet(false, true)) {
            LOG.warn("Ember: spark.ember.device=auto found no usable GPU ({}); every query runs on the CPU, unchanged. "
                    + "Set spark.ember.device=emulated to validate on the CPU emulation.", status.reason());
        }
        return Optional.of("spark.ember.device=auto found no usable GPU (" + status.reason() + ")");
    }

    public Device device() {
        return device;
    }

    /** The most UTF-8 bytes one string column of a device batch holds ({@code spark.ember.sql.stringBatchMaxBytes}). */
    public long stringBatchMaxBytes() {
        return stringBatchMaxBytes;
    }

    /** A transfer through the shared staging buffers that counts its own bytes (one per task or operator). */
    public ColumnTransfer newTransfer() {
        return ColumnTransfer.using(staging);
    }

    /** The permits of this executor's tasks to use the GPU. */
    public GpuSemaphore semaphore() {
        return semaphore;
    }

    /** The device builds of this executor's broadcast hash joins, freed with their broadcasts. */
    public BroadcastBuildCache broadcastBuilds() {
        return broadcastBuilds;
    }

    @Override
    public void close() {
        try {
            try {
                broadcastBuilds.close();
            } finally {
                staging.close();
            }
        } finally {
            device.close();
            LOG.info("Ember closed its device");
        }
    }
}
