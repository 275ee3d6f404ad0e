package net.edgegw.core;

/** Kafka header names and default topics of SPEC section 3 (contract). */
public final class Headers {
    public static final String ID = "edge.id";
    public static final String SITE = "edge.site";
    public static final String SOURCE = "edge.source";

    public static final String TOPIC_SYSLOG = "telemetry.syslog";
    public static final String TOPIC_MQTT = "telemetry.mqtt";
    public static final String TOPIC_TCP = "telemetry.tcp";
    public static final String TOPIC_DEADLETTER = "telemetry.deadletter";
    public static final String TOPIC_HEARTBEATS = "edge.heartbeats";
    public static final String TOPIC_CHECKPOINTS = "edge.checkpoints";

    private Headers() {
    }

    /** The default topic for records of a source kind. */
    public static String defaultTopic(SourceKind kind) {
        return switch (kind) {
            case SYSLOG -> TOPIC_SYSLOG;
            case MQTT -> TOPIC_MQTT;
            case TCP -> TOPIC_TCP;
            case GATEWAY -> TOPIC_DEADLETTER;
        };
    }
}
