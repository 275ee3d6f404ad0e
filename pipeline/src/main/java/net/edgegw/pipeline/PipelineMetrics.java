package net.edgegw.pipeline;

/** Metric names of the pipeline (the inputs, buffer and uplink modules define their own). Constants only. */
public final class PipelineMetrics {
    /** Records written to the buffer, all inputs (dead letters included). */
    public static final String ACCEPTED = "pipeline.accepted";
    /** Records dropped on purpose by a route with {@code drop: true}. */
    public static final String FILTERED = "pipeline.filtered";
    /** Offers the full buffer refused (overflow: block). Not a loss count: the source decides (UDP gives up and
     *  reports a {@code buffer-full} rejection, which the heartbeat counts as dropped; TCP holds and retries). */
    public static final String BUFFER_FULL = "pipeline.bufferFull";
    /** Prefix of per-input rejection counters: {@code input.<name>.rejected.<reason>}. */
    public static final String INPUT_PREFIX = "input.";
    /** Dead-letter records written. */
    public static final String DEADLETTERED = "pipeline.deadlettered";

    private PipelineMetrics() {
    }

    public static String rejected(String input, String reason) {
        return INPUT_PREFIX + input + ".rejected." + reason;
    }

    public static String accepted(String input) {
        return INPUT_PREFIX + input + ".accepted";
    }
}
