package net.edgegw.core.heartbeat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeartbeatJsonTest {

    private static final ObjectMapper M = new ObjectMapper();

    /** The example of docs/heartbeat.md, field by field in its order. */
    static final String DOC = """
            {
              "type": "heartbeat", "site": "site-0042", "gateway": "gw-1", "version": "0.1.0-SNAPSHOT",
              "startedAt": "2026-11-24T10:00:00Z", "sentAt": "2026-11-24T10:05:00Z", "uptimeSeconds": 300,
              "configHash": "abc",
              "inputs": {"syslog-tcp": {"accepted": 120000, "ratePerSec": 400.0, "errors": 2,
                                        "rejected": {"malformed": 1, "oversized": 1}}},
              "backlog": {"records": 0, "bytes": 0, "oldestUnsentAgeMs": 0,
                          "lanes": {"default": {"records": 0, "bytes": 0, "oldestUnsentAgeMs": 0,
                                                "droppedOverflow": 0, "droppedExpired": 0}},
                          "peak": {"records": 0, "bytes": 0, "at": "2026-11-24T10:05:00Z"}},
              "drainRatePerSec": 410.5,
              "dropped": {"overflow": 0, "expired": 0, "bufferFull": 0, "diskFull": 0, "total": 0},
              "uplink": {"state": "UP", "lastError": null, "recordsSent": 120000}
            }""";

    @Test
    void theDocumentedExampleRoundTripsByteForByte() throws Exception {
        byte[] doc = DOC.getBytes(StandardCharsets.UTF_8);
        Heartbeat h = HeartbeatJson.parse(doc);
        assertThat(h.site()).isEqualTo("site-0042");
        assertThat(h.sentAt()).isEqualTo(Instant.parse("2026-11-24T10:05:00Z"));
        assertThat(h.inputs().get("syslog-tcp").rejected()).containsExactly(Map.entry("malformed", 1L),
                Map.entry("oversized", 1L));
        assertThat(h.backlog().lanes()).containsOnlyKeys("default");
        assertThat(h.backlog().peak()).isEqualTo(new Heartbeat.Peak(0, 0, Instant.parse("2026-11-24T10:05:00Z")));
        assertThat(h.uplink()).isEqualTo(new Heartbeat.Uplink("UP", null, 120000));
        // the same fields, in the same order, with the same shapes (compact)
        assertThat(new String(HeartbeatJson.write(h), StandardCharsets.UTF_8))
                .isEqualTo(M.writeValueAsString(M.readTree(doc)));
        assertThat(HeartbeatJson.parse(HeartbeatJson.write(h))).isEqualTo(h);
    }

    @Test
    void aBuiltHeartbeatRoundTrips() {
        Map<String, Heartbeat.Input> inputs = new LinkedHashMap<>();
        inputs.put("mqtt", new Heartbeat.Input(5, 0.25, 0, Map.of()));
        inputs.put("syslog-udp", new Heartbeat.Input(7, 1.5, 3, Map.of("buffer-full", 3L)));
        Map<String, Heartbeat.Lane> lanes = new LinkedHashMap<>();
        lanes.put("alarms", new Heartbeat.Lane(1, 100, 20, 0, 0));
        lanes.put("bulk", new Heartbeat.Lane(2, 200, 30, 4, 5));
        Heartbeat h = new Heartbeat("s1", "gw-7", "1.2.3", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:01:00.123Z"), 60, "hash", inputs,
                new Heartbeat.Backlog(3, 300, 30, lanes), 12.34, Heartbeat.Dropped.of(4, 5, 3, 2),
                new Heartbeat.Uplink("down", "bulk: timeout", 42));
        Heartbeat back = HeartbeatJson.parse(HeartbeatJson.write(h));
        assertThat(back).isEqualTo(h);
        assertThat(back.inputs().keySet()).containsExactly("mqtt", "syslog-udp");
        assertThat(back.backlog().lanes().keySet()).containsExactly("alarms", "bulk");
        assertThat(back.dropped().diskFull()).isEqualTo(2);
        assertThat(back.dropped().total()).isEqualTo(14);
    }

    @Test
    void theBacklogPeakRoundTripsAndIsAbsentWhenNull() {
        Heartbeat.Peak peak = new Heartbeat.Peak(8000, 1_600_000, Instant.parse("2026-01-01T00:00:05.250Z"));
        Heartbeat with = heartbeat(new Heartbeat.Backlog(35, 7000, 10, Map.of(), peak));
        String json = new String(HeartbeatJson.write(with), StandardCharsets.UTF_8);
        assertThat(json).contains("\"peak\":{\"records\":8000,\"bytes\":1600000,\"at\":\"2026-01-01T00:00:05.250Z\"}");
        assertThat(HeartbeatJson.parse(HeartbeatJson.write(with))).isEqualTo(with);
        assertThat(HeartbeatJson.parse(HeartbeatJson.write(with)).backlog().peak()).isEqualTo(peak);

        Heartbeat without = heartbeat(new Heartbeat.Backlog(35, 7000, 10, Map.of()));
        assertThat(new String(HeartbeatJson.write(without), StandardCharsets.UTF_8)).doesNotContain("peak");
        assertThat(HeartbeatJson.parse(HeartbeatJson.write(without))).isEqualTo(without);
        // an older gateway sends none; a partial one reads leniently
        assertThat(HeartbeatJson.parse("{\"site\": \"s\", \"gateway\": \"g\", \"backlog\": {\"records\": 3}}"
                .getBytes(StandardCharsets.UTF_8)).backlog().peak()).isNull();
        byte[] partial = "{\"site\": \"s\", \"gateway\": \"g\", \"backlog\": {\"peak\": {\"records\": 9}}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(HeartbeatJson.parse(partial).backlog().peak()).isEqualTo(new Heartbeat.Peak(9, 0, null));
    }

    private static Heartbeat heartbeat(Heartbeat.Backlog backlog) {
        return new Heartbeat("s1", "gw-1", "1.0", null, Instant.parse("2026-01-01T00:00:10Z"), 10, null, Map.of(),
                backlog, 0, Heartbeat.Dropped.of(0, 0, 0), new Heartbeat.Uplink("UP", null, 0));
    }

    @Test
    void readingIsLenientButNeedsSiteAndGateway() {
        Heartbeat h = HeartbeatJson.parse("""
                {"site": "s", "gateway": "g", "dropped": {"overflow": 1, "expired": 2, "bufferFull": 3}}"""
                .getBytes(StandardCharsets.UTF_8));
        assertThat(h.dropped().total()).isEqualTo(6);
        assertThat(h.dropped().diskFull()).isZero(); // a gateway from before dropped.diskFull
        assertThat(HeartbeatJson.parse("""
                {"site": "s", "gateway": "g", "dropped": {"overflow": 1, "diskFull": 4}}"""
                .getBytes(StandardCharsets.UTF_8)).dropped().total()).isEqualTo(5);
        assertThat(h.version()).isNull();
        assertThat(h.sentAt()).isNull();
        assertThat(h.inputs()).isEmpty();
        assertThat(h.uplink().state()).isNull();
        assertThatThrownBy(() -> HeartbeatJson.parse("{\"site\": \"s\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("heartbeat without site or gateway");
        assertThatThrownBy(() -> HeartbeatJson.parse("{\"type\": \"x\", \"site\": \"s\", \"gateway\": \"g\"}"
                .getBytes(StandardCharsets.UTF_8))).hasMessage("type is 'x', not heartbeat");
        assertThatThrownBy(() -> HeartbeatJson.parse("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("heartbeat is not a JSON object");
        assertThatThrownBy(() -> HeartbeatJson.parse("{\"site\": \"s\", \"gateway\": \"g\", \"sentAt\": \"soon\"}"
                .getBytes(StandardCharsets.UTF_8))).hasMessage("not an ISO-8601 instant: soon");
        assertThatThrownBy(() -> HeartbeatJson.parse("{".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("not JSON: ");
    }
}
