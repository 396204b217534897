package dev.ember.spark.planning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Acos;
import org.apache.spark.sql.catalyst.expressions.Asin;
import org.apache.spark.sql.catalyst.expressions.Atan;
import org.apache.spark.sql.catalyst.expressions.Atan2;
import org.apache.spark.sql.catalyst.expressions.Cbrt;
import org.apache.spark.sql.catalyst.expressions.Cos;
import org.apache.spark.sql.catalyst.expressions.Cosh;
import org.apache.spark.sql.catalyst.expressions.Cot;
import org.apache.spark.sql.catalyst.expressions.Exp;
import org.apache.spark.sql.catalyst.expressions.Expm1;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Hypot;
import org.apache.spark.sql.catalyst.expressions.Log;
import org.apache.spark.sql.catalyst.expressions.Log10;
import org.apache.spark.sql.catalyst.expressions.Log1p;
import org.apache.spark.sql.catalyst.expressions.Log2;
import org.apache.spark.sql.catalyst.expressions.Logarithm;
import org.apache.spark.sql.catalyst.expressions.Pow;
import org.apache.spark.sql.catalyst.expressions.Sin;
import org.apache.spark.sql.catalyst.expressions.Sinh;
import org.apache.spark.sql.catalyst.expressions.Tan;
import org.apache.spark.sql.catalyst.expressions.Tanh;
import org.apache.spark.sql.catalyst.expressions.XxHash64;

/**
 * Spark expressions that stay on the CPU by design or for now, each with the reason the explanation
 * gives (after "expression X has no GPU implementation") and the docs list.
 */
public final class CpuOnlyExpressions {
    private static final String LIBM = "Spark computes it with java.lang.Math/StrictMath, whose results CUDA's "
            + "math library does not reproduce in the last bit for every input, so the GPU would not give Spark's "
            + "doubles";
    private static final Map<Class<? extends Expression>, String> REASONS = new LinkedHashMap<>();

    static {
        for (Class<? extends Expression> c : List.of(Exp.class, Expm1.class, Log.class, Log10.class, Log1p.class,
                Log2.class, Logarithm.class, Pow.class, Cbrt.class, Hypot.class, Sin.class, Cos.class, Tan.class,
                Cot.class, Asin.class, Acos.class, Atan.class, Atan2.class, Sinh.class, Cosh.class, Tanh.class)) {
            REASONS.put(c, LIBM);
        }
        REASONS.put(XxHash64.class, "xxhash64 has no GPU kernel yet (hash(...), Spark's Murmur3 hash, runs on the GPU)");
    }

    private CpuOnlyExpressions() {}

    /** Why {@code expression}'s class stays on the CPU, if it is one of these. */
    public static Optional<String> why(Expression expression) {
        return Optional.ofNullable(REASONS.get(expression.getClass()));
    }

    /** Each expression class's simple name and reason, in a stable order. */
    public static Map<String, String> all() {
        Map<String, String> out = new LinkedHashMap<>();
        REASONS.forEach((c, r) -> out.put(c.getSimpleName(), r));
        return out;
    }
}
