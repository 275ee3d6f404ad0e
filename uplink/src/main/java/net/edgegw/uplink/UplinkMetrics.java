package net.edgegw.uplink;

/** Metric names of the uplink, registered in the {@code MetricRegistry} passed to the forwarder. */
public final class UplinkMetrics {
    /** Meter: records committed (exactly-once) or acknowledged (at-least-once). */
    public static final String RECORDS = "uplink.records";
    /** Meter: key+value bytes of those records. */
    public static final String BYTES = "uplink.bytes";
    /** Timer: from the poll that started a batch to its commit / last ack. */
    public static final String BATCH_LATENCY = "uplink.batch.latency";
    /** Counter: failed attempts (send, commit, recovery). */
    public static final String ERRORS = "uplink.errors";
    /** Gauge: 0 = connecting, 1 = up, 2 = down ({@link UplinkState#code()}). */
    public static final String STATE = "uplink.state";
    /** Counter: committed transactions (exactly-once) or acknowledged batches (at-least-once). */
    public static final String TRANSACTIONS = "uplink.transactions";
    /** Counter: partitions where a transaction of this gateway that Kafka left without commit markers was aborted
     * ({@link HangingTransactions}). */
    public static final String HANGING_ABORTED = "uplink.transactions.hanging.aborted";
    /** Counter (addition): heartbeats handed to Kafka and acknowledged. */
    public static final String HEARTBEATS_SENT = "uplink.heartbeats.sent";
    /** Counter (addition): heartbeats dropped because the uplink was down or slow (the next one supersedes). */
    public static final String HEARTBEATS_DROPPED = "uplink.heartbeats.dropped";

    private UplinkMetrics() {
    }
}
