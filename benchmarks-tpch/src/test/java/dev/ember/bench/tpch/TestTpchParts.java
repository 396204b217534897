package dev.ember.bench.tpch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** The runner's pieces that need no Spark session: tables, parts, queries, row checks, reasons, options. */
class TestTpchParts {
    @Test
    void lineitemRowsHaveTheDocumentedTypes() {
        assertThat(TpchTables.names()).containsExactly("customer", "orders", "lineitem", "part", "partsupp",
                "supplier", "nation", "region");
        var schema = TpchTables.schema("lineitem");
        assertThat(schema.apply("l_orderkey").dataType()).isEqualTo(DataTypes.LongType);
        assertThat(schema.apply("l_linenumber").dataType()).isEqualTo(DataTypes.IntegerType);
        assertThat(schema.apply("l_extendedprice").dataType()).isEqualTo(DataTypes.createDecimalType(15, 2));
        assertThat(schema.apply("l_shipdate").dataType()).isEqualTo(DataTypes.DateType);
        assertThat(schema.apply("l_comment").dataType()).isEqualTo(DataTypes.StringType);
        Row first = TpchTables.rows("lineitem", 0.01, 1, 1).next();
        // The first line item of the reference generator: 1|1552|93|1|17|24710.35|0.04|0.02|N|O|1996-03-13|...
        assertThat(first.getLong(0)).isEqualTo(1L);
        assertThat(first.getLong(1)).isEqualTo(1552L);
        assertThat(first.getDecimal(4)).isEqualTo(new BigDecimal("17.00"));
        assertThat(first.getDecimal(5)).isEqualTo(new BigDecimal("24710.35"));
        assertThat(first.getDecimal(6)).isEqualTo(new BigDecimal("0.04"));
        assertThat(first.get(10)).isEqualTo(Date.valueOf("1996-03-13"));
    }

    @Test
    void partsTogetherGenerateTheWholeTable() {
        List<Object> whole = keys(TpchTables.rows("orders", 0.01, 1, 1));
        List<Object> parts = new ArrayList<>(keys(TpchTables.rows("orders", 0.01, 1, 3)));
        parts.addAll(keys(TpchTables.rows("orders", 0.01, 2, 3)));
        parts.addAll(keys(TpchTables.rows("orders", 0.01, 3, 3)));
        assertThat(whole).hasSize(15_000).isEqualTo(parts);
    }

    @Test
    void partCountsFollowRowsAndCores() {
        assertThat(TpchData.partCount("nation", 100, 16)).isEqualTo(1);
        assertThat(TpchData.partCount("lineitem", 0.01, 2)).isEqualTo(2);
        assertThat(TpchData.partCount("supplier", 0.01, 16)).isEqualTo(1);
        assertThat(TpchData.partCount("lineitem", 10, 16)).isEqualTo(121);
        assertThat(TpchData.partCount("customer", 1, 16)).isEqualTo(3);
        assertThat(TpchData.scaleDir(Path.of("d"), 0.01)).isEqualTo(Path.of("d/sf0.01"));
        assertThat(TpchData.scaleDir(Path.of("d"), 10)).isEqualTo(Path.of("d/sf10"));
        assertThatThrownBy(() -> TpchData.checkScale(0.001)).hasMessageContaining("between 0.01");
    }

    @Test
    void everyQueryIsMarkedAsDerived() {
        assertThat(TpchQueries.all()).hasSize(22).allSatisfy(q ->
                assertThat(q.sql()).contains("TPC-H-derived", "not TPC-H results", "substitution parameters"));
        assertThat(TpchQueries.select("q1, Q22").stream().map(TpchQueries.Query::name)).containsExactly("q01", "q22");
        assertThatThrownBy(() -> TpchQueries.get("q23")).hasMessageContaining("q01 … q22");
    }

    @Test
    void rowsCompareInOrderOrAsMultisets() {
        List<Row> a = List.of(RowFactory.create(1, new BigDecimal("1.50")), RowFactory.create(2, null));
        List<Row> b = List.of(RowFactory.create(2, null), RowFactory.create(1, new BigDecimal("1.50")));
        assertThat(RowCheck.compare(a, b, false)).isEmpty();
        assertThat(RowCheck.compare(a, b, true)).get().asString().contains("row 0");
        assertThat(RowCheck.compare(a, List.of(RowFactory.create(1, new BigDecimal("1.5")),
                RowFactory.create(2, null)), true)).as("decimals compare with their scale").isPresent();
        assertThat(RowCheck.compare(List.of(RowFactory.create(1.0)), List.of(RowFactory.create(1.0 + 1e-12)), true))
                .isEmpty();
        assertThat(RowCheck.compare(List.of(RowFactory.create(1.0)), List.of(RowFactory.create(1.001)), true))
                .isPresent();
        assertThat(RowCheck.compare(a, a.subList(0, 1), false)).get().asString().contains("row count");
    }

    @Test
    void reasonsAreShortenedAndKeepTheirOwnSemicolons() {
        String tag = "expression Multiply: type decimal(32,4) is not supported on the GPU (supported: int, "
                + "decimal(<=18)) (in (l_extendedprice#283 * (1 - l_discount#284))); Multiply: decimal(15,2) "
                + "MULTIPLY decimal(16,2) is decimal(32,4), more than the 18 digits programs compute with; it stays "
                + "on the CPU (in (a#1 * b#2)); no GPU implementation of SortExec";
        assertThat(PlanSummary.reasons(tag)).containsExactly(
                "expression Multiply: type decimal(32,4) is not supported on the GPU",
                "Multiply: decimal(15,2) MULTIPLY decimal(16,2) is decimal(32,4), more than the 18 digits programs "
                        + "compute with; it stays on the CPU",
                "no GPU implementation of SortExec");
        assertThat(new PlanSummary(3, 1, List.of()).gpuShare()).isEqualTo(0.75);
    }

    @Test
    void optionsParseAndReportMisuse() {
        RunnerOptions o = RunnerOptions.parse(new String[] {"--data", "/d", "--scale", "10", "--reps", "5",
                "--warmup", "2", "--mode", "no-device", "--conf", "spark.ember.memory.poolLimit=16g"});
        assertThat(o.scale()).isEqualTo(10);
        assertThat(o.repetitions()).isEqualTo(5);
        assertThat(o.warmups()).isEqualTo(2);
        assertThat(o.sessionDevice()).isEqualTo("auto");
        assertThat(o.conf()).containsEntry("spark.ember.memory.poolLimit", "16g");
        assertThat(o.results()).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"--scale", "1"})).hasMessageContaining("--data");
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"--data", "/d", "--reps", "0"}))
                .hasMessageContaining("--reps");
        assertThatThrownBy(() -> RunnerOptions.parse(new String[] {"--data", "/d", "--bogus", "1"}))
                .hasMessageContaining("unknown option");
    }

    @Test
    void reportHasTheTableTheMarkdownAndTheChart() {
        RunnerOptions o = RunnerOptions.defaults(Path.of("/d")).withScale(0.01);
        QueryResult fast = new QueryResult("q01", List.of(400_000_000L), List.of(100_000_000L), 0, 0,
                new PlanSummary(3, 1, List.of("Sort: no GPU implementation of SortExec")), Optional.empty(),
                java.util.OptionalLong.of(1L << 20), java.util.OptionalLong.of(4L << 30), 4, Optional.empty());
        QueryResult slow = new QueryResult("q02", List.of(100_000_000L), List.of(400_000_000L), 0, 0,
                new PlanSummary(1, 1, List.of()), Optional.empty(), java.util.OptionalLong.empty(),
                java.util.OptionalLong.empty(), 1, Optional.empty());
        TpchReport report = new TpchReport(o, List.of(fast, slow));
        assertThat(report.text()).contains("q01", "4.00x", "3/4 (75%)", "1.0 MiB (0.0% of 4.0 GiB)",
                "Sort: no GPU implementation of SortExec", "geometric mean speedup", "1.00x");
        assertThat(report.markdown()).contains("| q02 | 100.0 | 400.0 | 0.25x |", "not TPC-H results");
        assertThat(report.svg()).startsWith("<svg").contains("<title>q01: 4.00x</title>", ">q02<");
    }

    private static List<Object> keys(Iterator<Row> rows) {
        List<Object> out = new ArrayList<>();
        rows.forEachRemaining(r -> out.add(r.get(0)));
        return out;
    }
}
