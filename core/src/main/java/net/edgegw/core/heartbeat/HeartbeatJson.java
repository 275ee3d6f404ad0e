package net.edgegw.core.heartbeat;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire format of a {@link Heartbeat} (docs/heartbeat.md; a contract: field names, order and shapes). Writing gives
 * the documented object field by field; reading is lenient as a consumer of many gateway versions must be: missing
 * numbers read as 0, missing texts and times as null, missing maps as empty, a missing {@code dropped.total} as the sum
 * of its causes, a missing {@code backlog.peak} as null (a null peak is not written); only {@code site} and
 * {@code gateway} are required. Stateless and thread-safe.
 */
public final class HeartbeatJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private HeartbeatJson() {
    }

    /** The heartbeat's JSON (UTF-8). */
    public static byte[] write(Heartbeat h) {
        try (ByteArrayBuilder buf = new ByteArrayBuilder(1024);
             JsonGenerator g = JSON.createGenerator(buf, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("type", Heartbeat.TYPE);
            g.writeStringField("site", h.site());
            g.writeStringField("gateway", h.gateway());
            g.writeStringField("version", h.version());
            g.writeStringField("startedAt", text(h.startedAt()));
            g.writeStringField("sentAt", text(h.sentAt()));
            g.writeNumberField("uptimeSeconds", h.uptimeSeconds());
            g.writeStringField("configHash", h.configHash());
            g.writeObjectFieldStart("inputs");
            for (Map.Entry<String, Heartbeat.Input> e : h.inputs().entrySet()) {
                Heartbeat.Input in = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeNumberField("accepted", in.accepted());
                g.writeNumberField("ratePerSec", in.ratePerSec());
                g.writeNumberField("errors", in.errors());
                g.writeObjectFieldStart("rejected");
                for (Map.Entry<String, Long> r : in.rejected().entrySet()) {
                    g.writeNumberField(r.getKey(), r.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndObject();
            Heartbeat.Backlog b = h.backlog();
            g.writeObjectFieldStart("backlog");
            g.writeNumberField("records", b.records());
            g.writeNumberField("bytes", b.bytes());
            g.writeNumberField("oldestUnsentAgeMs", b.oldestUnsentAgeMs());
            g.writeObjectFieldStart("lanes");
            for (Map.Entry<String, Heartbeat.Lane> e : b.lanes().entrySet()) {
                Heartbeat.Lane l = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeNumberField("records", l.records());
                g.writeNumberField("bytes", l.bytes());
                g.writeNumberField("oldestUnsentAgeMs", l.oldestUnsentAgeMs());
                g.writeNumberField("droppedOverflow", l.droppedOverflow());
                g.writeNumberField("droppedExpired", l.droppedExpired());
                g.writeEndObject();
            }
            g.writeEndObject();
            Heartbeat.Peak peak = b.peak();
            if (peak != null) {
                g.writeObjectFieldStart("peak");
                g.writeNumberField("records", peak.records());
                g.writeNumberField("bytes", peak.bytes());
                g.writeStringField("at", text(peak.at()));
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeNumberField("drainRatePerSec", h.drainRatePerSec());
            Heartbeat.Dropped d = h.dropped();
            g.writeObjectFieldStart("dropped");
            g.writeNumberField("overflow", d.overflow());
            g.writeNumberField("expired", d.expired());
            g.writeNumberField("bufferFull", d.bufferFull());
            g.writeNumberField("diskFull", d.diskFull());
            g.writeNumberField("total", d.total());
            g.writeEndObject();
            Heartbeat.Uplink u = h.uplink();
            g.writeObjectFieldStart("uplink");
            g.writeStringField("state", u.state());
            g.writeStringField("lastError", u.lastError());
            g.writeNumberField("recordsSent", u.recordsSent());
            g.writeEndObject();
            g.writeEndObject();
            g.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a heartbeat's JSON value.
     *
     * @throws IllegalArgumentException when it is not a heartbeat object with a site and a gateway
     */
    public static Heartbeat parse(byte[] json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("heartbeat is not a JSON object");
        }
        String type = text(n.get("type"));
        if (type != null && !type.equals(Heartbeat.TYPE)) {
            throw new IllegalArgumentException("type is '" + type + "', not heartbeat");
        }
        String site = text(n.get("site"));
        String gateway = text(n.get("gateway"));
        if (site == null || site.isEmpty() || gateway == null || gateway.isEmpty()) {
            throw new IllegalArgumentException("heartbeat without site or gateway");
        }
        Map<String, Heartbeat.Input> inputs = new LinkedHashMap<>();
        fields(n.path("inputs"), (name, in) -> {
            Map<String, Long> rejected = new LinkedHashMap<>();
            fields(in.path("rejected"), (reason, count) -> rejected.put(reason, count.asLong()));
            inputs.put(name, new Heartbeat.Input(in.path("accepted").asLong(), in.path("ratePerSec").asDouble(),
                    in.path("errors").asLong(), rejected));
        });
        JsonNode backlog = n.path("backlog");
        Map<String, Heartbeat.Lane> lanes = new LinkedHashMap<>();
        fields(backlog.path("lanes"), (name, l) -> lanes.put(name, new Heartbeat.Lane(l.path("records").asLong(),
                l.path("bytes").asLong(), l.path("oldestUnsentAgeMs").asLong(), l.path("droppedOverflow").asLong(),
                l.path("droppedExpired").asLong())));
        JsonNode dropped = n.path("dropped");
        long overflow = dropped.path("overflow").asLong();
        long expired = dropped.path("expired").asLong();
        long bufferFull = dropped.path("bufferFull").asLong();
        long diskFull = dropped.path("diskFull").asLong(); // absent from older gateways: 0
        long total = dropped.has("total") ? dropped.path("total").asLong()
                : overflow + expired + bufferFull + diskFull;
        JsonNode uplink = n.path("uplink");
        return new Heartbeat(site, gateway, text(n.get("version")), instant(n.get("startedAt")),
                instant(n.get("sentAt")), n.path("uptimeSeconds").asLong(), text(n.get("configHash")), inputs,
                new Heartbeat.Backlog(backlog.path("records").asLong(), backlog.path("bytes").asLong(),
                        backlog.path("oldestUnsentAgeMs").asLong(), lanes, peak(backlog.get("peak"))),
                n.path("drainRatePerSec").asDouble(), new Heartbeat.Dropped(overflow, expired, bufferFull, diskFull, total),
                new Heartbeat.Uplink(text(uplink.get("state")), text(uplink.get("lastError")),
                        uplink.path("recordsSent").asLong()));
    }

    /** {@code backlog.peak}: absent (older gateways) or not an object reads as null. */
    private static Heartbeat.Peak peak(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        return new Heartbeat.Peak(n.path("records").asLong(), n.path("bytes").asLong(), instant(n.get("at")));
    }

    private interface FieldVisitor {
        void visit(String name, JsonNode value);
    }

    private static void fields(JsonNode object, FieldVisitor v) {
        if (object.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                v.visit(e.getKey(), e.getValue());
            }
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Instant instant(JsonNode n) {
        String s = text(n);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant: " + s, e);
        }
    }
}
