package net.edgegw.aggregator.streams;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the health topology: what was skipped and why, what was deduplicated. Passed in by the wiring (see
 * {@link HealthTopology#addTo(org.apache.kafka.streams.StreamsBuilder,
 * net.edgegw.aggregator.config.AggregatorConfig, HealthCounters)}) so that it can expose them as metrics.
 * Thread-safe: every stream thread of the application adds to the same instance.
 */
public final class HealthCounters {

    /** Metric names, for the wiring that exposes them. */
    public static final String TELEMETRY_UNDECODABLE = "telemetry.undecodable";
    public static final String HEARTBEATS_UNDECODABLE = "heartbeats.undecodable";
    public static final String UNROUTABLE = "records.unroutable";
    public static final String SITE_MISMATCH = "records.siteMismatch";
    public static final String UNIQUE = "records.unique";
    public static final String DUPLICATES = "records.duplicates";
    public static final String WITHOUT_ID = "records.withoutId";
    public static final String TOPOLOGY_UNDECODABLE = "topology.undecodable";
    public static final String CONDITIONS_DROPPED = "conditions.dropped";
    public static final String ALARMS_SUPPRESSED = "alarms.suppressedWithinHoldDown";
    public static final String ALARMS_UNKNOWN = "alarms.unknownUpdates";
    public static final String DESERIALIZATION_SKIPPED = "handler.deserializationSkipped";
    public static final String PRODUCTION_SKIPPED = "handler.productionSkipped";
    public static final String PROCESSING_SKIPPED = "handler.processingSkipped";

    private final Map<String, LongAdder> counters = new LinkedHashMap<>();

    public HealthCounters() {
        for (String n : new String[] {TELEMETRY_UNDECODABLE, HEARTBEATS_UNDECODABLE, UNROUTABLE, SITE_MISMATCH,
                UNIQUE, DUPLICATES, WITHOUT_ID, TOPOLOGY_UNDECODABLE, CONDITIONS_DROPPED, ALARMS_SUPPRESSED,
                ALARMS_UNKNOWN, DESERIALIZATION_SKIPPED, PRODUCTION_SKIPPED, PROCESSING_SKIPPED}) {
            counters.put(n, new LongAdder());
        }
    }

    /** Adds one to the counter {@code name} (one of the constants). */
    public void inc(String name) {
        LongAdder a = counters.get(name);
        if (a == null) {
            throw new IllegalArgumentException("unknown counter " + name);
        }
        a.increment();
    }

    /** The current value of {@code name}. */
    public long get(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    /** Every counter, in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
