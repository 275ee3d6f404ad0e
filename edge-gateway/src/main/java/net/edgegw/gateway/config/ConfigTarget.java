package net.edgegw.gateway.config;

/** What {@link LiveConfig} applies a config to: the running gateway. */
public interface ConfigTarget {

    /** The config running now. */
    GatewayConfig running();

    /**
     * Applies {@code next} (whose {@code diff} against {@link #running()} needs no restart) live, entirely, or not at
     * all: on failure the previous config runs again.
     */
    void apply(GatewayConfig next, ConfigDiff diff) throws ApplyFailed;

    /**
     * Why an apply failed; the previous config runs, except what {@link #notUndone()} names (an undo step that failed
     * too, e.g. an input that could not be restarted with its previous settings).
     */
    final class ApplyFailed extends Exception {
        private final java.util.List<String> notUndone;

        public ApplyFailed(String message, Throwable cause) {
            this(message, cause, java.util.List.of());
        }

        public ApplyFailed(String message, Throwable cause, java.util.List<String> notUndone) {
            super(message, cause);
            this.notUndone = java.util.List.copyOf(notUndone);
        }

        /** What could not be put back as it was (empty: everything is as before the apply). */
        public java.util.List<String> notUndone() {
            return notUndone;
        }
    }
}
