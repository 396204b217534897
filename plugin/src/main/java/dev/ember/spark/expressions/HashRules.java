package dev.ember.spark.expressions;

import static dev.ember.spark.expressions.ExprSupport.ENGINE_AND_STRING;
import static dev.ember.spark.expressions.ExprSupport.INT;
import static dev.ember.spark.expressions.ExprSupport.rule;

import dev.ember.cuda.DeviceBuffer;
import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.ops.Murmur3;
import dev.ember.spark.planning.ExprRule;
import dev.ember.spark.planning.ExprTranslationContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Murmur3Hash;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code hash(...)}: Spark's Murmur3Hash with its seed, computed by the same kernels as the shuffle's
 * hash partitioning (which is {@code pmod(Murmur3Hash(keys, 42), n)}), one pre-stage step over the
 * argument columns; a fixed-width argument that is not a column is computed by a program of its own
 * first. Each argument updates the running hash where it is non-null, as Spark's does.
 */
public final class HashRules {
    /** Step key: the seed and the argument columns in order. */
    private record Key(int seed, List<Integer> columns) {}

    private HashRules() {}

    public static List<ExprRule<?>> rules() {
        return List.of(rule(Murmur3Hash.class, "hash(a, ...): Spark's Murmur3 hash of the arguments with its seed "
                + "(42), as the GPU shuffle computes it; never null", INT, ENGINE_AND_STRING, null,
                HashRules::murmur3));
    }

    private static Object murmur3(Murmur3Hash e, List<Object> handles, ExprTranslationContext ctx) {
        List<Expression> children = CollectionConverters.asJava(e.children());
        List<Integer> columns = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            Object handle = handles.get(i);
            ColumnValue value = handle instanceof StringScalar || (handle instanceof ColumnValue c
                    && c.type().id() == DType.TypeId.STRING)
                    ? StringSteps.strings(ctx, handle)
                    : StringSteps.fixedWidth(ctx, children.get(i), handle);
            columns.add(value.index());
        }
        int seed = e.seed();
        List<Integer> reads = List.copyOf(columns);
        ColumnValue out = ctx.preStage().addOnce(new Key(seed, reads), DType.INT32,
                reads.stream().distinct().mapToInt(Integer::intValue).toArray(), (device, batch, rows, stream) -> {
                    List<Murmur3.Input> inputs = new ArrayList<>();
                    for (int column : reads) {
                        inputs.add(Murmur3.Input.of(batch.get(column)));
                    }
                    DeviceBuffer hashes = Murmur3.hashColumns(device, inputs, rows, seed, stream);
                    return Column.create(DType.INT32, rows, hashes);
                });
        return StringSteps.result(ctx, out);
    }
}
