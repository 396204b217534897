package dev.ember.bench.tpch;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * Compares the rows of a query with Ember off (expected) and on. Rows are compared in order when
 * the query's result is ordered, otherwise as multisets (both sides sorted by their text). Decimals
 * must be equal in value and scale, i.e. as their strings; every other value with {@code equals},
 * except doubles and floats, which may differ by a relative {@value #RELATIVE_TOLERANCE} (a GPU sums
 * floating-point values in another order; NaN equals NaN).
 */
public final class RowCheck {
    public static final double RELATIVE_TOLERANCE = 1e-9;

    private RowCheck() {}

    /** Empty when equal, otherwise the first difference, e.g. the row index and both rows. */
    public static Optional<String> compare(List<Row> expected, List<Row> actual, boolean ordered) {
        if (expected.size() != actual.size()) {
            return Optional.of("row count: Ember off " + expected.size() + ", on " + actual.size());
        }
        List<Row> e = new ArrayList<>(expected);
        List<Row> a = new ArrayList<>(actual);
        if (!ordered) {
            Comparator<Row> byText = Comparator.comparing(RowCheck::text);
            e.sort(byText);
            a.sort(byText);
        }
        for (int i = 0; i < e.size(); i++) {
            Row er = e.get(i);
            Row ar = a.get(i);
            if (er.length() != ar.length()) {
                return Optional.of("row " + i + " has " + er.length() + " columns off and " + ar.length() + " on");
            }
            for (int c = 0; c < er.length(); c++) {
                if (!equal(er.get(c), ar.get(c))) {
                    return Optional.of("row " + i + " column " + c + ": Ember off " + er + ", on " + ar
                            + (ordered ? "" : " (rows sorted for a multiset comparison)"));
                }
            }
        }
        return Optional.empty();
    }

    static boolean equal(Object e, Object a) {
        if (e == null || a == null) {
            return e == a;
        }
        if (e instanceof BigDecimal ed && a instanceof BigDecimal ad) {
            return ed.toString().equals(ad.toString());
        }
        if (e instanceof Double ed && a instanceof Double ad) {
            return close(ed, ad);
        }
        if (e instanceof Float ef && a instanceof Float af) {
            return close(ef, af);
        }
        return e.equals(a);
    }

    private static boolean close(double e, double a) {
        if (Double.isNaN(e) || Double.isNaN(a)) {
            return Double.isNaN(e) && Double.isNaN(a);
        }
        if (e == a) {
            return true;
        }
        return Math.abs(e - a) <= RELATIVE_TOLERANCE * Math.max(Math.abs(e), Math.abs(a));
    }

    private static String text(Row row) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < row.length(); i++) {
            Object v = row.get(i);
            sb.append(v == null ? "\u0000null" : v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v))
                    .append('\u0001');
        }
        return sb.toString();
    }
}
