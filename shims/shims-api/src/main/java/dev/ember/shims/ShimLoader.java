package dev.ember.shims;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the {@link SparkShims} for the running Spark version. */
public final class ShimLoader {
    private static volatile SparkShims current;

    private ShimLoader() {}

    /** The shims for the Spark on the classpath ({@code org.apache.spark.SPARK_VERSION}). */
    public static SparkShims current() {
        SparkShims shims = current;
        if (shims == null) {
            synchronized (ShimLoader.class) {
                if (current == null) {
                    current = forVersion(org.apache.spark.package$.MODULE$.SPARK_VERSION(), ShimLoader.class.getClassLoader());
                }
                shims = current;
            }
        }
        return shims;
    }

    /**
     * The shims supporting {@code sparkVersion} among the providers visible to {@code loader}.
     *
     * @throws IllegalStateException naming the version and the supported lines when none matches
     */
    public static SparkShims forVersion(String sparkVersion, ClassLoader loader) {
        requireNonNull(sparkVersion, "sparkVersion is null");
        List<String> lines = new ArrayList<>();
        for (SparkShims shims : ServiceLoader.load(SparkShims.class, loader)) {
            if (shims.supports(sparkVersion)) {
                return shims;
            }
            lines.add(shims.sparkLine());
        }
        throw new IllegalStateException("Ember does not support Spark " + sparkVersion + "; this build supports Spark "
                + (lines.isEmpty() ? "(no shims found on the classpath)" : String.join(", ", lines))
                + ". Use the Ember jar built for your Spark line.");
    }
}
