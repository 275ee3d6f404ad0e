package net.edgegw.storeforward;

/**
 * Names of the metrics a lane buffer registers in the {@link com.codahale.metrics.MetricRegistry} it is given.
 * Every name is {@code buffer.<lane>.<suffix>}; build one with {@link #name(String, String)}.
 */
public final class BufferMetrics {
    /** Prefix of every buffer metric. */
    public static final String PREFIX = "buffer.";
    /** Meter: records appended. */
    public static final String APPENDED = "appended";
    /** Gauge (long): records appended and neither replicated nor dropped. */
    public static final String RECORDS = "records";
    /** Gauge (long): approximate bytes on disk of those records. */
    public static final String BYTES = "bytes";
    /** Gauge (long): age in ms of the oldest unreplicated record (0 when none). */
    public static final String OLDEST_AGE_MS = "oldestAgeMs";
    /** Gauge (long): records dropped by overflow (drop-oldest), persisted across restarts. */
    public static final String DROPPED_OVERFLOW = "dropped.overflow";
    /** Gauge (long): records dropped because they were older than maxAge, persisted across restarts. */
    public static final String DROPPED_EXPIRED = "dropped.expired";
    /** Gauge (long): records refused because the disk was below minFreeDisk (or full), persisted across restarts. */
    public static final String DROPPED_DISK_FULL = "dropped.diskFull";
    /** Gauge (long): stored records skipped on read because they failed their checksum (since start). */
    public static final String DROPPED_CORRUPT = "dropped.corrupt";

    private BufferMetrics() {
    }

    /** {@code buffer.<lane>.<suffix>}. */
    public static String name(String lane, String suffix) {
        return PREFIX + lane + '.' + suffix;
    }
}
