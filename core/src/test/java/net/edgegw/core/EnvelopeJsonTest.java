package net.edgegw.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeJsonTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonSchema SCHEMA = loadSchema();

    static JsonSchema loadSchema() {
        try (InputStream in = Envelope.class.getResourceAsStream("envelope.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Envelope syslog() {
        Map<String, Map<String, String>> sd = new LinkedHashMap<>();
        sd.put("exampleSDID@32473", Map.of("iut", "3", "eventSource", "Application \"x\" ]"));
        SyslogFields s = new SyslogFields(20, 5, 1, "2003-10-11T22:14:15.003Z", "mymachine.example.com", "evntslog",
                null, "ID47", sd, "An application event log entry...");
        return new Envelope(null, "site-0042", "gw-1", "syslog-tcp", SourceKind.SYSLOG,
                Instant.parse("2026-11-24T10:00:00.123Z"), Instant.parse("2003-10-11T22:14:15.003Z"),
                "mymachine.example.com", 5, "An application event log entry...", Map.of("region", "north"), s, null, null);
    }

    @Test
    void bodyWithSplicedIdIsTheFullEnvelopeAndValidates() throws Exception {
        Envelope e = syslog();
        String id = Envelope.recordId("site-0042", "gw-1", "default", 4294967297L);
        byte[] spliced = EnvelopeJson.spliceId(id, EnvelopeJson.encodeBody(e));
        byte[] full = EnvelopeJson.encode(e.withId(id));
        assertThat(new String(spliced, StandardCharsets.UTF_8)).isEqualTo(new String(full, StandardCharsets.UTF_8));

        JsonNode n = MAPPER.readTree(spliced);
        assertThat(n.get("id").asText()).isEqualTo("site-0042:gw-1:default:4294967297");
        assertThat(n.get("source").asText()).isEqualTo("syslog");
        assertThat(n.get("receivedAt").asText()).isEqualTo("2026-11-24T10:00:00.123Z");
        assertThat(n.get("syslog").get("structuredData").get("exampleSDID@32473").get("eventSource").asText())
                .isEqualTo("Application \"x\" ]");
        assertThat(n.get("syslog").get("procId").isNull()).isTrue();
        assertThat(validate(spliced)).isEmpty();
        assertThat(EnvelopeJson.decode(spliced)).isEqualTo(e.withId(id));
    }

    @Test
    void payloadKindsRoundTripAndValidate() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        for (Payload p : new Payload[]{new Payload.Json("{\"t\":21.5,\"ok\":true}".getBytes(StandardCharsets.UTF_8)),
                new Payload.Text("temp=21.5"), new Payload.Binary(new byte[]{(byte) 0xff, 0, 1})}) {
            Envelope mqtt = new Envelope("s1:gw:default:1", "s1", "gw", "sensors", SourceKind.MQTT, now, null, "dev-7",
                    null, null, Map.of(), null, new MqttFields("sensors/dev-7/temp", 1, false), p);
            byte[] json = EnvelopeJson.encode(mqtt);
            assertThat(validate(json)).isEmpty();
            assertThat(EnvelopeJson.decode(json)).isEqualTo(mqtt);
        }
    }

    @Test
    void schemaRejectsWhatTheContractForbids() {
        assertThat(validate("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isNotEmpty();
        String noSyslogBlock = "{\"id\":\"a\",\"site\":\"s\",\"gateway\":\"g\",\"input\":\"i\",\"source\":\"syslog\","
                + "\"receivedAt\":\"2026-01-01T00:00:00Z\",\"eventTime\":null,\"host\":\"h\",\"severity\":9,"
                + "\"message\":null,\"attributes\":{}}";
        Set<ValidationMessage> errors = validate(noSyslogBlock.getBytes(StandardCharsets.UTF_8));
        assertThat(errors).extracting(ValidationMessage::getMessage)
                .anySatisfy(m -> assertThat(m).contains("syslog"))
                .anySatisfy(m -> assertThat(m).contains("severity"));
    }

    @Test
    void envelopeValidatesItsFields() {
        assertThatThrownBy(() -> new Envelope(null, "s", "g", "i", SourceKind.TCP, Instant.EPOCH, null, "h", 8, null,
                null, null, null, null)).hasMessageContaining("severity");
        assertThatThrownBy(() -> new Envelope(null, "s", "g", "i", SourceKind.SYSLOG, Instant.EPOCH, null, "h", 1,
                null, null, null, null, null)).hasMessageContaining("syslog block");
        assertThat(syslog().key()).isEqualTo("site-0042/mymachine.example.com");
        assertThatThrownBy(() -> EnvelopeJson.spliceId("a\"b", "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new String(EnvelopeJson.spliceId("x", "{}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"x\"}");
    }

    static Set<ValidationMessage> validate(byte[] json) {
        try {
            return SCHEMA.validate(MAPPER.readTree(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
