package net.edgegw.uplink;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Redaction of client properties before anything is logged or shown. Stateless, thread-safe. */
public final class Secrets {

    /** What a redacted value is replaced with. */
    public static final String REDACTED = "[redacted]";

    private static final String[] SENSITIVE = {"password", "secret", "jaas", "token", "key"};

    private Secrets() {
    }

    /**
     * Whether the value of a client property must never be logged: its name contains {@code password},
     * {@code secret}, {@code jaas}, {@code token} or {@code key} (case-insensitive). Deliberately broad: it also
     * hides harmless values such as {@code ssl.keystore.type}.
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

    /** A sorted copy with the values of sensitive keys replaced by {@link #REDACTED}. */
    public static Map<String, String> redact(Map<String, String> props) {
        Map<String, String> out = new TreeMap<>();
        props.forEach((k, v) -> out.put(k, isSensitive(k) ? REDACTED : v));
        return out;
    }
}
