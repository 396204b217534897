// In Spark's package: the shuffle statistics and map-stage submission an exchange overrides are
// private[spark].
package org.apache.spark.sql.ember.spark35

import scala.concurrent.Future
import scala.jdk.CollectionConverters._

import dev.ember.shims.{ColumnarShuffleExchange, ColumnarShuffleSupport}
import org.apache.spark.{MapOutputStatistics, ShuffleDependency}
import org.apache.spark.rdd.RDD
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.catalyst.plans.logical.Statistics
import org.apache.spark.sql.catalyst.plans.physical.Partitioning
import org.apache.spark.sql.execution.{ShufflePartitionSpec, SparkPlan}
import org.apache.spark.sql.execution.exchange.{ShuffleExchangeLike, ShuffleOrigin}
import org.apache.spark.sql.execution.metric.SQLMetric
import org.apache.spark.sql.vectorized.ColumnarBatch

/**
 * Spark 3.5's columnar shuffle exchange node. Only Scala can subclass `Exchange`, so this class holds
 * what must live on the node (the dependency, the cached RDD, the metrics: each copy of the node has
 * its own) and hands everything else to the plugin's Java `support` at once.
 */
case class GpuShuffleExchangeExec(
    override val outputPartitioning: Partitioning,
    child: SparkPlan,
    shuffleOrigin: ShuffleOrigin,
    advisoryPartitionSize: Option[Long])(val support: ColumnarShuffleSupport)
  extends ShuffleExchangeLike with ColumnarShuffleExchange {

  override protected def otherCopyArgs: Seq[AnyRef] = support :: Nil

  override lazy val metrics: Map[String, SQLMetric] = support.createMetrics(sparkContext).asScala.toMap

  /**
   * Device batches only: a row parent gets a transition (at a stage's root, the plugin removes the one
   * adaptive execution adds, as the parent stage reads the batches).
   */
  override def supportsColumnar: Boolean = true

  override def supportsRowBased: Boolean = false

  @transient lazy val shuffleDependency: ShuffleDependency[Object, Object, Object] =
    support.dependency(child, outputPartitioning, metrics.asJava)

  @transient override lazy val mapOutputStatisticsFuture: Future[MapOutputStatistics] = {
    if (shuffleDependency.rdd.getNumPartitions == 0) {
      Future.successful(null)
    } else {
      sparkContext.submitMapStage(shuffleDependency)
    }
  }

  override def numMappers: Int = shuffleDependency.rdd.getNumPartitions

  override def numPartitions: Int = shuffleDependency.partitioner.numPartitions

  override def getShuffleRDD(partitionSpecs: Array[ShufflePartitionSpec]): RDD[ColumnarBatch] =
    support.shuffleRdd(shuffleDependency, partitionSpecs, metrics.asJava)

  override def runtimeStatistics: Statistics = support.runtimeStatistics(metrics.asJava)

  @transient private var cachedBatches: RDD[ColumnarBatch] = _

  override protected def doExecuteColumnar(): RDD[ColumnarBatch] = {
    if (cachedBatches == null) {
      cachedBatches = support.shuffleRdd(shuffleDependency, null, metrics.asJava)
    }
    cachedBatches
  }

  override protected def doExecute(): RDD[InternalRow] = support.rows(executeColumnar(), this)

  override protected def withNewChildInternal(newChild: SparkPlan): GpuShuffleExchangeExec =
    copy(child = newChild)(support)
}
