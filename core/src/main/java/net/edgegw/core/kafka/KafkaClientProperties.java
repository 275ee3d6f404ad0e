package net.edgegw.core.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * The one place where a Kafka client's properties start: the user's properties of the config (TLS, SASL, tuning),
 * then {@code bootstrap.servers}, which they cannot override. Plain string keys, so that core needs no Kafka
 * dependency; each program adds its own tuned defaults and guarantee settings around it. Log the result only through
 * {@link net.edgegw.core.security.Secrets#redact(Map)}. Stateless and thread-safe.
 */
public final class KafkaClientProperties {

    /** {@code CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG}. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    private KafkaClientProperties() {
    }

    /** A new mutable map: {@code userProperties}, then {@code bootstrapServers}. */
    public static Map<String, Object> base(String bootstrapServers, Map<String, String> userProperties) {
        Map<String, Object> p = new HashMap<>(userProperties);
        p.put(BOOTSTRAP_SERVERS, bootstrapServers);
        return p;
    }
}
