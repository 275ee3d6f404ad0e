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

    /** Why an apply failed; the previous config runs. */
    final class ApplyFailed extends Exception {
        public ApplyFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
