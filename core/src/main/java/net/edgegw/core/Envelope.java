package net.edgegw.core;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One accepted record, as replicated to Kafka (SPEC section 3, contract). Immutable and thread-safe.
 *
 * <p>The {@code id} is assigned by the durable buffer ({@code <site>:<gateway>:<lane>:<index>}); records built by
 * sources carry {@code null} until then. Everything else is validated here.
 *
 * @param eventTime  the device's timestamp normalised to an instant, or null when the protocol has none
 * @param severity   0-7 (syslog numbering) or null
 * @param attributes enrichment tags and extracted fields; never null
 * @param syslog     present for {@link SourceKind#SYSLOG}, null otherwise
 * @param mqtt       present for {@link SourceKind#MQTT}, null otherwise
 * @param payload    for MQTT and TCP, null otherwise
 */
public record Envelope(String id, String site, String gateway, String input, SourceKind source,
                       Instant receivedAt, Instant eventTime, String host, Integer severity, String message,
                       Map<String, String> attributes, SyslogFields syslog, MqttFields mqtt, Payload payload) {

    /** The site id pattern of the gateway config (contract). */
    public static final Pattern SITE_PATTERN = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public Envelope {
        require(site, "site");
        require(gateway, "gateway");
        require(input, "input");
        if (source == null) {
            throw new IllegalArgumentException("source is required");
        }
        if (receivedAt == null) {
            throw new IllegalArgumentException("receivedAt is required");
        }
        require(host, "host");
        if (severity != null && (severity < 0 || severity > 7)) {
            throw new IllegalArgumentException("severity out of range 0-7: " + severity);
        }
        attributes = attributes == null ? Map.of() : attributes;
        if (source == SourceKind.SYSLOG && syslog == null) {
            throw new IllegalArgumentException("a syslog envelope needs its syslog block");
        }
        if (source == SourceKind.MQTT && mqtt == null) {
            throw new IllegalArgumentException("an mqtt envelope needs its mqtt block");
        }
    }

    private static void require(String v, String name) {
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    /** The Kafka record key (contract): {@code "<site>/<host>"}. */
    public String key() {
        return site + "/" + host;
    }

    /** A copy carrying the buffer-assigned id. */
    public Envelope withId(String newId) {
        return new Envelope(newId, site, gateway, input, source, receivedAt, eventTime, host, severity, message,
                attributes, syslog, mqtt, payload);
    }

    /** A copy with different attributes (enrichment). */
    public Envelope withAttributes(Map<String, String> attrs) {
        return new Envelope(id, site, gateway, input, source, receivedAt, eventTime, host, severity, message,
                attrs, syslog, mqtt, payload);
    }

    /** The record id format of SPEC section 3: {@code <site>:<gateway>:<lane>:<sequence>}. */
    public static String recordId(String site, String gateway, String lane, long sequence) {
        return site + ':' + gateway + ':' + lane + ':' + sequence;
    }
}
