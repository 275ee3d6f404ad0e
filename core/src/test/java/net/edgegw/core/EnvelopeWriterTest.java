package net.edgegw.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written hot-path writer produces exactly Jackson's bytes, and what it writes decodes to the same envelope. */
class EnvelopeWriterTest {

    private static final String[] ALPHABET = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f",
            "\u0000", "\u0001", "\u001f", "\u007f", "é", "ß", "\u0800", "中", "\uffff", "😀", "\ud83c\udf0d", "{", "}", ":"};

    @Test
    void matchesJacksonOnRandomEnvelopes() {
        Random rnd = new Random(20261124);
        for (int i = 0; i < 20_000; i++) {
            Envelope e = randomEnvelope(rnd);
            byte[] expected = JacksonEnvelopeWriter.write(e, false);
            byte[] actual = EnvelopeJson.encodeBody(e);
            assertThat(new String(actual, StandardCharsets.UTF_8)).as("envelope %d", i)
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(actual).isEqualTo(expected);
            Envelope withId = e.withId("site-1:gw-1:default:" + i);
            assertThat(EnvelopeJson.decode(EnvelopeJson.encode(withId))).isEqualTo(withId);
            assertThat(EnvelopeJson.encode(e)).isEqualTo(JacksonEnvelopeWriter.write(e, true));
        }
    }

    @Test
    void instantsFormatLikeInstantToString() {
        Random rnd = new Random(7);
        EnvelopeWriter w = new EnvelopeWriter();
        long[] fixed = {0, -1, 86_399, 86_400, 951_782_400L /* 2000-02-29 */, 4_107_542_400L /* 2100-03-01 */,
                -62_167_219_200L /* 0000-01-01 */, 253_402_300_799L /* 9999-12-31T23:59:59 */, 253_402_300_800L,
                -62_167_219_201L};
        for (long s : fixed) {
            for (int nano : new int[]{0, 1, 1000, 1_000_000, 999_999_999, 120_000_000, 123_456_000}) {
                check(Instant.ofEpochSecond(s, nano));
            }
        }
        for (int i = 0; i < 100_000; i++) {
            check(Instant.ofEpochSecond(rnd.nextLong(-62_167_219_200L * 2, 253_402_300_799L * 2), nano(rnd)));
        }
    }

    private static void check(Instant t) {
        Envelope e = base(t, null);
        String json = new String(EnvelopeJson.encodeBody(e), StandardCharsets.UTF_8);
        assertThat(json).as("%s", t).contains("\"receivedAt\":\"" + t + "\"");
    }

    private static int nano(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(1000) * 1_000_000;
            case 2 -> rnd.nextInt(1_000_000) * 1000;
            default -> rnd.nextInt(1_000_000_000);
        };
    }

    private static Envelope base(Instant receivedAt, SyslogFields syslog) {
        return new Envelope(null, "site-1", "gw-1", "in", syslog == null ? SourceKind.TCP : SourceKind.SYSLOG,
                receivedAt, null, "h", null, null, Map.of(), syslog, null, null);
    }

    private static String str(Random rnd, boolean nullable) {
        if (nullable && rnd.nextInt(5) == 0) {
            return null;
        }
        int n = rnd.nextInt(rnd.nextInt(10) == 0 ? 300 : 12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(rnd.nextInt(3) == 0 ? ALPHABET[rnd.nextInt(ALPHABET.length)] : String.valueOf((char) ('a' + rnd.nextInt(26))));
        }
        return sb.toString();
    }

    private static Map<String, String> map(Random rnd) {
        Map<String, String> m = new LinkedHashMap<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            m.put(str(rnd, false) + i, rnd.nextInt(8) == 0 ? null : str(rnd, false));
        }
        return m;
    }

    private static Envelope randomEnvelope(Random rnd) {
        SourceKind kind = SourceKind.values()[rnd.nextInt(SourceKind.values().length)];
        Instant received = Instant.ofEpochSecond(rnd.nextLong(0, 4_102_444_800L), nano(rnd));
        Instant event = rnd.nextBoolean() ? null : Instant.ofEpochSecond(rnd.nextLong(-62_167_219_200L, 253_402_300_799L), nano(rnd));
        Integer sev = rnd.nextBoolean() ? null : rnd.nextInt(8);
        SyslogFields syslog = null;
        MqttFields mqtt = null;
        Payload payload = null;
        if (kind == SourceKind.SYSLOG) {
            Map<String, Map<String, String>> sd = new LinkedHashMap<>();
            int n = rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                sd.put("sd" + i + str(rnd, false), map(rnd));
            }
            syslog = new SyslogFields(rnd.nextInt(24), rnd.nextInt(8), rnd.nextBoolean() ? null : 1, str(rnd, true),
                    str(rnd, true), str(rnd, true), str(rnd, true), str(rnd, true), sd, str(rnd, true));
        } else if (kind == SourceKind.MQTT) {
            mqtt = new MqttFields("t/" + str(rnd, false), rnd.nextInt(3), rnd.nextBoolean());
        }
        if (kind == SourceKind.MQTT || kind == SourceKind.TCP) {
            payload = switch (rnd.nextInt(3)) {
                case 0 -> new Payload.Json(("{\"v\":" + rnd.nextInt() + ",\"s\":\"é\\n\"}").getBytes(StandardCharsets.UTF_8));
                case 1 -> new Payload.Text(str(rnd, false));
                default -> {
                    byte[] b = new byte[rnd.nextInt(40)];
                    rnd.nextBytes(b);
                    yield new Payload.Binary(b);
                }
            };
        }
        return new Envelope(null, "site-" + rnd.nextInt(100), "gw-" + rnd.nextInt(3), "in-" + str(rnd, false).length(),
                kind, received, event, "h" + str(rnd, false), sev, str(rnd, true), map(rnd), syslog, mqtt, payload);
    }
}
