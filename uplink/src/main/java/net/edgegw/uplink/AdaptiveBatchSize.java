package net.edgegw.uplink;

/**
 * The byte bound of one lane's batches: {@code batchMaxBytes}, halved after each timeout down to 64 KiB, doubled back
 * after each success, and at most 5 s worth of the bandwidth cap so a transaction stays well inside the transaction
 * timeout.
 *
 * <p>Not thread-safe: the forwarder thread only.
 */
final class AdaptiveBatchSize {

    static final int MIN_ADAPTIVE_BYTES = 64 * 1024;

    private final int configuredMaxBytes;
    private final TokenBucket bucket;
    private int adaptiveMaxBytes;

    /** @param bucket the bandwidth cap, null if none */
    AdaptiveBatchSize(int configuredMaxBytes, TokenBucket bucket) {
        this.configuredMaxBytes = configuredMaxBytes;
        this.bucket = bucket;
        this.adaptiveMaxBytes = configuredMaxBytes;
    }

    /** The batch byte bound now: settings, halved after timeouts, and at most 5 s at the bandwidth cap. */
    int maxBytes() {
        long m = Math.min(configuredMaxBytes, adaptiveMaxBytes);
        if (bucket != null) {
            m = Math.min(m, bucket.rate() * 5);
        }
        return (int) Math.max(1024, m);
    }

    /** After a timeout (or a lost epoch): halves the bound, down to {@link #MIN_ADAPTIVE_BYTES}. */
    void shrink() {
        adaptiveMaxBytes = Math.max(MIN_ADAPTIVE_BYTES, adaptiveMaxBytes / 2);
    }

    /** After a delivered batch: doubles the bound, up to the configured one. */
    void grow() {
        adaptiveMaxBytes = (int) Math.min(configuredMaxBytes, adaptiveMaxBytes * 2L);
    }
}
