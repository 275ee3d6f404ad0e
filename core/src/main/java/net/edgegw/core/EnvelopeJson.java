package net.edgegw.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of the {@link Envelope} (SPEC section 3, contract), the one definition shared by the gateway
 * (writer) and the aggregator (reader). Thread-safe.
 *
 * <p>The gateway encodes a record once, at acceptance, without its id ({@link #encodeBody}); the forwarder
 * splices the buffer-assigned id in front ({@link #spliceId}) so the same stored bytes produce the same value on
 * every retry.
 */
public final class EnvelopeJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);
    private static final byte[] NULL_ID = "{\"id\":null,".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_PREFIX = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);

    private EnvelopeJson() {
    }

    /** The envelope as a JSON object including its id (which may be null). */
    public static byte[] encode(Envelope e) {
        byte[] body = encodeBody(e);
        if (e.id() != null) {
            return spliceId(e.id(), body);
        }
        byte[] out = new byte[NULL_ID.length + body.length - 1];
        System.arraycopy(NULL_ID, 0, out, 0, NULL_ID.length);
        System.arraycopy(body, 1, out, NULL_ID.length, body.length - 1);
        return out;
    }

    /** The envelope as a JSON object without the {@code id} field; see {@link #spliceId}. */
    public static byte[] encodeBody(Envelope e) {
        return EnvelopeWriter.forThread().body(e);
    }

    /**
     * Prepends {@code "id": id} to a body from {@link #encodeBody}. The id must be made of characters that need
     * no JSON escaping (site, gateway and lane names are validated to be so).
     */
    public static byte[] spliceId(String id, byte[] body) {
        if (body.length < 2 || body[0] != '{') {
            throw new IllegalArgumentException("not an encoded envelope body");
        }
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        for (byte b : idBytes) {
            if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
                throw new IllegalArgumentException("record id needs escaping: " + id);
            }
        }
        boolean empty = body.length == 2; // "{}"
        byte[] out = new byte[ID_PREFIX.length + idBytes.length + 1 + (empty ? 0 : 1) + body.length - 1];
        int p = 0;
        System.arraycopy(ID_PREFIX, 0, out, p, ID_PREFIX.length);
        p += ID_PREFIX.length;
        System.arraycopy(idBytes, 0, out, p, idBytes.length);
        p += idBytes.length;
        out[p++] = '"';
        if (!empty) {
            out[p++] = ',';
        }
        System.arraycopy(body, 1, out, p, body.length - 1);
        return out;
    }

    /** Reads an envelope written by {@link #encode} (or spliced); throws IllegalArgumentException when invalid. */
    public static Envelope decode(byte[] json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException ex) {
            throw new IllegalArgumentException("not JSON: " + ex.getMessage(), ex);
        }
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException("envelope is not a JSON object");
        }
        SyslogFields syslog = null;
        JsonNode s = o.get("syslog");
        if (s != null && s.isObject()) {
            Map<String, Map<String, String>> sd = new LinkedHashMap<>();
            JsonNode sdn = s.get("structuredData");
            if (sdn != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = sdn.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> el = it.next();
                    sd.put(el.getKey(), strings(el.getValue()));
                }
            }
            syslog = new SyslogFields(s.path("facility").asInt(), s.path("severity").asInt(), intOrNull(s.get("version")),
                    text(s.get("timestamp")), text(s.get("hostname")), text(s.get("appName")), text(s.get("procId")),
                    text(s.get("msgId")), sd, text(s.get("message")));
        }
        MqttFields mqtt = null;
        JsonNode m = o.get("mqtt");
        if (m != null && m.isObject()) {
            mqtt = new MqttFields(text(m.get("topic")), m.path("qos").asInt(), m.path("retained").asBoolean());
        }
        Payload payload = null;
        JsonNode p = o.get("payload");
        if (p != null && !p.isNull()) {
            if (p.isTextual()) {
                payload = new Payload.Text(p.textValue());
            } else if (p.isObject() && p.size() == 1 && p.get("base64") != null && p.get("base64").isTextual()) {
                payload = new Payload.Binary(Base64.getDecoder().decode(p.get("base64").textValue()));
            } else {
                payload = new Payload.Json(p.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        String receivedAt = text(o.get("receivedAt"));
        String eventTime = text(o.get("eventTime"));
        return new Envelope(text(o.get("id")), text(o.get("site")), text(o.get("gateway")), text(o.get("input")),
                SourceKind.fromWire(text(o.get("source"))),
                receivedAt == null ? null : Instant.parse(receivedAt),
                eventTime == null ? null : Instant.parse(eventTime),
                text(o.get("host")), intOrNull(o.get("severity")), text(o.get("message")),
                strings(o.get("attributes")), syslog, mqtt, payload);
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                out.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
            }
        }
        return out;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Integer intOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asInt();
    }
}
