package dev.ember.shims.spark35;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.shims.ShimLoader;
import dev.ember.shims.SparkShims;
import org.junit.jupiter.api.Test;

class TestSpark35Shims {
    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void theRunningSparkGetsTheseShims() {
        assertThat(org.apache.spark.package$.MODULE$.SPARK_VERSION()).startsWith("3.5.");
        assertThat(ShimLoader.current()).isInstanceOf(Spark35Shims.class);
        assertThat(ShimLoader.current().ansiEnabledByDefault()).isFalse();
    }

    @Test
    void matchesOnlyThe35Line() {
        SparkShims shims = ShimLoader.forVersion("3.5.0", loader);
        assertThat(shims.supports("3.5.9")).isTrue();
        assertThat(shims.supports("3.50.1")).isFalse();
        assertThat(shims.supports("4.0.0")).isFalse();
    }

    @Test
    void anUnsupportedVersionIsNamedWithTheSupportedLines() {
        assertThatThrownBy(() -> ShimLoader.forVersion("3.4.1", loader))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Spark 3.4.1")
                .hasMessageContaining("3.5");
    }
}
