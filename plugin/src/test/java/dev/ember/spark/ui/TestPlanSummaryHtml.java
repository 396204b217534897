package dev.ember.spark.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import scala.xml.Node;
import scala.xml.XML;

class TestPlanSummaryHtml {
    private static final String HOSTILE = "output column <script>alert('x')</script> & \"y\": type map<string,int>";

    @Test
    void escapesMarkupInEveryText() {
        PlanSummary s = new PlanSummary(3, "select '<b>' & 1", 1, 2,
                List.of(new PlanSummary.Fallback("Project<x>", HOSTILE)));
        String html = PlanSummaryHtml.render(List.of(s), "/SQL/execution/?id=", 10);
        assertThat(html).doesNotContain("<script>").doesNotContain("<b>").doesNotContain("Project<x>")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;: type map&lt;string,int&gt;")
                .contains("select &#39;&lt;b&gt;&#39; &amp; 1");
        // Spark writes the parsed nodes back out: the text must stay escaped there too.
        Node parsed = XML.loadString(html);
        String served = parsed.toString();
        assertThat(served).doesNotContain("<script>").contains("&lt;script&gt;").contains("map&lt;string,int&gt;");
        assertThat(parsed.text()).contains(HOSTILE);
    }

    @Test
    void replacesCharactersXmlCannotCarry() {
        assertThat(PlanSummaryHtml.escape("a\u0001b\tc\uD800d\uD83D\uDE00")).isEqualTo("a\uFFFDb\tc\uFFFDd\uD83D\uDE00");
        PlanSummary s = new PlanSummary(1, "col\u0000umn", 0, 1, List.of(new PlanSummary.Fallback("Scan", "x\u001Fy")));
        assertThat(XML.loadString(PlanSummaryHtml.render(List.of(s), "/x?id=", 1)).text()).contains("col\uFFFDumn")
                .contains("x\uFFFDy");
    }

    @Test
    void showsCountsLinksAndGroupsIdenticalFallbacks() {
        PlanSummary.Fallback f = new PlanSummary.Fallback("Project", "why");
        PlanSummary s = new PlanSummary(12, "collect", 3, 6, List.of(f, new PlanSummary.Fallback("Sort", "other"), f));
        String html = PlanSummaryHtml.render(List.of(s), "/proxy/app-1/SQL/execution/?id=", 10);
        assertThat(html).contains("<a href=\"/proxy/app-1/SQL/execution/?id=12\">12</a>")
                .contains("3 of 6 operators on GPU")
                .contains("<li><strong>Project</strong> (2 operators): why</li>")
                .contains("<li><strong>Sort</strong>: other</li>");
        XML.loadString(html);
    }

    @Test
    void saysWhenNothingHasEnded() {
        String html = PlanSummaryHtml.render(List.of(), "/SQL/execution/?id=", 1000);
        assertThat(html).contains("No SQL execution has ended yet").contains("the last 1000 are kept");
        XML.loadString(html);
    }
}
