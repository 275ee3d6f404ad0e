package net.edgegw.aggregator.model;

/**
 * Names of the Kafka Streams state stores that the dashboard reads through interactive queries. Both are key-value
 * stores with String keys, values serialized by {@link HealthJson#serde(Class)}.
 */
public final class StoreNames {

    /** site id -> {@link SiteSnapshot}; partitioned by site. */
    public static final String SITES = "site-snapshots";
    /** alarm id -> latest {@link Alarm} version: active alarms, and cleared ones for {@link #CLEARED_RETENTION_MS}. */
    public static final String ALARMS = "alarms";
    /** How long a cleared alarm stays in {@link #ALARMS} for the dashboard's "recently cleared" list. */
    public static final long CLEARED_RETENTION_MS = 3_600_000L;

    private StoreNames() {
    }
}
