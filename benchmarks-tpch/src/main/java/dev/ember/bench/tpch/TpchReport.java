package dev.ember.bench.tpch;

import static java.util.Objects.requireNonNull;

import dev.ember.cuda.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The runner's results as a text table, as Markdown and as an SVG bar chart of the speedups. */
public final class TpchReport {
    private final RunnerOptions options;
    private final List<QueryResult> results;
    private final Optional<String> device;

    public TpchReport(RunnerOptions options, List<QueryResult> results) {
        this(options, results, Optional.empty());
    }

    /**
     * @param device the device Ember ran on, as it describes itself: the heading names it, so that figures
     *     of the emulated device or the CPU simulator are never read as a GPU's
     */
    public TpchReport(RunnerOptions options, List<QueryResult> results, Optional<String> device) {
        this.options = options;
        this.results = List.copyOf(results);
        this.device = requireNonNull(device, "device is null");
    }

    /** One line describing the run. */
    public String heading() {
        return String.format(Locale.ROOT,
                "TPC-H-derived queries (not TPC-H results), scale factor %s, master %s, %s, %d measured run(s) "
                        + "after %d warm-up(s), median times",
                TpchData.scaleDir(options.data(), options.scale()).getFileName().toString().substring(2),
                options.master(), options.mode() == RunnerOptions.Mode.GPU
                        ? "spark.ember.device=" + options.device() + ": Ember off (CPU) vs on ("
                                + device.orElse("device unknown") + ")"
                        : "spark.ember.device=auto without a GPU: Ember disabled vs installed",
                options.repetitions(), options.warmups());
    }

    public List<String> header() {
        return options.mode() == RunnerOptions.Mode.GPU
                ? List.of("query", "off ms", "on ms", "speedup", "GPU operators", "GPU exchanges", "row/col transitions",
                        "peak device memory", "rows", "fallback reasons")
                : List.of("query", "Ember off ms", "Ember on ms", "added ms", "added", "planning off ms",
                        "planning on ms", "rows");
    }

    public List<List<String>> rows() {
        List<List<String>> out = new ArrayList<>();
        for (QueryResult r : results) {
            if (r.error().isPresent() && r.onNanos().isEmpty()) {
                List<String> row = new ArrayList<>(List.of(r.query()));
                while (row.size() < header().size() - 1) {
                    row.add("-");
                }
                row.add("ERROR: " + r.error().get());
                out.add(row);
                continue;
            }
            String check = r.error().map(e -> "ERROR: " + e)
                    .orElse(r.mismatch().map(m -> "DIFFER: " + m).orElse("equal (" + r.rows() + ")"));
            if (options.mode() == RunnerOptions.Mode.GPU) {
                PlanSummary p = r.plan();
                out.add(List.of(r.query(), ms(r.offMillis()), ms(r.onMillis()), String.format(Locale.ROOT, "%.2fx",
                        r.speedup()), String.format(Locale.ROOT, "%d/%d (%.0f%%)", p.gpuOperators(),
                        p.gpuOperators() + p.cpuOperators(), 100 * p.gpuShare()), exchanges(p),
                        Integer.toString(p.transitions()), memory(r), check,
                        p.fallbackReasons().isEmpty() ? "-" : String.join("; ", p.fallbackReasons())));
            } else {
                double added = r.onMillis() - r.offMillis();
                out.add(List.of(r.query(), ms(r.offMillis()), ms(r.onMillis()), ms(added),
                        String.format(Locale.ROOT, "%+.1f%%", 100 * added / r.offMillis()),
                        ms(r.offPlanningNanos() / 1e6), ms(r.onPlanningNanos() / 1e6), check));
            }
        }
        return out;
    }

    /** GPU exchanges of all, with the CPU ones named. */
    private static String exchanges(PlanSummary p) {
        String out = p.gpuExchanges() + "/" + p.exchanges();
        return p.cpuExchanges().isEmpty() ? out : out + " (CPU: " + String.join(", ", p.cpuExchanges()) + ")";
    }

    /** The closing line: geometric mean of the speedups (GPU mode) or of the on/off ratios. */
    public String summary() {
        double g = QueryResult.geometricMeanSpeedup(results);
        long ok = results.stream().filter(QueryResult::ok).count();
        return options.mode() == RunnerOptions.Mode.GPU
                ? String.format(Locale.ROOT, "geometric mean speedup (Ember off time / Ember on time) over %d of %d queries "
                        + "with equal rows: %.2fx", ok, results.size(), g)
                : String.format(Locale.ROOT, "geometric mean of (Ember off time / Ember on time) over %d of %d queries "
                        + "with equal rows: %.3f (1.000: Ember adds nothing)", ok, results.size(), g);
    }

    /** The table as aligned text, with the heading and the summary. */
    public String text() {
        List<String> header = header();
        List<List<String>> rows = rows();
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder(heading()).append('\n');
        appendLine(sb, header, widths);
        List<String> rule = new ArrayList<>();
        for (int w : widths) {
            rule.add("-".repeat(w));
        }
        appendLine(sb, rule, widths);
        for (List<String> row : rows) {
            appendLine(sb, row, widths);
        }
        return sb.append(summary()).append('\n').toString();
    }

    /** The same as Markdown, with the definitions of the columns. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("# TPC-H-derived queries\n\n");
        sb.append("These queries are derived from TPC-H; the results are not TPC-H results and are not comparable "
                + "with published TPC-H results.\n\n").append(heading()).append(".\n\n");
        sb.append("| ").append(String.join(" | ", header())).append(" |\n");
        sb.append("|").append("---|".repeat(header().size())).append('\n');
        for (List<String> row : rows()) {
            sb.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
        }
        sb.append('\n').append(summary()).append(".\n\n");
        if (options.mode() == RunnerOptions.Mode.GPU) {
            sb.append("Times: median wall time of running the query and collecting its rows, in one Spark session, "
                    + "with spark.ember.sql.enabled false (CPU) and true (GPU), alternating. Speedup: CPU time / "
                    + "GPU time. GPU operators: Ember's operators among all operators of the executed plan "
                    + "(adaptive query stages and subqueries included; transitions, codegen wrappers and reused "
                    + "exchanges left out; Ember's GPU exchanges count as GPU operators). GPU exchanges: shuffle and "
                    + "broadcast exchanges that ran on the GPU, of all, the CPU ones named. Row/col transitions: "
                    + "conversions between rows and columns in the plan (Spark's and Ember's; a reused exchange is "
                    + "counted once). Peak device memory: the high-water "
                    + "mark of Ember's device pool during the query's GPU runs, against "
                    + "spark.ember.memory.poolLimit. Fallback reasons: why operators stayed on the CPU, "
                    + "each once.\n");
        } else {
            sb.append("Times: median wall time with Ember disabled (off) and installed on a machine without a GPU "
                    + "(on, spark.ember.device=auto), which keeps every plan on the CPU: the difference is what Ember "
                    + "adds. Planning: Spark's planning phase, Ember's rules included.\n");
        }
        return sb.toString();
    }

    /** A bar per query: its speedup, with a line at 1. */
    public String svg() {
        int n = results.size();
        int left = 60;
        int top = 40;
        int plotHeight = 260;
        int bar = 28;
        int gap = 12;
        int width = left + n * (bar + gap) + 20;
        int height = top + plotHeight + 60;
        double max = 1;
        for (QueryResult r : results) {
            if (r.ok()) {
                max = Math.max(max, r.speedup());
            }
        }
        max *= 1.15;
        boolean gpu = options.mode() == RunnerOptions.Mode.GPU;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", left,
                xml(String.format(Locale.ROOT, "TPC-H-derived queries (not TPC-H results), %s: geometric mean %.2fx",
                        gpu ? "speedup = CPU time / time on " + device.orElse("the device")
                                : "Ember off time / Ember on time without a device",
                        QueryResult.geometricMeanSpeedup(results)))));
        double one = top + plotHeight - plotHeight / max;
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" "
                + "stroke-dasharray=\"4 3\"/>%n", left - 5, one, width - 10, one));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">1.0x</text>%n", left - 8,
                one + 4));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left - 5,
                top + plotHeight, width - 10, top + plotHeight));
        for (int i = 0; i < n; i++) {
            QueryResult r = results.get(i);
            int x = left + i * (bar + gap);
            if (r.ok()) {
                double s = r.speedup();
                double h = plotHeight * s / max;
                sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s: %.2fx</title></rect>%n", x, top + plotHeight - h, bar, h,
                        s >= 1 ? "#2e7d32" : "#c62828", r.query(), s));
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">%.2f</text>%n",
                        x + bar / 2, top + plotHeight - h - 4, s));
            } else {
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#c62828\">"
                        + "%s</text>%n", x + bar / 2, top + plotHeight - 4, r.error().isPresent() ? "error" : "differ"));
            }
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x + bar / 2,
                    top + plotHeight + 16, r.query()));
        }
        return sb.append("</svg>\n").toString();
    }

    private static void appendLine(StringBuilder sb, List<String> cells, int[] widths) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            boolean last = c == cells.size() - 1;
            sb.append(last ? cell : cell + " ".repeat(widths[c] - cell.length())).append(last ? "" : "  ");
        }
        sb.append('\n');
    }

    private static String memory(QueryResult r) {
        if (r.peakDeviceBytes().isEmpty()) {
            return "-";
        }
        long peak = r.peakDeviceBytes().getAsLong();
        long limit = r.poolLimitBytes().orElse(0);
        return limit <= 0 ? Bytes.format(peak)
                : String.format(Locale.ROOT, "%s (%.1f%% of %s)", Bytes.format(peak), 100.0 * peak / limit,
                        Bytes.format(limit));
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.1f", millis);
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
