package dev.ember.spark.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.spark.exec.GpuColumnarToRowExec;
import dev.ember.spark.exec.GpuLocalLimitExec;
import dev.ember.spark.exec.GpuLocalTableScanExec;
import dev.ember.spark.exec.GpuUnionExec;
import dev.ember.spark.exec.HostColumnarToGpuExec;
import dev.ember.spark.planning.EmberTags;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.RowToColumnarExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.LocalTableScanExec;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.command.ExecutedCommandExec;
import org.apache.spark.sql.execution.command.SetCommand;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

class TestPlanSummaries {
    private static <T> Seq<T> seq(List<T> list) {
        return CollectionConverters.asScala(list).toList();
    }

    private static SparkPlan cpuScan() {
        return new LocalTableScanExec(seq(List.<Attribute>of()), seq(List.<InternalRow>of()));
    }

    private static SparkPlan gpuScan() {
        return new GpuLocalTableScanExec(seq(List.<Attribute>of()), seq(List.<InternalRow>of()), 1024);
    }

    /**
     * Project (CPU, tagged) ← whole-stage codegen ← input adapter ← GPU-to-rows ← GPU union of a GPU
     * limit over a GPU scan and an upload of a CPU scan (untagged) through Spark's row-to-columnar.
     */
    private static SparkPlan mixedPlan() {
        SparkPlan upload = new HostColumnarToGpuExec(new RowToColumnarExec(cpuScan()));
        SparkPlan union = new GpuUnionExec(seq(List.of(new GpuLocalLimitExec(5, gpuScan()), upload)));
        ProjectExec project = new ProjectExec(seq(List.<NamedExpression>of()),
                new InputAdapter(new GpuColumnarToRowExec(union)));
        project.setTagValue(EmberTags.NOT_ON_GPU, "output column <b>&x: type map<string,int> is not supported");
        return new WholeStageCodegenExec(project, 1);
    }

    @Test
    void countsOperatorsButNotPlumbingOrTransitions() {
        PlanSummary s = PlanSummaries.of(7, "q", mixedPlan());
        // Project, GpuUnion, GpuLocalLimit, GpuLocalTableScan, LocalTableScan.
        assertThat(s.operators()).isEqualTo(5);
        assertThat(s.gpuOperators()).isEqualTo(3);
        assertThat(s.executionId()).isEqualTo(7);
        assertThat(s.description()).isEqualTo("q");
    }

    @Test
    void listsEveryCpuOperatorWithItsReasonInPlanOrder() {
        PlanSummary s = PlanSummaries.of(7, "q", mixedPlan());
        assertThat(s.fallbacks()).containsExactly(
                new PlanSummary.Fallback("Project", "output column <b>&x: type map<string,int> is not supported"),
                new PlanSummary.Fallback("LocalTableScan", PlanSummaries.NO_REASON));
    }

    @Test
    void aPlanFullyOnTheGpuHasNoFallbacks() {
        PlanSummary s = PlanSummaries.of(1, "q", new GpuColumnarToRowExec(new GpuLocalLimitExec(1, gpuScan())));
        assertThat(s.operators()).isEqualTo(2);
        assertThat(s.gpuOperators()).isEqualTo(2);
        assertThat(s.fallbacks()).isEmpty();
    }

    @Test
    void classifiesNodes() {
        assertThat(PlanSummaries.isOperator(cpuScan())).isTrue();
        assertThat(PlanSummaries.isOperator(new RowToColumnarExec(cpuScan()))).isFalse();
        assertThat(PlanSummaries.isOperator(new GpuColumnarToRowExec(gpuScan()))).isFalse();
        assertThat(PlanSummaries.isOperator(new ExecutedCommandExec(new SetCommand(Option.empty())))).isFalse();
        assertThat(PlanSummaries.isGpuOperator(gpuScan())).isTrue();
        assertThat(PlanSummaries.isGpuOperator(cpuScan())).isFalse();
    }
}
