package net.edgegw.aggregator.config;

import org.apache.kafka.clients.CommonClientConfigs;

import java.util.HashMap;
import java.util.Map;

/**
 * The client properties every Kafka client of the aggregator starts from: {@code bootstrap.servers} plus the
 * {@code kafka} map of the config (security settings). Log them only through {@link Secrets#redact(Map)}. Stateless.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /** A new mutable map: bootstrap servers and the extra properties. */
    public static Map<String, Object> base(String bootstrapServers, Map<String, String> extra) {
        Map<String, Object> p = new HashMap<>(extra);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** A new mutable map for {@code cfg}'s central cluster. */
    public static Map<String, Object> base(AggregatorConfig cfg) {
        return base(cfg.bootstrapServers(), cfg.kafka());
    }
}
