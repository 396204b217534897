package dev.ember.it.spark;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.spark.planning.EmberTags;
import dev.ember.spark.ui.PlanSummaries;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Differential checks: a query runs with Ember off ({@code spark.ember.sql.enabled=false}, Spark is the
 * oracle) and on, and the rows must agree (as multisets unless {@link #ordered}; floating-point
 * values within {@link #tolerance}, NaN equal to NaN, -0.0 distinct from 0.0 when the tolerance is
 * 0). The GPU run's executed plan must contain the expected {@code Gpu*} operators and no CPU
 * operator that was not allowed.
 */
public final class GpuDiff {
    /** Plan nodes that are plumbing, not operators. */
    private static final Set<Class<?>> PLUMBING = Set.of(WholeStageCodegenExec.class, InputAdapter.class,
            AQEShuffleReadExec.class);

    private final SparkSession spark;
    private final Map<String, String> conf = new LinkedHashMap<>();
    private final Set<String> expectedGpu = new LinkedHashSet<>();
    private final Set<String> allowedCpu = new LinkedHashSet<>();
    private boolean ordered;
    private int[] orderKeys;
    private double tolerance;

    private GpuDiff(SparkSession spark) {
        this.spark = requireNonNull(spark, "spark is null");
    }

    public static GpuDiff of(SparkSession spark) {
        return new GpuDiff(spark);
    }

    /** Runs both sides with adaptive query execution on or off. */
    public GpuDiff adaptive(boolean adaptive) {
        return conf("spark.sql.adaptive.enabled", String.valueOf(adaptive));
    }

    /** A setting for both runs (restored afterwards). */
    public GpuDiff conf(String key, String value) {
        conf.put(key, value);
        return this;
    }

    /** Compares rows in order (the query defines one). */
    public GpuDiff ordered() {
        this.ordered = true;
        return this;
    }

    /**
     * Compares rows as multisets and, in addition, the values of columns {@code keyColumns} row by row
     * in order: the query sorts by those columns, and rows that tie on them may come in any order
     * (-0.0 ties with 0.0, as Spark's sort orders them).
     */
    public GpuDiff orderedBy(int... keyColumns) {
        this.orderKeys = keyColumns.clone();
        return this;
    }

    /** Relative tolerance for float and double values. */
    public GpuDiff tolerance(double relative) {
        this.tolerance = relative;
        return this;
    }

    /** Operators (node names, e.g. {@code GpuRange}) that must be in the GPU run's plan. */
    public GpuDiff expectGpu(String... nodeNames) {
        expectedGpu.addAll(Arrays.asList(nodeNames));
        return this;
    }

    /** CPU operators (class simple names, e.g. {@code ShuffleExchangeExec}) allowed in the GPU run's plan. */
    public GpuDiff allowCpu(String... classNames) {
        allowedCpu.addAll(Arrays.asList(classNames));
        return this;
    }

    /** One run's rows and executed plan. */
    public record Run(List<Row> rows, SparkPlan plan) {
        /** The operators of the executed plan, through adaptive wrappers and query stages, plumbing left out. */
        public List<SparkPlan> operators() {
            List<SparkPlan> out = new ArrayList<>();
            collect(plan, out);
            return out;
        }

        private static void collect(SparkPlan p, List<SparkPlan> out) {
            if (p instanceof AdaptiveSparkPlanExec a) {
                collect(a.executedPlan(), out);
                return;
            }
            if (p instanceof QueryStageExec q) {
                collect(q.plan(), out);
                return;
            }
            if (!PLUMBING.contains(p.getClass())) {
                out.add(p);
            }
            for (SparkPlan c : CollectionConverters.asJava(p.children())) {
                collect(c, out);
            }
        }

        public List<String> nodeNames() {
            return operators().stream().map(SparkPlan::nodeName).toList();
        }
    }

    /** Runs {@code query} with Ember on or off, with this diff's settings. */
    public Run run(Function<SparkSession, Dataset<Row>> query, boolean emberEnabled) {
        Map<String, String> settings = new LinkedHashMap<>(conf);
        settings.put("spark.ember.sql.enabled", String.valueOf(emberEnabled));
        Map<String, String> previous = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            previous.put(k, spark.conf().contains(k) ? spark.conf().get(k) : null);
            spark.conf().set(k, v);
        });
        try {
            Dataset<Row> df = query.apply(spark);
            List<Row> rows = df.collectAsList();
            return new Run(rows, df.queryExecution().executedPlan());
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    spark.conf().unset(k);
                } else {
                    spark.conf().set(k, v);
                }
            });
        }
    }

    /** Asserts equal rows with Ember off and on, and the GPU plan's operators; returns the GPU run. */
    public Run assertGpuAndCpuEqual(Function<SparkSession, Dataset<Row>> query) {
        Run cpu = run(query, false);
        Run gpu = run(query, true);
        assertThat(cpu.nodeNames()).as("with Ember disabled no Ember operator may appear")
                .noneMatch(n -> n.startsWith("Gpu") || n.startsWith("HostColumnarToGpu"));
        assertRowsEqual(cpu.rows(), gpu.rows());
        List<String> names = gpu.nodeNames();
        assertThat(names).as("GPU plan:\n%s", gpu.plan()).containsAll(expectedGpu);
        List<String> unexpected = new ArrayList<>();
        for (SparkPlan p : gpu.operators()) {
            if (!PlanSummaries.isGpuOperator(p) && !allowedCpu.contains(p.getClass().getSimpleName())) {
                unexpected.add(p.getClass().getSimpleName());
            }
        }
        assertThat(unexpected).as("CPU operators in the GPU plan:\n%s", gpu.plan()).isEmpty();
        return gpu;
    }

    /**
     * Asserts that operator {@code className} stays on the CPU with a reason containing {@code reason},
     * and that the rows equal Spark's.
     */
    public Run assertFallback(Function<SparkSession, Dataset<Row>> query, String className, String reason) {
        Run cpu = run(query, false);
        Run gpu = run(query, true);
        assertRowsEqual(cpu.rows(), gpu.rows());
        List<SparkPlan> matches = gpu.operators().stream()
                .filter(p -> p.getClass().getSimpleName().equals(className)).toList();
        assertThat(matches).as("%s in the GPU plan:\n%s", className, gpu.plan()).isNotEmpty();
        for (SparkPlan p : matches) {
            String reasons = p.getTagValue(EmberTags.NOT_ON_GPU).getOrElse(() -> "");
            assertThat(reasons).as("why %s stays on the CPU", className).contains(reason);
        }
        return gpu;
    }

    private void assertRowsEqual(List<Row> expected, List<Row> actual) {
        // Sizes only: a million-row list in the message would bury the difference.
        assertThat(actual.size()).as("row count (Spark, then Ember)").isEqualTo(expected.size());
        if (orderKeys != null) {
            for (int i = 0; i < expected.size(); i++) {
                for (int c : orderKeys) {
                    if (!sameSortKey(expected.get(i).get(c), actual.get(i).get(c))) {
                        throw new AssertionError("row " + i + ": the sort key column " + c + " is "
                                + expected.get(i).get(c) + " in Spark's order but " + actual.get(i).get(c)
                                + " in Ember's: Spark has " + expected.get(i) + ", Ember has " + actual.get(i));
                    }
                }
            }
        }
        List<Row> e = new ArrayList<>(expected);
        List<Row> a = new ArrayList<>(actual);
        if (!ordered) {
            Comparator<Row> byText = Comparator.comparing(GpuDiff::sortKey);
            e.sort(byText);
            a.sort(byText);
        }
        for (int i = 0; i < e.size(); i++) {
            Row er = e.get(i);
            Row ar = a.get(i);
            assertThat(ar.length()).isEqualTo(er.length());
            for (int c = 0; c < er.length(); c++) {
                if (!valuesEqual(er.get(c), ar.get(c))) {
                    throw new AssertionError("row " + i + " column " + c + ": Spark has " + er + " but Ember has " + ar
                            + (ordered ? "" : " (rows sorted for a multiset comparison)"));
                }
            }
        }
    }

    private static String sortKey(Row row) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < row.length(); i++) {
            Object v = row.get(i);
            sb.append(v == null ? "\u0000null" : v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v)).append('\u0001');
        }
        return sb.toString();
    }

    private static boolean sameSortKey(Object e, Object a) {
        if (e == null || a == null) {
            return e == a;
        }
        if (e instanceof Double ed && a instanceof Double ad) {
            return ed.doubleValue() == ad.doubleValue() || ed.isNaN() && ad.isNaN();
        }
        if (e instanceof Float ef && a instanceof Float af) {
            return ef.floatValue() == af.floatValue() || ef.isNaN() && af.isNaN();
        }
        if (e instanceof BigDecimal ed && a instanceof BigDecimal ad) {
            return ed.compareTo(ad) == 0;
        }
        if (e instanceof byte[] eb && a instanceof byte[] ab) {
            return Arrays.equals(eb, ab);
        }
        return e.equals(a);
    }

    private boolean valuesEqual(Object e, Object a) {
        if (e == null || a == null) {
            return e == a;
        }
        if (e instanceof Double ed && a instanceof Double ad) {
            return close(ed, ad);
        }
        if (e instanceof Float ef && a instanceof Float af) {
            return close(ef, af);
        }
        if (e instanceof BigDecimal ed && a instanceof BigDecimal ad) {
            return ed.compareTo(ad) == 0 && ed.scale() == ad.scale();
        }
        if (e instanceof byte[] eb && a instanceof byte[] ab) {
            return Arrays.equals(eb, ab);
        }
        return e.equals(a);
    }

    private boolean close(double e, double a) {
        if (Double.isNaN(e) || Double.isNaN(a)) {
            return Double.isNaN(e) && Double.isNaN(a);
        }
        if (tolerance == 0) {
            return Double.compare(e, a) == 0;
        }
        return e == a || Math.abs(e - a) <= tolerance * Math.max(Math.abs(e), Math.abs(a));
    }
}
