package net.edgegw.uplink;

import java.util.Locale;

/** Delivery guarantee of the uplink (config {@code uplink.delivery}, SPEC section 4, contract). */
public enum Delivery {
    /** Kafka transactions per lane, the lane's position committed in the same transaction (default). */
    EXACTLY_ONCE("exactly-once"),
    /** Idempotent producer; the position advances after the broker's ack; duplicates after a crash keep their id. */
    AT_LEAST_ONCE("at-least-once");

    private final String configName;

    Delivery(String configName) {
        this.configName = configName;
    }

    /** The name used in the gateway config: {@code exactly-once} or {@code at-least-once}. */
    public String configName() {
        return configName;
    }

    /** Parses {@code exactly-once} / {@code at-least-once} (case-insensitive; {@code _} accepted for {@code -}). */
    public static Delivery fromConfig(String s) {
        String n = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Delivery d : values()) {
            if (d.configName.equals(n)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown delivery '" + s + "' (expected exactly-once or at-least-once)");
    }
}
