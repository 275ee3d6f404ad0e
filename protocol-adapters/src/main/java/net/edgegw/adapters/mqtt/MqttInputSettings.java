package net.edgegw.adapters.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The validated runtime settings of one MQTT input. Immutable and thread-safe. {@link #toString()} never shows the
 * password.
 *
 * @param name            the input name, used in envelopes, rejections and metric names
 * @param version         MQTT protocol version (5 by default, or 3.1.1)
 * @param broker          {@code tcp://host:port}, {@code ssl://host:port} ({@code mqtt://} and {@code mqtts://} are
 *                        accepted as aliases and normalised to tcp/ssl)
 * @param clientId        the MQTT client id; must stay the same across restarts (the persistent session is keyed by
 *                        it); null = derived at start from site, gateway and input name
 * @param topics          topic filters ({@code +} and {@code #} wildcards), at least one
 * @param qos             the subscription QoS 0, 1 or 2 (the broker delivers at the lower of this and the publisher's)
 * @param username        null = no authentication
 * @param password        may be null; never logged or shown
 * @param tls             null = no TLS; required for {@code ssl://}
 * @param hostFrom        topic template with one {@code {name}} segment giving the envelope's {@code host}
 *                        (e.g. {@code sensors/{device}/temp}); null = the full topic
 * @param maxPayloadBytes larger payloads are rejected as {@code oversized} (and acknowledged)
 * @param sessionExpiry   MQTT 5 session expiry interval the gateway asks for (how long the broker keeps the session
 *                        and queues messages while the gateway is away)
 * @param keepAlive       MQTT keep-alive interval
 * @param reconnectMin    first reconnect delay; doubled after each failure up to {@code reconnectMax}
 * @param reconnectMax    the longest reconnect delay
 */
public record MqttInputSettings(String name, Version version, String broker, String clientId, List<String> topics,
                                int qos, String username, String password, MqttTls tls, String hostFrom,
                                int maxPayloadBytes, Duration sessionExpiry, Duration keepAlive,
                                Duration reconnectMin, Duration reconnectMax) {

    /** The protocol versions. */
    public enum Version {
        V5("5"), V3_1_1("3.1.1");

        private final String wire;

        Version(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
    public static final int MAX_MAX_PAYLOAD_BYTES = 512 * 1024;
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(7);
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofMillis(500);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    public MqttInputSettings {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("mqtt input name must match " + NAME.pattern() + ": '" + name + "'");
        }
        String where = "mqtt input '" + name + "': ";
        if (version == null) {
            throw new IllegalArgumentException(where + "version is required (5 or 3.1.1)");
        }
        String err = brokerError(broker);
        if (err != null) {
            throw new IllegalArgumentException(where + err);
        }
        broker = normaliseBroker(broker);
        if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException(where + "clientId must match " + CLIENT_ID.pattern() + ": '" + clientId + "'");
        }
        if (topics == null || topics.isEmpty()) {
            throw new IllegalArgumentException(where + "at least one topic filter is required");
        }
        topics = List.copyOf(topics);
        for (String t : topics) {
            String e = TopicFilters.filterError(t);
            if (e != null) {
                throw new IllegalArgumentException(where + "topic filter '" + t + "': " + e);
            }
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException(where + "qos must be 0, 1 or 2: " + qos);
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException(where + "a password needs a username");
        }
        if (broker.startsWith("ssl://") && tls == null) {
            tls = new MqttTls(null, null, null);
        }
        if (tls != null && broker.startsWith("tcp://")) {
            throw new IllegalArgumentException(where + "tls settings given but the broker URI is tcp://; use ssl:// or mqtts://");
        }
        if (hostFrom != null) {
            String e = HostTemplate.templateError(hostFrom);
            if (e != null) {
                throw new IllegalArgumentException(where + "hostFrom '" + hostFrom + "': " + e);
            }
        }
        if (maxPayloadBytes < 1 || maxPayloadBytes > MAX_MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(where + "maxPayloadBytes must be between 1 and " + MAX_MAX_PAYLOAD_BYTES
                    + ": " + maxPayloadBytes);
        }
        if (sessionExpiry == null || sessionExpiry.isNegative() || sessionExpiry.isZero()
                || sessionExpiry.toSeconds() > 0xFFFF_FFFEL) {
            throw new IllegalArgumentException(where + "sessionExpiry must be positive and at most 4294967294 s: " + sessionExpiry);
        }
        if (keepAlive == null || keepAlive.toSeconds() < 1 || keepAlive.toSeconds() > 65535) {
            throw new IllegalArgumentException(where + "keepAlive must be 1 s to 65535 s: " + keepAlive);
        }
        if (reconnectMin == null || reconnectMax == null || reconnectMin.toMillis() < 1 || reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException(where + "reconnect delays must be positive with min <= max");
        }
    }

    /** Settings with every default: version 5, QoS 1, no auth, no TLS, host = topic. */
    public static MqttInputSettings defaults(String name, String broker, List<String> topics) {
        return new MqttInputSettings(name, Version.V5, broker, null, topics, 1, null, null, null, null,
                DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_SESSION_EXPIRY, DEFAULT_KEEP_ALIVE, DEFAULT_RECONNECT_MIN,
                DEFAULT_RECONNECT_MAX);
    }

    /** Why this broker URI is unusable, or null when it is fine. */
    public static String brokerError(String broker) {
        if (broker == null || broker.isBlank()) {
            return "broker is required (tcp://host:1883 or ssl://host:8883)";
        }
        try {
            URI u = new URI(broker);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("tcp", "ssl", "mqtt", "mqtts").contains(scheme)) {
                return "broker '" + broker + "' must use tcp://, ssl://, mqtt:// or mqtts://";
            }
            if (u.getHost() == null || u.getPort() < 0 || u.getPort() > 65535) {
                return "broker '" + broker + "' must be scheme://host:port";
            }
            if (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/")) {
                return "broker '" + broker + "' must not have a path";
            }
        } catch (URISyntaxException e) {
            return "broker '" + broker + "' is not a URI: " + e.getReason();
        }
        return null;
    }

    static String normaliseBroker(String broker) {
        URI u = URI.create(broker);
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        String s = scheme.equals("mqtt") ? "tcp" : scheme.equals("mqtts") ? "ssl" : scheme;
        String host = u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost();
        return s + "://" + host + ":" + u.getPort();
    }

    public MqttInputSettings withVersion(Version v) {
        return new MqttInputSettings(name, v, broker, clientId, topics, qos, username, password, tls, hostFrom,
                maxPayloadBytes, sessionExpiry, keepAlive, reconnectMin, reconnectMax);
    }

    public MqttInputSettings withClientId(String v) {
        return new MqttInputSettings(name, version, broker, v, topics, qos, username, password, tls, hostFrom,
                maxPayloadBytes, sessionExpiry, keepAlive, reconnectMin, reconnectMax);
    }

    public MqttInputSettings withQos(int v) {
        return new MqttInputSettings(name, version, broker, clientId, topics, v, username, password, tls, hostFrom,
                maxPayloadBytes, sessionExpiry, keepAlive, reconnectMin, reconnectMax);
    }

    public MqttInputSettings withCredentials(String user, String pass) {
        return new MqttInputSettings(name, version, broker, clientId, topics, qos, user, pass, tls, hostFrom,
                maxPayloadBytes, sessionExpiry, keepAlive, reconnectMin, reconnectMax);
    }

    public MqttInputSettings withTls(MqttTls v) {
        return new MqttInputSettings(name, version, broker, clientId, topics, qos, username, password, v, hostFrom,
                maxPayloadBytes, sessionExpiry, keepAlive, reconnectMin, reconnectMax);
    }

    public MqttInputSettings withHostFrom(String v) {
        return new MqttInputSettings(name, version, broker, clientId, topics, qos, username, password, tls, v,
                maxPayloadBytes, sessionExpiry, keepAlive, reconnectMin, reconnectMax);
    }

    public MqttInputSettings withMaxPayloadBytes(int v) {
        return new MqttInputSettings(name, version, broker, clientId, topics, qos, username, password, tls, hostFrom,
                v, sessionExpiry, keepAlive, reconnectMin, reconnectMax);
    }

    public MqttInputSettings withReconnect(Duration min, Duration max) {
        return new MqttInputSettings(name, version, broker, clientId, topics, qos, username, password, tls, hostFrom,
                maxPayloadBytes, sessionExpiry, keepAlive, min, max);
    }

    @Override
    public String toString() {
        return "MqttInputSettings[name=" + name + ", version=" + version.wire() + ", broker=" + broker + ", clientId="
                + clientId + ", topics=" + topics + ", qos=" + qos + ", username=" + username + ", password="
                + (password == null ? "none" : "(hidden)") + ", tls=" + tls + ", hostFrom=" + hostFrom
                + ", maxPayloadBytes=" + maxPayloadBytes + ", sessionExpiry=" + sessionExpiry + ", keepAlive="
                + keepAlive + ", reconnect=" + reconnectMin + ".." + reconnectMax + "]";
    }

    /**
     * TLS material of the MQTT client, PEM files.
     *
     * @param caPem   CA certificates to trust for the broker's certificate; null = the JDK's default trust store
     * @param certPem the client certificate chain for mutual TLS, or null
     * @param keyPem  the client's unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}), with {@code certPem}
     */
    public record MqttTls(Path caPem, Path certPem, Path keyPem) {
        public MqttTls {
            if ((certPem == null) != (keyPem == null)) {
                throw new IllegalArgumentException("mqtt tls: a client certificate needs its key and vice versa");
            }
        }
    }
}
