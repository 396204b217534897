package dev.ember.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.spark.planning.EmberTags;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Operators that stay on the CPU, each with its reason, and the explanations of the planner. */
@ExtendWith(SparkSessionExtension.class)
class TestFallbacks {
    private static Dataset<Row> withBinary(SparkSession s) {
        StructType schema = new StructType().add("i", DataTypes.IntegerType).add("s", DataTypes.BinaryType);
        return s.createDataFrame(List.of(RowFactory.create(1, new byte[] {1}), RowFactory.create(null, null),
                RowFactory.create(3, new byte[0])), schema);
    }

    @BothAdaptiveModes
    void binaryColumnsStayOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff.of(spark).adaptive(adaptive).assertFallback(TestFallbacks::withBinary, "LocalTableScanExec",
                "output column s: type binary is not supported on the GPU");
    }

    @BothAdaptiveModes
    void disabledOperatorsStayOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.exec.RangeExec", "false")
                .assertFallback(s -> s.range(10).toDF(), "RangeExec", "disabled by spark.ember.sql.exec.RangeExec=false");
    }

    @BothAdaptiveModes
    void cheapOperatorsNeedAGpuNeighbour(boolean adaptive, SparkSession spark) {
        GpuDiff.Run run = GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.exec.RangeExec", "false")
                .assertFallback(s -> s.range(10).toDF().union(s.range(3).toDF()), "UnionExec",
                        "its parent and children stay on the CPU");
        assertThat(run.nodeNames()).noneMatch(n -> n.startsWith("Gpu"));
    }

    @Test
    void explainLogsEveryOperatorWithItsMarker(SparkSession spark) {
        try (LogCapture log = LogCapture.start()) {
            GpuDiff.of(spark).conf("spark.ember.sql.explain", "ALL").allowCpu("ProjectExec")
                    .assertGpuAndCpuEqual(s -> s.range(0, 20, 1, 2).selectExpr("id", "CAST(id AS BINARY) AS x"));
            String text = String.join("\n", log.messages());
            assertThat(text).contains("!Exec <ProjectExec> cannot run on the GPU because output column x: type binary")
                    .contains("*Exec <RangeExec> will run on the GPU");
        }
        try (LogCapture log = LogCapture.start()) {
            GpuDiff.of(spark).conf("spark.ember.sql.explain", "NOT_ON_GPU").allowCpu("ProjectExec")
                    .assertGpuAndCpuEqual(s -> s.range(0, 20, 1, 2).selectExpr("id", "CAST(id AS BINARY) AS x"));
            String text = String.join("\n", log.messages());
            assertThat(text).contains("!Exec <ProjectExec>").doesNotContain("*Exec <RangeExec>");
        }
    }

    @BothAdaptiveModes
    void explainOnlyPlansButLeavesEverythingOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff diff = GpuDiff.of(spark).adaptive(adaptive).conf("spark.ember.sql.mode", "explainOnly");
        try (LogCapture log = LogCapture.start()) {
            GpuDiff.Run cpu = diff.run(s -> s.range(0, 30, 1, 2).toDF().union(s.range(4).toDF()), false);
            GpuDiff.Run explained = diff.run(s -> s.range(0, 30, 1, 2).toDF().union(s.range(4).toDF()), true);
            assertThat(explained.rows()).containsExactlyInAnyOrderElementsOf(cpu.rows());
            assertThat(PlanText.normalized(explained.plan())).isEqualTo(PlanText.normalized(cpu.plan()));
            String text = String.join("\n", log.messages());
            assertThat(text).contains("explainOnly, nothing converted")
                    .contains("*Exec <RangeExec> will run on the GPU (explainOnly: left on the CPU)")
                    .contains("*Exec <UnionExec> will run on the GPU (explainOnly: left on the CPU)");
            SparkPlan range = explained.operators().stream().filter(p -> p.nodeName().equals("Range")).findFirst()
                    .orElseThrow();
            assertThat(range.getTagValue(EmberTags.NOT_ON_GPU).get()).contains("spark.ember.sql.mode=explainOnly");
        }
    }
}
