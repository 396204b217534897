package dev.ember.cuda.ops;

/**
 * A string result would hold more bytes than its limit (at most {@link Strings#MAX_BYTES}, what
 * int32 offsets address). Nothing was produced; the caller splits its batch and retries. {@link
 * #fittingParts()} says how many leading parts (rows of a gather, columns of a concatenation) fit,
 * where the operation knows it cheaply, else -1.
 */
public final class StringSizeLimitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long bytes;
    private final long limit;
    private final long fittingParts;

    StringSizeLimitException(String message, long bytes, long limit, long fittingParts) {
        super(message);
        this.bytes = bytes;
        this.limit = limit;
        this.fittingParts = fittingParts;
    }

    /** The bytes the result would have needed. */
    public long bytes() {
        return bytes;
    }

    /** The limit it was checked against. */
    public long limit() {
        return limit;
    }

    /** The number of leading parts whose bytes fit the limit together, or -1 when not known. */
    public long fittingParts() {
        return fittingParts;
    }
}
