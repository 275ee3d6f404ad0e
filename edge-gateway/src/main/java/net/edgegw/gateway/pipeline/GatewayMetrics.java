package net.edgegw.gateway.pipeline;

/** Metric names of the gateway's pipeline (the inputs, buffer and uplink modules define their own). */
public final class GatewayMetrics {
    /** Records written to the buffer, all inputs. */
    public static final String ACCEPTED = "pipeline.accepted";
    /** Records dropped on purpose by a route with {@code drop: true}. */
    public static final String FILTERED = "pipeline.filtered";
    /** Records refused because the buffer was full (overflow: block) and the source could not wait (UDP). */
    public static final String BUFFER_FULL = "pipeline.bufferFull";
    /** Prefix of per-input rejection counters: {@code input.<name>.rejected.<reason>}. */
    public static final String INPUT_PREFIX = "input.";
    /** Dead-letter records written. */
    public static final String DEADLETTERED = "pipeline.deadlettered";

    private GatewayMetrics() {
    }

    public static String rejected(String input, String reason) {
        return INPUT_PREFIX + input + ".rejected." + reason;
    }

    public static String accepted(String input) {
        return INPUT_PREFIX + input + ".accepted";
    }
}
