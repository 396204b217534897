package dev.ember.spark;

import dev.ember.spark.planning.Overrides;
import dev.ember.spark.planning.QueryStagePrep;
import dev.ember.spark.planning.Transitions;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.ColumnarRule;
import org.apache.spark.sql.execution.SparkPlan;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Ember's hooks into every session ({@code spark.sql.extensions}, appended by {@link EmberPlugin}): a
 * columnar rule ({@link Overrides} before Spark inserts its transitions, {@link Transitions} after)
 * and adaptive execution's query-stage preparation rule ({@link QueryStagePrep}).
 */
public final class EmberSessionExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {
    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectColumnar(EmberColumnarRule::new);
        extensions.injectQueryStagePrepRule(QueryStagePrep::new);
        return BoxedUnit.UNIT;
    }

    /** The pair of columnar rules of one session. */
    static final class EmberColumnarRule extends ColumnarRule {
        private final SparkSession session;

        EmberColumnarRule(SparkSession session) {
            this.session = session;
        }

        @Override
        public Rule<SparkPlan> preColumnarTransitions() {
            return new Overrides(session);
        }

        @Override
        public Rule<SparkPlan> postColumnarTransitions() {
            return new Transitions(session);
        }
    }
}
