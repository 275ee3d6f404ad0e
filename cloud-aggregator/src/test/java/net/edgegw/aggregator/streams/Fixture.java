package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfig.Correlation;
import net.edgegw.aggregator.config.AggregatorConfig.Dashboard;
import net.edgegw.aggregator.config.AggregatorConfig.Dedupe;
import net.edgegw.aggregator.config.AggregatorConfig.Health;
import net.edgegw.aggregator.config.AggregatorConfig.Match;
import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.Topics;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import net.edgegw.core.MqttFields;
import net.edgegw.core.Payload;
import net.edgegw.core.SourceKind;
import net.edgegw.core.SyslogFields;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A {@link TopologyTestDriver} around the health topology with helpers to script envelopes, heartbeats and
 * topology, and to read alarms and snapshots. The wall clock starts at {@link #T0} and moves only by
 * {@link #advance}. Not thread-safe; one per test.
 */
final class Fixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final AggregatorConfig cfg;
    final HealthCounters counters = new HealthCounters();
    final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
    private final TestInputTopic<String, String> topology;
    private final TestOutputTopic<String, Alarm> alarms;
    private final TestOutputTopic<String, SiteSnapshot> sites;
    private final Map<String, SiteSnapshot> latest = new LinkedHashMap<>();
    private final Map<String, Long> sentAt = new HashMap<>();
    private Instant now = T0;
    private long seq;

    Fixture(AggregatorConfig cfg) {
        this.cfg = cfg;
        StreamsBuilder b = new StreamsBuilder();
        HealthTopology.addTo(b, cfg, counters);
        Properties p = HealthTopology.streamsProperties(cfg, counters);
        driver = new TopologyTestDriver(b.build(), p, T0);
        topology = driver.createInputTopic(cfg.topics().topology(), new StringSerializer(), new StringSerializer());
        alarms = driver.createOutputTopic(cfg.topics().alarms(), new StringDeserializer(),
                HealthJson.serde(Alarm.class).deserializer());
        sites = driver.createOutputTopic(cfg.topics().sites(), new StringDeserializer(),
                HealthJson.serde(SiteSnapshot.class).deserializer());
    }

    // ---- configuration ------------------------------------------------------------------------------------------

    static Health health() {
        return new Health(Duration.ofSeconds(30), Duration.ofSeconds(10), 1000, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(5));
    }

    static Correlation correlation() {
        return new Correlation(3, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(2));
    }

    static AggregatorConfig config(List<Rule> rules) {
        return config(rules, health(), correlation());
    }

    static AggregatorConfig config(List<Rule> rules, Health health, Correlation correlation) {
        return new AggregatorConfig("127.0.0.1:9", Map.of(), "health-test", Path.of("target", "streams-state", java.util.UUID.randomUUID().toString()), 1,
                Topics.defaults(), new Dedupe(Duration.ofHours(1)), rules, health, correlation,
                new Dashboard(new InetSocketAddress("127.0.0.1", 0), null, "admin", null, null, null, null, false,
                        Duration.ofHours(1)), null);
    }

    static Match message(String source, String regex) {
        return new Match(source, null, null, null, regex, null, null);
    }

    // ---- time ---------------------------------------------------------------------------------------------------

    Instant now() {
        return now;
    }

    void advance(Duration d) {
        now = now.plus(d);
        driver.advanceWallClockTime(d);
    }

    /** Advances in steps of the check interval, so that every punctuation in between runs. */
    void advanceInSteps(Duration total) {
        Duration step = cfg.health().checkInterval();
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
            advance(step);
        }
    }

    // ---- input --------------------------------------------------------------------------------------------------

    void topology(String site, String region, String upstream) {
        topology.pipeInput(site, json(new TopologyEntry(site, region, upstream, Map.of())));
    }

    Envelope syslog(String site, String host, int severity, String message) {
        String id = Envelope.recordId(site, "gw-1", "default", ++seq);
        return new Envelope(id, site, "gw-1", "syslog-udp", SourceKind.SYSLOG, now, null, host, severity, message,
                Map.of(), new SyslogFields(23, severity, 1, null, host, "app", null, null, Map.of(), message), null,
                null);
    }

    Envelope mqtt(String site, String host, String topic, String payloadJson) {
        String id = Envelope.recordId(site, "gw-1", "default", ++seq);
        return new Envelope(id, site, "gw-1", "sensors", SourceKind.MQTT, now, null, host, null, null, Map.of(),
                null, new MqttFields(topic, 1, false),
                new Payload.Json(payloadJson.getBytes(StandardCharsets.UTF_8)));
    }

    /** Sends {@code e} to {@code topic} the way a gateway does (key, headers, value). */
    void send(String topic, Envelope e) {
        RecordHeaders h = new RecordHeaders();
        h.add(Headers.ID, e.id().getBytes(StandardCharsets.UTF_8));
        h.add(Headers.SITE, e.site().getBytes(StandardCharsets.UTF_8));
        h.add(Headers.SOURCE, e.source().wireName().getBytes(StandardCharsets.UTF_8));
        input(topic).pipeInput(new TestRecord<>(e.key().getBytes(StandardCharsets.UTF_8), EnvelopeJson.encode(e), h,
                now));
    }

    void sendRaw(String topic, String key, byte[] value) {
        input(topic).pipeInput(new TestRecord<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value,
                new RecordHeaders(), now));
    }

    void heartbeat(String site, String gateway) {
        heartbeat(site, gateway, 0, 0, 0);
    }

    void heartbeat(String site, String gateway, long backlog, double drain, long droppedOverflow) {
        long sent = Math.max(now.toEpochMilli(), sentAt.getOrDefault(site + "/" + gateway, 0L) + 1);
        sentAt.put(site + "/" + gateway, sent);
        sendRaw(Headers.TOPIC_HEARTBEATS, site + "/" + gateway,
                heartbeatJson(site, gateway, Instant.ofEpochMilli(sent), backlog, drain, droppedOverflow));
    }

    /** A heartbeat sent by the gateway at {@code sent} (e.g. read from a backlog long after). */
    void heartbeatSentAt(String site, String gateway, Instant sent) {
        sentAt.put(site + "/" + gateway, sent.toEpochMilli());
        sendRaw(Headers.TOPIC_HEARTBEATS, site + "/" + gateway, heartbeatJson(site, gateway, sent, 0, 0, 0));
    }

    /** A syslog envelope the gateway accepted at {@code receivedAt}. */
    Envelope syslogAt(String site, String host, String message, Instant receivedAt) {
        String id = Envelope.recordId(site, "gw-1", "default", ++seq);
        return new Envelope(id, site, "gw-1", "syslog-udp", SourceKind.SYSLOG, receivedAt, null, host, 6, message,
                Map.of(), new SyslogFields(23, 6, 1, null, host, "app", null, null, Map.of(), message), null, null);
    }

    /** A heartbeat value as docs/heartbeat.md shows it. */
    static byte[] heartbeatJson(String site, String gateway, Instant sentAt, long backlog, double drain,
                                long droppedOverflow) {
        String json = "{\"type\":\"heartbeat\",\"site\":\"" + site + "\",\"gateway\":\"" + gateway
                + "\",\"version\":\"0.1.0\",\"startedAt\":\"" + T0 + "\",\"sentAt\":\"" + sentAt
                + "\",\"uptimeSeconds\":10,\"configHash\":\"abc\",\"inputs\":{},"
                + "\"backlog\":{\"records\":" + backlog + ",\"bytes\":" + backlog * 100 + ",\"oldestUnsentAgeMs\":0},"
                + "\"drainRatePerSec\":" + drain + ",\"dropped\":{\"overflow\":" + droppedOverflow
                + ",\"expired\":0,\"bufferFull\":0,\"total\":" + droppedOverflow + "},"
                + "\"uplink\":{\"state\":\"UP\",\"lastError\":null,\"recordsSent\":1}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private TestInputTopic<byte[], byte[]> input(String topic) {
        return inputs.computeIfAbsent(topic, t -> driver.createInputTopic(t, new ByteArraySerializer(),
                new ByteArraySerializer()));
    }

    // ---- output -------------------------------------------------------------------------------------------------

    /** The alarms published since the last call. */
    List<Alarm> alarms() {
        return alarms.readValuesToList();
    }

    /** The alarms published since the last call, each as {@link #line}. */
    List<String> alarmLines() {
        List<String> out = new ArrayList<>();
        for (Alarm a : alarms()) {
            out.add(line(a));
        }
        return out;
    }

    /** {@code STATE id [-> incident] [flaps=n]}, plus the sites of an incident. */
    static String line(Alarm a) {
        return a.state() + " " + a.id() + (a.incidentId() == null ? "" : " -> " + a.incidentId())
                + (a.flaps() == 0 ? "" : " flaps=" + a.flaps())
                + (a.kind() == Alarm.Kind.INCIDENT ? " " + a.sites() : "");
    }

    /** The newest snapshot of {@code site} published so far. */
    SiteSnapshot snapshot(String site) {
        for (var kv : sites.readKeyValuesToList()) {
            latest.put(kv.key, kv.value);
        }
        return latest.get(site);
    }

    /** Epoch ms of {@link #now()}: for alarm ids. */
    long ms() {
        return now.toEpochMilli();
    }

    static String json(Object o) {
        try {
            return HealthJson.MAPPER.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
