package dev.ember.cuda.memory;

/** Closing several resources as one. */
public final class Closeables {
    private Closeables() {}

    /**
     * Closes every non-null resource, each one even if an earlier one fails; then throws the first
     * failure with the later ones suppressed.
     */
    public static void closeAll(Iterable<? extends AutoCloseable> resources) {
        RuntimeException first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException("close failed", e);
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
