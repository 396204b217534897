package dev.ember.spark.shuffle;

import dev.ember.cuda.Device;
import dev.ember.cuda.Stream;
import dev.ember.cuda.column.Column;
import dev.ember.spark.exec.ExprPrograms;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * The key columns of a batch for partitioning: a key that is one of the input's columns is taken as it
 * is (whatever its type: a wide decimal or a string key needs no program), the others are computed by
 * one compiled program.
 */
final class KeyColumns {
    private final int[] inputIndex;
    private final int[] computedIndex;
    private final ExprPrograms.Compiled computed;

    private KeyColumns(int[] inputIndex, int[] computedIndex, ExprPrograms.Compiled computed) {
        this.inputIndex = inputIndex;
        this.computedIndex = computedIndex;
        this.computed = computed;
    }

    static KeyColumns of(List<Expression> keys, List<Attribute> input) {
        int[] inputIndex = new int[keys.size()];
        int[] computedIndex = new int[keys.size()];
        List<Expression> toCompute = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            inputIndex[k] = indexOf(keys.get(k), input);
            computedIndex[k] = -1;
            if (inputIndex[k] < 0) {
                computedIndex[k] = toCompute.size();
                toCompute.add(keys.get(k));
            }
        }
        return new KeyColumns(inputIndex, computedIndex,
                toCompute.isEmpty() ? null : ExprPrograms.compile(toCompute, input));
    }

    /** The keys that are not input columns, which must compile into a GPU program. */
    static List<Expression> computed(List<Expression> keys, List<Attribute> input) {
        return keys.stream().filter(k -> indexOf(k, input) < 0).toList();
    }

    private static int indexOf(Expression key, List<Attribute> input) {
        return key instanceof AttributeReference ref ? ExprPrograms.indexOf(input, ref) : -1;
    }

    /** One new reference per key over {@code batch}'s columns; the caller closes them. */
    List<Column> evaluate(Device device, List<Column> batch, long rows, Stream stream) {
        List<Column> values = computed == null ? List.of() : computed.evaluate(device, batch, rows, stream);
        List<Column> out = new ArrayList<>();
        try {
            for (int k = 0; k < inputIndex.length; k++) {
                out.add(inputIndex[k] >= 0 ? batch.get(inputIndex[k]).incRef() : values.get(computedIndex[k]).incRef());
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.forEach(Column::close);
            throw e;
        } finally {
            values.forEach(Column::close);
        }
    }
}
