package dev.ember.spark.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.execution.joins.EmptyHashedRelation$;
import org.apache.spark.sql.execution.joins.HashedRelation;
import org.apache.spark.sql.execution.joins.HashedRelationWithAllNullKeys$;
import org.apache.spark.sql.execution.joins.LongHashedRelation;
import org.apache.spark.sql.execution.joins.UnsafeHashedRelation;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The build rows of a broadcast value. Ember's broadcast hash join asks for the rows themselves
 * ({@code IdentityBroadcastMode}: an array of rows); with adaptive execution the broadcast is a query
 * stage Spark materialized before the join was converted, with Spark's own {@code HashedRelation}, whose
 * rows are read back out of it. A hashed relation leaves out build rows with a null key, which match
 * nothing in the join types a broadcast hash join has; the null-aware anti join's marker of a null key
 * becomes one all-null row, which the GPU op treats the same way.
 */
final class BroadcastRows {
    private BroadcastRows() {}

    static Iterator<InternalRow> of(Object value, int fields) {
        if (value instanceof InternalRow[] rows) {
            return Arrays.asList(rows).iterator();
        }
        if (value == EmptyHashedRelation$.MODULE$) {
            return List.<InternalRow>of().iterator();
        }
        if (value == HashedRelationWithAllNullKeys$.MODULE$) {
            return List.<InternalRow>of(new GenericInternalRow(fields)).iterator();
        }
        if (!(value instanceof HashedRelation shared)) {
            throw new IllegalStateException("a GPU broadcast hash join needs broadcast rows or a hashed relation, not "
                    + (value == null ? "null" : value.getClass().getName()));
        }
        HashedRelation relation = shared.asReadOnlyCopy();
        List<InternalRow> rows = new ArrayList<>();
        if (relation instanceof UnsafeHashedRelation unsafe) {
            CollectionConverters.asJava(unsafe.valuesWithKeyIndex()).forEachRemaining(v -> rows.add(v.getValue().copy()));
        } else if (relation instanceof LongHashedRelation longs) {
            CollectionConverters.asJava(longs.keys()).forEachRemaining(key -> {
                scala.collection.Iterator<InternalRow> values = longs.get(key);
                if (values != null) {
                    CollectionConverters.asJava(values).forEachRemaining(r -> rows.add(r.copy()));
                }
            });
        } else {
            throw new IllegalStateException("cannot read the rows of a " + relation.getClass().getName());
        }
        return rows.iterator();
    }
}
