package dev.ember.bench.tpch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** The 22 TPC-H-derived queries, Spark SQL files on the classpath under {@code tpch/q01.sql} … {@code q22.sql}. */
public final class TpchQueries {
    public static final int COUNT = 22;

    private TpchQueries() {}

    /** One query: its name ({@code q01}) and its SQL text. */
    public record Query(String name, String sql) {}

    /** Every query, in order. */
    public static List<Query> all() {
        return IntStream.rangeClosed(1, COUNT).mapToObj(i -> get(String.format(Locale.ROOT, "q%02d", i))).toList();
    }

    /** The queries named in {@code names} (comma-separated, e.g. {@code q01,q5,Q22}), or all when empty. */
    public static List<Query> select(String names) {
        if (names == null || names.isBlank()) {
            return all();
        }
        List<Query> out = new ArrayList<>();
        for (String n : names.split(",")) {
            out.add(get(n.trim()));
        }
        return out;
    }

    /** The query {@code q1} … {@code q22} (also written {@code q01}). */
    public static Query get(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int number;
        try {
            number = Integer.parseInt(n.startsWith("q") ? n.substring(1) : n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown query '" + name + "': use q01 … q22");
        }
        if (number < 1 || number > COUNT) {
            throw new IllegalArgumentException("unknown query '" + name + "': use q01 … q22");
        }
        String canonical = String.format(Locale.ROOT, "q%02d", number);
        String resource = "tpch/" + canonical + ".sql";
        try (InputStream in = TpchQueries.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("query file " + resource + " is missing from the classpath");
            }
            return new Query(canonical, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
