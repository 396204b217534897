package dev.ember.cuda.ops;

/**
 * How one key column orders rows, as Spark's {@code SortOrder}: its direction and where its nulls go.
 * The two are independent (Spark's {@code NullOrdering} is not flipped by a descending direction): a
 * descending column reverses the order of its values only. Spark's defaults are {@link #ASCENDING}
 * (nulls first) and {@link #DESCENDING} (nulls last).
 */
public record SortKey(boolean ascending, boolean nullsFirst) {
    /** {@code ASC NULLS FIRST}, Spark's default for an ascending column. */
    public static final SortKey ASCENDING = new SortKey(true, true);
    /** {@code DESC NULLS LAST}, Spark's default for a descending column. */
    public static final SortKey DESCENDING = new SortKey(false, false);

    @Override
    public String toString() {
        return (ascending ? "ASC" : "DESC") + (nullsFirst ? " NULLS FIRST" : " NULLS LAST");
    }
}
