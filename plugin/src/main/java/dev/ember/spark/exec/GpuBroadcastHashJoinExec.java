package dev.ember.spark.exec;

import dev.ember.spark.EmberRuntime;
import dev.ember.spark.broadcast.BroadcastBatches;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.physical.BroadcastDistribution;
import org.apache.spark.sql.catalyst.plans.physical.BroadcastMode;
import org.apache.spark.sql.catalyst.plans.physical.BroadcastPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.IdentityBroadcastMode$;
import org.apache.spark.sql.catalyst.plans.physical.UnspecifiedDistribution$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's {@code BroadcastHashJoinExec} on device batches. The build side stays Spark's row
 * broadcast (asked for as plain rows, {@code IdentityBroadcastMode}; under adaptive execution the
 * already materialized stage's hashed relation, see {@link BroadcastRows}); each executor converts it
 * to a device table and hashes it once per broadcast and build keys, and every task of the executor
 * shares that build ({@link BroadcastBuildCache}, reference-counted). The stream side's batches probe
 * it ({@link HashJoinRun}). Output and partitioning are Spark's; there is no output ordering.
 */
public final class GpuBroadcastHashJoinExec extends GpuHashJoinExecBase {
    private final boolean isNullAwareAntiJoin;

    public GpuBroadcastHashJoinExec(Seq<Expression> leftKeys, Seq<Expression> rightKeys, JoinType joinType,
            BuildSide buildSide, Option<Expression> condition, boolean isNullAwareAntiJoin, long targetBatchBytes,
            SparkPlan left, SparkPlan right) {
        super(leftKeys, rightKeys, joinType, buildSide, condition, targetBatchBytes, left, right);
        this.isNullAwareAntiJoin = isNullAwareAntiJoin;
    }

    @Override
    protected BroadcastHashJoinExec cpu() {
        return new BroadcastHashJoinExec(leftKeys, rightKeys, joinType, buildSide, condition, left(), right(),
                isNullAwareAntiJoin);
    }

    @Override
    protected boolean isNullAwareAntiJoin() {
        return isNullAwareAntiJoin;
    }

    private boolean buildLeft() {
        return HashJoinSpec.isBuildLeft(buildSide);
    }

    /** The child that broadcasts the build rows. */
    public SparkPlan buildPlan() {
        return buildLeft() ? left() : right();
    }

    /** The index of {@link #buildPlan} among the children. */
    public int buildChildIndex() {
        return buildLeft() ? 0 : 1;
    }

    @Override
    protected Object[] fields() {
        return new Object[] {leftKeys, rightKeys, joinType, buildSide, condition, isNullAwareAntiJoin,
            targetBatchBytes, left(), right()};
    }

    /** The build side's broadcast as it is (rows, or a stage's hashed relation); the stream side anything. */
    @Override
    public Seq<Distribution> requiredChildDistribution() {
        BroadcastMode mode = buildPlan().outputPartitioning() instanceof BroadcastPartitioning b ? b.mode()
                : IdentityBroadcastMode$.MODULE$;
        Distribution build = new BroadcastDistribution(mode);
        Distribution stream = UnspecifiedDistribution$.MODULE$;
        return CollectionConverters.asScala(buildLeft() ? List.of(build, stream) : List.of(stream, build)).toList();
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        HashJoinSpec spec = spec();
        StructType schema = schema();
        StructType buildSchema = buildPlan().schema();
        OpMetrics metrics = opMetrics();
        long batchBytes = targetBatchBytes;
        Broadcast<Object> broadcast = buildPlan().executeBroadcast();
        String keys = spec.buildKeys().stream().map(e -> e.canonicalized().toString()).toList().toString();
        SparkPlan stream = buildLeft() ? right() : left();
        return stream.executeColumnar().toJavaRDD().mapPartitions(it -> {
            JoinBuild build = EmberRuntime.get().broadcastBuilds().acquire(broadcast.id(), keys,
                    () -> metrics.timeGpu(() -> deviceBuild(broadcast, spec, buildSchema, batchBytes)));
            return new HashJoinRun(spec, build, it, schema, batchBytes, metrics);
        }).rdd();
    }

    /**
     * The broadcast on the device, hashed: a GPU broadcast's batches are copied as they are; rows (a CPU
     * broadcast, or a stage's hashed relation) are converted first. The upload's batches are not this
     * operator's output.
     */
    private static JoinBuild deviceBuild(Broadcast<Object> broadcast, HashJoinSpec spec, StructType buildSchema,
            long batchBytes) {
        Object value = broadcast.value();
        if (value instanceof BroadcastBatches batches) {
            return JoinBuild.fromBatches(uploads(batches, buildSchema), spec);
        }
        var rows = BroadcastRows.of(value, buildSchema.size());
        int rowsPerBatch = dev.ember.spark.columnar.HostBatches.rowsPerBatch(buildSchema, batchBytes);
        return JoinBuild.fromBatches(GpuRowToColumnarExec.toDevice(rows, buildSchema, rowsPerBatch, batchBytes,
                OpMetrics.create(null, List.of())), spec);
    }

    /** A GPU broadcast's host batches, each uploaded as it is consumed. */
    private static java.util.Iterator<ColumnarBatch> uploads(BroadcastBatches batches, StructType schema) {
        OpMetrics none = OpMetrics.create(null, List.of());
        java.util.Iterator<dev.ember.cuda.column.HostTable> tables = batches.tables();
        return HostUploads.toDevice(tables, schema, none);
    }

    @Override
    public SparkPlan withNewChildrenInternal(SparkPlan newLeft, SparkPlan newRight) {
        return new GpuBroadcastHashJoinExec(leftKeys, rightKeys, joinType, buildSide, condition, isNullAwareAntiJoin,
                targetBatchBytes, newLeft, newRight);
    }
}
