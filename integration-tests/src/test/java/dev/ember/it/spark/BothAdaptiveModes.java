package dev.ember.it.spark;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs a differential test twice, with adaptive query execution off and on; the test method takes
 * the {@code boolean adaptive} and passes it to {@link GpuDiff#adaptive}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ParameterizedTest(name = "adaptive={0}")
@ValueSource(booleans = {false, true})
public @interface BothAdaptiveModes {}
