package dev.ember.spark.exec;

/**
 * A Spark operator whose columnar output is device batches ({@code ColumnarBatch}es of {@link
 * dev.ember.spark.columnar.GpuColumnVector}s). Its consumer owns each batch it receives and closes it.
 */
public interface GpuExec {}
