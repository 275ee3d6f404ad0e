package net.edgegw.core.security;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one rule for which configuration values (Kafka client properties and the like) must never reach a log line, a
 * {@code toString()} or a status page, and how they are shown instead. Stateless and thread-safe.
 */
public final class Secrets {

    /** What a secret value is replaced with. */
    public static final String REDACTED = "[redacted]";

    private static final String[] SENSITIVE = {"password", "secret", "jaas", "token", "key"};

    private Secrets() {
    }

    /**
     * Whether the value of property {@code name} must never be logged: its name contains {@code password},
     * {@code secret}, {@code jaas} (so {@code sasl.jaas.config}), {@code token} or {@code key} (so
     * {@code ssl.key.password}, {@code ssl.keystore.key}), case-insensitive. Deliberately broad: it also hides
     * harmless values such as {@code ssl.keystore.type}.
     */
    public static boolean isSensitive(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String s : SENSITIVE) {
            if (n.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** A copy of {@code props}, in its iteration order, with every sensitive value replaced by {@link #REDACTED}. */
    public static Map<String, String> redact(Map<String, String> props) {
        Map<String, String> out = new LinkedHashMap<>();
        props.forEach((k, v) -> out.put(k, isSensitive(k) ? REDACTED : v));
        return out;
    }
}
