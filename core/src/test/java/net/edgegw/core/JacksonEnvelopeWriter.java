package net.edgegw.core;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** The envelope written with Jackson's generator: the reference the hand-written {@link EnvelopeWriter} must match. */
final class JacksonEnvelopeWriter {
    /** Surrogate pairs as 4-byte UTF-8 (as EnvelopeWriter writes them), not as two escapes: both are the same JSON. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    private JacksonEnvelopeWriter() {
    }

    static byte[] write(Envelope e, boolean withId) {
        try (ByteArrayBuilder buf = new ByteArrayBuilder(512);
             JsonGenerator g = FACTORY.createGenerator(buf, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (withId) {
                g.writeStringField("id", e.id());
            }
            g.writeStringField("site", e.site());
            g.writeStringField("gateway", e.gateway());
            g.writeStringField("input", e.input());
            g.writeStringField("source", e.source().wireName());
            g.writeStringField("receivedAt", e.receivedAt().toString());
            g.writeStringField("eventTime", e.eventTime() == null ? null : e.eventTime().toString());
            g.writeStringField("host", e.host());
            if (e.severity() == null) {
                g.writeNullField("severity");
            } else {
                g.writeNumberField("severity", e.severity());
            }
            g.writeStringField("message", e.message());
            g.writeObjectFieldStart("attributes");
            for (Map.Entry<String, String> a : e.attributes().entrySet()) {
                g.writeStringField(a.getKey(), a.getValue());
            }
            g.writeEndObject();
            if (e.syslog() != null) {
                writeSyslog(g, e.syslog());
            }
            if (e.mqtt() != null) {
                g.writeObjectFieldStart("mqtt");
                g.writeStringField("topic", e.mqtt().topic());
                g.writeNumberField("qos", e.mqtt().qos());
                g.writeBooleanField("retained", e.mqtt().retained());
                g.writeEndObject();
            }
            if (e.payload() != null) {
                g.writeFieldName("payload");
                writePayload(g, e.payload());
            }
            g.writeEndObject();
            g.flush();
            return buf.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void writeSyslog(JsonGenerator g, SyslogFields s) throws IOException {
        g.writeObjectFieldStart("syslog");
        g.writeNumberField("facility", s.facility());
        g.writeNumberField("severity", s.severity());
        if (s.version() == null) {
            g.writeNullField("version");
        } else {
            g.writeNumberField("version", s.version());
        }
        g.writeStringField("timestamp", s.timestamp());
        g.writeStringField("hostname", s.hostname());
        g.writeStringField("appName", s.appName());
        g.writeStringField("procId", s.procId());
        g.writeStringField("msgId", s.msgId());
        g.writeObjectFieldStart("structuredData");
        for (Map.Entry<String, Map<String, String>> sd : s.structuredData().entrySet()) {
            g.writeObjectFieldStart(sd.getKey());
            for (Map.Entry<String, String> p : sd.getValue().entrySet()) {
                g.writeStringField(p.getKey(), p.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeStringField("message", s.message());
        g.writeEndObject();
    }

    private static void writePayload(JsonGenerator g, Payload p) throws IOException {
        if (p instanceof Payload.Json j) {
            g.writeRawValue(new String(j.raw(), StandardCharsets.UTF_8));
        } else if (p instanceof Payload.Text t) {
            g.writeString(t.text());
        } else if (p instanceof Payload.Binary b) {
            g.writeStartObject();
            g.writeStringField("base64", Base64.getEncoder().encodeToString(b.bytes()));
            g.writeEndObject();
        }
    }

}
