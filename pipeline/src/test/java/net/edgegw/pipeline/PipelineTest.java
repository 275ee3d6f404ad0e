package net.edgegw.pipeline;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.edgegw.storeforward.BufferSettings;
import net.edgegw.storeforward.ChronicleLaneBuffer;
import net.edgegw.storeforward.LaneBuffer;
import net.edgegw.storeforward.LaneReader;
import net.edgegw.storeforward.MemoryLaneBuffer;
import net.edgegw.storeforward.Overflow;
import net.edgegw.storeforward.StoredRecord;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.Rejections;
import net.edgegw.core.SourceKind;
import net.edgegw.core.SyslogFields;
import net.edgegw.pipeline.PipelineSettings.DeadLetterSettings;
import net.edgegw.pipeline.PipelineSettings.InputRoute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineTest {

    /**
     * What the gateway config below converts into (edge-gateway's PipelineSettingsTest checks that it does):
     * <pre>
     * tags: {region: north, host-role: edge}
     * lanes:
     *   - {name: alarms, priority: 0}
     *   - {name: bulk, priority: 1}
     * inputs:
     *   - {type: syslog, name: in-a, protocol: tcp, bind: "127.0.0.1:0"}
     *   - {type: syslog, name: in-b, protocol: udp, bind: "127.0.0.1:0", topic: custom.topic}
     * routes:
     *   - {match: {contains: DEBUG}, drop: true}
     *   - {match: {severityAtMost: 3}, lane: alarms, topic: telemetry.alarms}
     * </pre>
     */
    static final PipelineSettings SETTINGS = new PipelineSettings(
            Map.of("region", "north", "host-role", "edge"),
            List.of(new RouteConfig(null, null, null, "DEBUG", null, null, true),
                    new RouteConfig(null, null, 3, null, "alarms", "telemetry.alarms", false)),
            Map.of("in-a", new InputRoute("bulk", null), "in-b", new InputRoute("bulk", "custom.topic")),
            new DeadLetterSettings("bulk", "telemetry.deadletter"));

    static RejectionHandler rejections(MetricRegistry m) {
        return new RejectionHandler(Clock.systemUTC(), m, 10_000, null);
    }

    static Envelope syslog(String input, int severity, String msg, Map<String, String> attrs) {
        return new Envelope(null, "s1", "gw-1", input, SourceKind.SYSLOG, Instant.parse("2026-11-24T10:00:00Z"), null,
                "rtr-1", severity, msg, attrs, new SyslogFields(1, severity, 1, null, "rtr-1", "app", null, null,
                Map.of(), msg), null, null);
    }

    static MemoryLaneBuffer mem(String lane, long maxBytes, Overflow overflow) {
        return new MemoryLaneBuffer(lane, new net.edgegw.storeforward.BufferSettings(java.nio.file.Path.of("/nonexistent"),
                maxBytes, null, overflow, null, null), Clock.systemUTC());
    }

    static List<StoredRecord> drain(LaneBuffer b) {
        try (LaneReader r = b.reader(-1)) {
            return r.poll(100, Long.MAX_VALUE, Duration.ZERO);
        }
    }

    @Test
    void routesDropsEnrichesAndEncodes() throws Exception {
        PipelineSettings c = SETTINGS;
        MemoryLaneBuffer alarms = mem("alarms", 1 << 20, Overflow.DROP_OLDEST);
        MemoryLaneBuffer bulk = mem("bulk", 1 << 20, Overflow.DROP_OLDEST);
        MetricRegistry m = new MetricRegistry();
        Pipeline p = new Pipeline(c, Map.of("alarms", alarms, "bulk", bulk), m, rejections(m));

        assertThat(p.emit(syslog("in-a", 6, "link flap DEBUG", Map.of()))).isEqualTo(Admission.FILTERED);
        assertThat(p.emit(syslog("in-a", 2, "LINK DOWN", Map.of("region", "south")))).isEqualTo(Admission.ACCEPTED);
        assertThat(p.emit(syslog("in-a", 6, "info", Map.of()))).isEqualTo(Admission.ACCEPTED);
        assertThat(p.offer(syslog("in-b", 6, "udp info", Map.of()))).isEqualTo(Admission.ACCEPTED);

        List<StoredRecord> a = drain(alarms);
        assertThat(a).hasSize(1);
        assertThat(a.get(0).record().topic()).isEqualTo("telemetry.alarms");
        JsonNode v = new ObjectMapper().readTree(a.get(0).record().body());
        assertThat(v.has("id")).as("the id is spliced in by the forwarder").isFalse();
        assertThat(v.get("attributes").get("region").asText()).as("extracted fields win over tags").isEqualTo("south");
        assertThat(v.get("attributes").get("host-role").asText()).isEqualTo("edge");
        assertThat(new String(a.get(0).record().key(), StandardCharsets.UTF_8)).isEqualTo("s1/rtr-1");

        List<StoredRecord> b = drain(bulk);
        assertThat(b).extracting(s -> s.record().topic()).containsExactly("telemetry.syslog", "custom.topic");
        assertThat(m.counter(PipelineMetrics.FILTERED).getCount()).isEqualTo(1);
        assertThat(m.meter(PipelineMetrics.accepted("in-a")).getCount()).isEqualTo(2);

        p.close();
        assertThat(p.emit(syslog("in-a", 6, "late", Map.of()))).isEqualTo(Admission.CLOSED);
    }

    @Test
    void blockedBufferRefusesOffersAndCountsThem() {
        PipelineSettings c = SETTINGS;
        MemoryLaneBuffer tiny = mem("bulk", 64 * 1024, Overflow.BLOCK);
        MemoryLaneBuffer alarms = mem("alarms", 1 << 20, Overflow.BLOCK);
        MetricRegistry m = new MetricRegistry();
        Pipeline p = new Pipeline(c, Map.of("alarms", alarms, "bulk", tiny), m, rejections(m));
        int accepted = 0;
        Admission last;
        while ((last = p.offer(syslog("in-b", 6, "x".repeat(500), Map.of()))) == Admission.ACCEPTED) {
            accepted++;
        }
        assertThat(last).isEqualTo(Admission.BUFFER_FULL);
        assertThat(accepted).isPositive();
        assertThat(m.counter(PipelineMetrics.BUFFER_FULL).getCount()).isEqualTo(1);
    }

    @Test
    void rejectionsAreCountedAndDeadLettersCarryTheRawBytes() throws Exception {
        PipelineSettings c = SETTINGS;
        MemoryLaneBuffer bulk = mem("bulk", 1 << 20, Overflow.DROP_OLDEST);
        MetricRegistry m = new MetricRegistry();
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
        DeadLetterSink sink = new DeadLetterSink("s1", "gw-1", bulk, c.deadLetter().topic(), clock, m);
        RejectionHandler r = new RejectionHandler(clock, m, 10_000, sink);
        r.reject("in-a", Rejections.MALFORMED, "invalid PRI", "<999>x".getBytes(StandardCharsets.UTF_8), "10.0.0.1:5000");
        r.reject("in-a", Rejections.MALFORMED, "invalid PRI", "<998>y".getBytes(StandardCharsets.UTF_8), "10.0.0.1:5000");
        r.reject("in-b", Rejections.NOT_ALLOWED, "source 192.0.2.1 not in allow list", new byte[10], "192.0.2.1:514");

        assertThat(r.counts()).isEqualTo(Map.of("in-a", Map.of("malformed", 2L), "in-b", Map.of("source-not-allowed", 1L)));
        assertThat(m.counter(PipelineMetrics.rejected("in-a", "malformed")).getCount()).isEqualTo(2);
        List<StoredRecord> dl = drain(bulk);
        assertThat(dl).hasSize(2).allSatisfy(s -> assertThat(s.record().topic()).isEqualTo("telemetry.deadletter"));
        assertThat(m.counter(PipelineMetrics.DEADLETTERED).getCount()).isEqualTo(2);
        JsonNode v = new ObjectMapper().readTree(dl.get(0).record().body());
        assertThat(v.get("source").asText()).isEqualTo("gateway");
        assertThat(v.get("attributes").get("reason").asText()).isEqualTo("malformed");
        assertThat(v.get("attributes").get("peer").asText()).isEqualTo("10.0.0.1:5000");
        assertThat(new String(Base64.getDecoder().decode(v.get("payload").get("base64").asText()), StandardCharsets.UTF_8))
                .isEqualTo("<999>x");
    }

    @Test
    void anEnvelopeTooLargeForTheUplinkIsRejectedAsOversizedNotStored() {
        PipelineSettings c = SETTINGS;
        MemoryLaneBuffer alarms = mem("alarms", 1 << 22, Overflow.DROP_OLDEST);
        MemoryLaneBuffer bulk = mem("bulk", 1 << 22, Overflow.DROP_OLDEST);
        MetricRegistry m = new MetricRegistry();
        RejectionHandler r = rejections(m);
        Pipeline p = new Pipeline(c, Map.of("alarms", alarms, "bulk", bulk), m, r);
        // control characters are escaped in JSON as six characters each: 200 KiB of them make a 1.2 MB envelope
        assertThat(p.emit(syslog("in-a", 6, "\u0001".repeat(200 * 1024), Map.of()))).isEqualTo(Admission.FILTERED);
        assertThat(drain(bulk)).isEmpty();
        assertThat(r.counts()).isEqualTo(Map.of("in-a", Map.of("oversized", 1L)));
    }

    static Envelope syslogAt(String input, int severity, Instant at) {
        return new Envelope(null, "s1", "gw-1", input, SourceKind.SYSLOG, at, null, "rtr-1", severity, "m", Map.of(),
                new SyslogFields(1, severity, 1, null, "rtr-1", "app", null, null, Map.of(), "m"), null, null);
    }

    @Test
    void holdsRecentFindsTheRecordAcceptedAtAnInstantInAnyLaneAfterARestart(@TempDir Path dir) throws Exception {
        PipelineSettings c = SETTINGS;
        Instant t0 = Instant.parse("2026-11-24T10:00:00.000001Z");
        java.util.function.Function<String, ChronicleLaneBuffer> open = lane -> new ChronicleLaneBuffer(lane,
                new BufferSettings(dir.resolve(lane), 64L << 20, null, Overflow.DROP_OLDEST, null, null),
                Clock.systemUTC(), new MetricRegistry());
        ChronicleLaneBuffer alarms = open.apply("alarms");
        ChronicleLaneBuffer bulk = open.apply("bulk");
        MetricRegistry m = new MetricRegistry();
        Pipeline p = new Pipeline(c, Map.of("alarms", alarms, "bulk", bulk), m, rejections(m));
        for (int i = 0; i < 5000; i++) {
            p.emit(syslogAt(i % 2 == 0 ? "in-a" : "in-b", 6, t0.plusNanos(i * 1000L)));
        }
        assertThat(p.emit(syslogAt("in-a", 2, t0.plusSeconds(1)))).isEqualTo(Admission.ACCEPTED); // to lane alarms
        assertThat(p.emit(syslogAt("in-a", 6, t0.plusSeconds(1).plusNanos(1)))).isEqualTo(Admission.ACCEPTED);
        p.close();
        alarms.close();
        bulk.close();

        alarms = open.apply("alarms"); // what a restarted gateway finds on disk
        bulk = open.apply("bulk");
        try {
            Pipeline q = new Pipeline(c, Map.of("alarms", alarms, "bulk", bulk), m, rejections(m));
            assertThat(q.holdsRecent("in-a", SourceKind.SYSLOG, t0.plusSeconds(1))).as("in the alarms lane").isTrue();
            assertThat(q.holdsRecent("in-a", SourceKind.SYSLOG, t0.plusSeconds(1).plusNanos(1))).isTrue();
            assertThat(q.holdsRecent("in-a", SourceKind.SYSLOG, t0.plusSeconds(1).plusNanos(2))).as("1 ns later").isFalse();
            assertThat(q.holdsRecent("in-b", SourceKind.SYSLOG, t0.plusSeconds(1))).as("other input").isFalse();
            assertThat(q.holdsRecent("in-a", SourceKind.MQTT, t0.plusSeconds(1))).as("other source").isFalse();
            assertThat(q.holdsRecent("in-a", SourceKind.SYSLOG, t0.plusNanos(2000))).as("5000 records back").isTrue();
            assertThat(q.holdsRecent("in-b", SourceKind.SYSLOG, t0.plusNanos(2000))).isFalse();
            assertThat(q.holdsRecent("in-a", SourceKind.SYSLOG, t0.minusSeconds(1))).as("never stored").isFalse();
        } finally {
            alarms.close();
            bulk.close();
        }
    }
}
