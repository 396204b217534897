package dev.ember.spark.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed docs/configs.md and docs/supported-ops.md are what the declarations generate. */
class TestGeneratedDocs {
    private static final Path DOCS = Path.of("..", "docs");

    private static void assertCurrent(String file, String generated) throws IOException {
        Path path = DOCS.resolve(file);
        String committed = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
        assertThat(committed)
                .as("docs/%s is stale: regenerate it from the repository root with %s and commit it", file,
                        GenerateDocs.COMMAND)
                .isEqualTo(generated);
    }

    @Test
    void configsAreCurrent() throws IOException {
        assertCurrent("configs.md", GenerateDocs.configs());
    }

    @Test
    void supportedOpsAreCurrent() throws IOException {
        assertCurrent("supported-ops.md", GenerateDocs.supportedOps());
    }

    @Test
    void everyRuleHasItsSwitchDocumented() {
        assertThat(GenerateDocs.configs()).contains("`spark.ember.sql.exec.RangeExec`", "`spark.ember.sql.exec.UnionExec`",
                "`spark.ember.sql.expression.Literal`", "`spark.ember.sql.expression.CaseWhen`",
                "`spark.ember.sql.exec.FilterExec`", "`spark.ember.sql.concurrentGpuTasks`");
        assertThat(GenerateDocs.supportedOps()).contains("| LocalTableScanExec |", "| ProjectExec |",
                "| FilterExec |", "| Alias |", "| InSet |");
    }
}
