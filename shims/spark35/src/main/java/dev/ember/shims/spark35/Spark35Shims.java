package dev.ember.shims.spark35;

import dev.ember.shims.SparkShims;

/** Spark 3.5.x. */
public final class Spark35Shims implements SparkShims {
    @Override
    public String sparkLine() {
        return "3.5";
    }

    @Override
    public boolean ansiEnabledByDefault() {
        return false;
    }
}
