package net.edgegw.aggregator.web;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.web.MetricMapping;
import org.apache.kafka.streams.KafkaStreams;

import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the dashboard's {@code GET /metrics} shows (namespace {@code cloud_aggregator}, docs/metrics.md): a Dropwizard
 * registry holding gauges over the health topology's counters ({@code health.<counter>}, see
 * {@code streams.HealthCounters}), the Kafka Streams state ({@code streams.running}), the
 * live-update connections ({@code dashboard.eventStreams}) and the web server's own counters, and the rules that
 * name them for Prometheus. Thread-safe (registration happens once, at start and attach).
 */
final class DashboardMetrics {

    static final String NAMESPACE = "cloud_aggregator";
    static final String HEALTH_PREFIX = "health.";

    private final MetricRegistry registry = new MetricRegistry();

    MetricRegistry registry() {
        return registry;
    }

    /** Gauges over the health topology's counters (name -> running total), read on every scrape. */
    void healthCounters(Supplier<Map<String, Long>> counters) {
        for (String name : counters.get().keySet()) {
            String key = HEALTH_PREFIX + name;
            registry.remove(key);
            registry.register(key, (Gauge<Long>) () -> counters.get().getOrDefault(name, 0L));
        }
    }

    /** Gauges over the Kafka Streams instance. */
    void streams(KafkaStreams streams) {
        registry.remove("streams.running");
        registry.register("streams.running", (Gauge<Integer>) () -> {
            KafkaStreams.State s = streams.state();
            return s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING ? 1 : 0;
        });
    }

    /** The live-update connections open now. */
    void eventStreams(IntSupplier open) {
        registry.remove("dashboard.eventStreams");
        registry.register("dashboard.eventStreams", (Gauge<Integer>) open::getAsInt);
    }

    /** The Prometheus rules (after the web server's own). */
    static List<MetricMapping> mappings() {
        return List.of(
                MetricMapping.counter("health.records.*", "records", "telemetry records by outcome (unique, "
                        + "duplicates, withoutId, unroutable, siteMismatch)").label("outcome", "${0}"),
                MetricMapping.counter("health.*.undecodable", "undecodable_records",
                        "records that could not be decoded and were skipped, by topic kind").label("topic", "${0}"),
                MetricMapping.counter("health.handler.*", "streams_skipped_records",
                        "records Kafka Streams' exception handlers skipped, by handler").label("handler", "${0}"),
                MetricMapping.counter("health.conditions.dropped", "conditions_dropped",
                        "alarms not raised because the site already had the most open conditions"),
                MetricMapping.counter("health.alarms.*", "alarms_ignored",
                        "alarm transitions not emitted, by reason (suppressedWithinHoldDown, unknownUpdates)")
                        .label("reason", "${0}"),
                MetricMapping.gauge("streams.running", "streams_running",
                        "1 while Kafka Streams is RUNNING or REBALANCING, else 0"),
                MetricMapping.gauge("dashboard.eventStreams", "dashboard_event_streams",
                        "live-update (server-sent events) connections open"));
    }
}
