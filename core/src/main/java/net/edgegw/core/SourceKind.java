package net.edgegw.core;

/** The {@code source} field of the envelope (contract: lower-case names on the wire). */
public enum SourceKind {
    SYSLOG, MQTT, TCP, GATEWAY;

    private final String wire = name().toLowerCase(java.util.Locale.ROOT);

    /** The name written to JSON and to the {@code edge.source} header. */
    public String wireName() {
        return wire;
    }

    public static SourceKind fromWire(String s) {
        for (SourceKind k : values()) {
            if (k.wire.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown source '" + s + "' (expected syslog, mqtt, tcp or gateway)");
    }
}
