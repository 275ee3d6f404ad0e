package net.edgegw.aggregator.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which configuration values must never reach a log line or a {@code toString()}: Kafka client properties whose key
 * contains {@code password}, {@code secret}, {@code jaas} or {@code key} (so {@code ssl.key.password},
 * {@code sasl.jaas.config}, {@code ssl.keystore.key}...). Stateless and thread-safe.
 */
public final class Secrets {

    /** What a secret value is replaced with. */
    public static final String MASK = "[hidden]";

    private Secrets() {
    }

    /** Whether the value of property {@code key} is to be treated as a secret. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("key");
    }

    /** A copy of {@code props} with every secret value replaced by {@link #MASK}, for logging. */
    public static Map<String, String> redact(Map<String, String> props) {
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach((k, v) -> out.put(k, isSecret(k) ? MASK : v));
        return out;
    }
}
