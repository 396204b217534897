// In Spark's package: the broadcast and job-tag calls a broadcast exchange makes are private[spark].
package org.apache.spark.sql.ember.spark35

import java.util.concurrent.{TimeoutException, TimeUnit}

import scala.concurrent.{ExecutionContext, Promise}
import scala.jdk.CollectionConverters._
import scala.util.control.NonFatal

import dev.ember.shims.{ColumnarBroadcastExchange, ColumnarBroadcastSupport}
import org.apache.spark.broadcast
import org.apache.spark.rdd.RDD
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.catalyst.plans.logical.Statistics
import org.apache.spark.sql.catalyst.plans.physical.{BroadcastMode, BroadcastPartitioning, Partitioning}
import org.apache.spark.sql.errors.QueryExecutionErrors
import org.apache.spark.sql.execution.{SparkPlan, SQLExecution}
import org.apache.spark.sql.execution.exchange.BroadcastExchangeLike
import org.apache.spark.sql.execution.metric.{SQLMetric, SQLMetrics}
import org.apache.spark.sql.internal.StaticSQLConf
import org.apache.spark.util.{SparkFatalException, ThreadUtils}

/**
 * Spark 3.5's columnar broadcast exchange node: Spark's `BroadcastExchangeExec` (the same
 * asynchronous job, timeout, cancellation by job tag and serialized-only broadcast) around the
 * plugin's Java `support`, which collects the child's device batches and makes the value.
 */
case class GpuBroadcastExchangeExec(mode: BroadcastMode, child: SparkPlan)(val support: ColumnarBroadcastSupport)
  extends BroadcastExchangeLike with ColumnarBroadcastExchange {

  override protected def otherCopyArgs: Seq[AnyRef] = support :: Nil

  override lazy val metrics: Map[String, SQLMetric] = support.createMetrics(sparkContext).asScala.toMap

  override def outputPartitioning: Partitioning = BroadcastPartitioning(mode)

  override def doCanonicalize(): SparkPlan =
    GpuBroadcastExchangeExec(mode.canonicalized, child.canonicalized)(support)

  override def runtimeStatistics: Statistics = support.runtimeStatistics(metrics.asJava)

  @transient private lazy val promise = Promise[broadcast.Broadcast[Any]]()

  @transient override lazy val completionFuture: scala.concurrent.Future[broadcast.Broadcast[Any]] =
    promise.future

  @transient private val timeout: Long = conf.broadcastTimeout

  @transient override lazy val relationFuture: java.util.concurrent.Future[broadcast.Broadcast[Any]] = {
    SQLExecution.withThreadLocalCaptured[broadcast.Broadcast[Any]](
      session, GpuBroadcastExchangeExec.executionContext) {
      try {
        sparkContext.addJobTag(jobTag)
        sparkContext.setInterruptOnCancel(true)
        val relation = support.relation(child, mode, metrics.asJava)
        val beforeBroadcast = System.nanoTime()
        val broadcasted = sparkContext.broadcastInternal[Any](relation, serializedOnly = true)
        metrics("broadcastTime") += TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeBroadcast)
        val executionId = sparkContext.getLocalProperty(SQLExecution.EXECUTION_ID_KEY)
        SQLMetrics.postDriverMetricUpdates(sparkContext, executionId, metrics.values.toSeq)
        promise.trySuccess(broadcasted)
        broadcasted
      } catch {
        case e if !NonFatal(e) =>
          val ex = new SparkFatalException(e)
          promise.tryFailure(ex)
          throw ex
        case e: Throwable =>
          promise.tryFailure(e)
          throw e
      }
    }
  }

  override protected def doPrepare(): Unit = {
    relationFuture
  }

  override protected def doExecute(): RDD[InternalRow] =
    throw QueryExecutionErrors.executeCodePathUnsupportedError("GpuBroadcastExchange")

  override protected[sql] def doExecuteBroadcast[T](): broadcast.Broadcast[T] = {
    try {
      relationFuture.get(timeout, TimeUnit.SECONDS).asInstanceOf[broadcast.Broadcast[T]]
    } catch {
      case ex: TimeoutException =>
        if (!relationFuture.isDone) {
          sparkContext.cancelJobsWithTag(jobTag)
          relationFuture.cancel(true)
        }
        throw QueryExecutionErrors.executeBroadcastTimeoutError(timeout, Some(ex))
    }
  }

  override protected def withNewChildInternal(newChild: SparkPlan): GpuBroadcastExchangeExec =
    copy(child = newChild)(support)
}

object GpuBroadcastExchangeExec {
  private val executionContext = ExecutionContext.fromExecutorService(
    ThreadUtils.newDaemonCachedThreadPool("ember-broadcast-exchange",
      org.apache.spark.sql.internal.SQLConf.get.getConf(StaticSQLConf.BROADCAST_EXCHANGE_MAX_THREAD_THRESHOLD)))
}
