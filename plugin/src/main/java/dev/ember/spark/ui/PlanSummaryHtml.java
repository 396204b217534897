package dev.ember.spark.ui;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Ember tab's content as well-formed XHTML. Every text from a plan (descriptions, operator
 * names, reasons: they contain column names and SQL text a user wrote) goes through {@link #escape}.
 */
public final class PlanSummaryHtml {
    private PlanSummaryHtml() {}

    /**
     * One {@code div}: an introduction and a table of the executions, newest first.
     *
     * @param sqlExecutionPage the address of Spark's SQL execution page without the id, e.g. {@code /SQL/execution/?id=}
     */
    public static String render(List<PlanSummary> summaries, String sqlExecutionPage, int capacity) {
        StringBuilder out = new StringBuilder(4096);
        out.append("<div>");
        out.append("<p>How many operators of each SQL execution's final plan run on the GPU (with adaptive execution, ")
                .append("the plan after its last re-optimization), and why each other operator stays on the CPU. ")
                .append("An execution appears when it ends; the last ").append(capacity)
                .append(" are kept (spark.sql.ui.retainedExecutions). Transitions between rows and columns, ")
                .append("whole-stage code generation, query-stage wrappers and driver-side commands are not ")
                .append("counted as operators.</p>");
        if (summaries.isEmpty()) {
            out.append("<p id=\"ember-no-executions\">No SQL execution has ended yet.</p></div>");
            return out.toString();
        }
        out.append("<table class=\"table table-bordered table-sm table-striped\" id=\"ember-executions\">")
                .append("<thead><tr><th>ID</th><th>Description</th><th>On the GPU</th>")
                .append("<th title=\"conversions between rows and columns in the plan\">Row/column transitions</th>")
                .append("<th>Operators staying on the CPU, and why</th></tr></thead><tbody>");
        for (PlanSummary s : summaries) {
            out.append("<tr id=\"ember-execution-").append(s.executionId()).append("\">");
            out.append("<td><a href=\"").append(escape(sqlExecutionPage + s.executionId())).append("\">")
                    .append(s.executionId()).append("</a></td>");
            out.append("<td>").append(escape(s.description())).append("</td>");
            out.append("<td class=\"ember-gpu-count\" style=\"white-space: nowrap\">").append(gpuCount(s)).append("</td>");
            out.append("<td class=\"ember-transitions\">").append(s.transitions()).append("</td>");
            out.append("<td>");
            appendFallbacks(out, s.fallbacks());
            out.append("</td></tr>");
        }
        out.append("</tbody></table></div>");
        return out.toString();
    }

    /** "N of M operators on GPU". */
    public static String gpuCount(PlanSummary s) {
        return s.gpuOperators() + " of " + s.operators() + " operators on GPU";
    }

    /** Identical operator/reason pairs once, with how many operators share them. */
    private static void appendFallbacks(StringBuilder out, List<PlanSummary.Fallback> fallbacks) {
        if (fallbacks.isEmpty()) {
            return;
        }
        Map<PlanSummary.Fallback, Integer> counts = new LinkedHashMap<>();
        fallbacks.forEach(f -> counts.merge(f, 1, Integer::sum));
        out.append("<ul class=\"list-unstyled\">");
        counts.forEach((f, n) -> {
            out.append("<li><strong>").append(escape(f.operator())).append("</strong>");
            if (n > 1) {
                out.append(" (").append(n).append(" operators)");
            }
            out.append(": ").append(escape(f.reason())).append("</li>");
        });
        out.append("</ul>");
    }

    /**
     * {@code text} as XML character data or attribute value: markup characters as entities, and
     * characters XML cannot carry at all (most control characters, lone surrogates) as U+FFFD.
     */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (isXmlChar(c)) {
                        out.append(c);
                    } else {
                        out.append('\uFFFD');
                    }
                }
            }
        }
        return out.toString();
    }

    private static boolean isXmlChar(char c) {
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
    }
}
