package dev.ember.spark.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import javax.servlet.http.HttpServletRequest;
import org.apache.spark.ui.SparkUI;
import org.apache.spark.ui.SparkUITab;
import org.apache.spark.ui.UIUtils;
import org.apache.spark.ui.WebUIPage;
import org.json4s.JsonAST;
import org.json4s.jackson.JsonMethods$;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.xml.Node;
import scala.xml.XML;

/**
 * The "Ember" tab of Spark's UI ({@code /ember/}, and the same data as JSON at {@code /ember/json}):
 * per SQL execution, how many operators run on the GPU and why the others do not.
 */
public final class EmberTab extends SparkUITab {
    private static final ObjectMapper JSON = new ObjectMapper();

    public EmberTab(SparkUI ui, PlanStore store) {
        super(requireNonNull(ui, "ui is null"), "ember");
        attachPage(new Page(this, requireNonNull(store, "store is null")));
    }

    /** Right after Spark's SQL tab (0); Spark's own tabs before it keep the default order. */
    @Override
    public int displayOrder() {
        return 1;
    }

    /** The JSON view: the store's summaries, newest first. */
    static ObjectNode json(List<PlanSummary> summaries, int capacity) {
        ObjectNode root = JSON.createObjectNode();
        root.put("retainedExecutions", capacity);
        root.set("executions", JSON.valueToTree(summaries));
        return root;
    }

    private static final class Page extends WebUIPage {
        private final EmberTab tab;
        private final PlanStore store;

        Page(EmberTab tab, PlanStore store) {
            super("");
            this.tab = tab;
            this.store = store;
        }

        @Override
        public Seq<Node> render(HttpServletRequest request) {
            String sqlPage = UIUtils.prependBaseUri(request, tab.basePath(), "") + "/SQL/execution/?id=";
            String xhtml = PlanSummaryHtml.render(store.newestFirst(), sqlPage, store.capacity());
            Seq<Node> content = CollectionConverters.asScala(List.<Node>of(XML.loadString(xhtml))).toList();
            return UIUtils.headerSparkPage(request, "Ember: operators on the GPU", () -> content, tab, Option.empty(),
                    false, false);
        }

        @Override
        public JsonAST.JValue renderJson(HttpServletRequest request) {
            return JsonMethods$.MODULE$.fromJsonNode(json(store.newestFirst(), store.capacity()));
        }
    }
}
