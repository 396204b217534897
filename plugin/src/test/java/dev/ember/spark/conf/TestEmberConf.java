package dev.ember.spark.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.DeviceKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

class TestEmberConf {
    @Test
    void defaults() {
        EmberConf conf = EmberConf.of(Map.of());
        assertThat(conf.sqlEnabled()).isTrue();
        assertThat(conf.device()).isEqualTo(DeviceKind.AUTO);
        assertThat(conf.poolLimitBytes()).isEqualTo(4L << 30);
        assertThat(conf.explain()).isEqualTo(EmberConf.ExplainLevel.NONE);
        assertThat(conf.mode()).isEqualTo(EmberConf.Mode.EXECUTE_ON_GPU);
        assertThat(conf.batchSizeBytes()).isEqualTo(256L << 20);
        assertThat(conf.concurrentGpuTasks()).isEqualTo(2);
    }

    @Test
    void parsesValuesCaseInsensitivelyAndWithUnits() {
        EmberConf conf = EmberConf.of(Map.of("spark.ember.device", "EMULATED", "spark.ember.memory.poolLimit", "512m",
                "spark.ember.sql.mode", "explainonly", "spark.ember.sql.enabled", " false "));
        assertThat(conf.device()).isEqualTo(DeviceKind.EMULATED);
        assertThat(conf.poolLimitBytes()).isEqualTo(512L << 20);
        assertThat(conf.mode()).isEqualTo(EmberConf.Mode.EXPLAIN_ONLY);
        assertThat(conf.sqlEnabled()).isFalse();
        assertThat(conf.explain()).as("explainOnly explains everything unless told otherwise")
                .isEqualTo(EmberConf.ExplainLevel.ALL);
    }

    @Test
    void invalidValuesNameKeyValueAndAllowedValues() {
        assertThatThrownBy(() -> EmberConf.validate(List.of(new Tuple2<>("spark.ember.device", "gpu"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spark.ember.device").hasMessageContaining("'gpu'")
                .hasMessageContaining("auto, cuda, emulated");
        assertThatThrownBy(() -> EmberConf.validate(List.of(new Tuple2<>("spark.ember.sql.batchSizeBytes", "12"))))
                .hasMessageContaining("spark.ember.sql.batchSizeBytes").hasMessageContaining("at least 1024");
        assertThatThrownBy(() -> EmberConf.validate(List.of(new Tuple2<>("spark.ember.sql.exec.RangeExec", "yes"))))
                .hasMessageContaining("spark.ember.sql.exec.RangeExec").hasMessageContaining("true, false");
        assertThatThrownBy(() -> EmberConf.validate(List.of(new Tuple2<>("spark.ember.sql.concurrentGpuTasks", "0"))))
                .hasMessageContaining("at least 1");
    }

    @Test
    void unknownEmberKeysAreReportedOthersIgnored() {
        List<String> unknown = EmberConf.validate(List.of(new Tuple2<>("spark.ember.sql.enabeld", "true"),
                new Tuple2<>("spark.sql.shuffle.partitions", "x"), new Tuple2<>("spark.ember.sql.enabled", "true")));
        assertThat(unknown).containsExactly("spark.ember.sql.enabeld");
    }

    @Test
    void everyKeyIsDeclaredOnce() {
        List<String> keys = EmberConf.allEntries().stream().map(ConfEntry::key).toList();
        assertThat(keys).doesNotHaveDuplicates().allMatch(k -> k.startsWith(EmberConf.PREFIX));
        assertThat(keys).contains("spark.ember.sql.exec.LocalLimitExec", "spark.ember.sql.expression.AttributeReference");
    }
}
