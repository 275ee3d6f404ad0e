package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfig.Correlation;
import net.edgegw.aggregator.config.AggregatorConfig.Dedupe;
import net.edgegw.aggregator.config.AggregatorConfig.Health;
import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.Topics;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;
import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import net.edgegw.core.MqttFields;
import net.edgegw.core.Payload;
import net.edgegw.core.SourceKind;
import net.edgegw.core.SyslogFields;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.KafkaReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The health topology in a real KafkaStreams (exactly-once v2) on the embedded KRaft broker. */
class HealthTopologyIT {

    /** unreachableAfter 3 s, recoverAfter 1 s, degradedSeverity 2, check every 250 ms, clearAfter 2 s. */
    static final Health HEALTH = new Health(Duration.ofSeconds(3), Duration.ofSeconds(1), 1000, 2,
            Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMillis(500));
    /** minSites 3, window 60 s, holdDown 2 s, clearAfter 1 s. */
    static final Correlation CORRELATION = new Correlation(3, Duration.ofSeconds(60), Duration.ofSeconds(2),
            Duration.ofSeconds(1));

    static EmbeddedKafka kafka;

    final HealthCounters counters = new HealthCounters();
    final List<AutoCloseable> resources = new ArrayList<>();
    KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.shared();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void threeGatewaysEnvelopesAndHeartbeatsGiveTheExpectedAlarmsAndSiteStates() {
        Topics topics = Topics.defaults();
        create("telemetry.syslog", 3, false);
        create("telemetry.mqtt", 3, false);
        create("regional.telemetry.syslog", 1, false); // a MirrorMaker 2 remote topic, other partition count
        create("telemetry.deadletter", 1, false);
        create("edge.heartbeats", 3, false);
        create(topics.topology(), 1, true);
        create(topics.alarms(), 3, false);
        create(topics.sites(), 3, true);
        AggregatorConfig cfg = config("health-it-1", topics, List.of(EventRuleTest.CISCO_LINK, RuleKindsTest.HOT));
        producer();
        send(Headers.TOPIC_DEADLETTER, "site-a/rtr-1", "garbage".getBytes(StandardCharsets.UTF_8), null);
        AtomicLong droppedC = new AtomicLong();
        beat(Map.of("site-a", "gw-a", "site-b", "gw-b", "site-c", "gw-c"), "edge.heartbeats", new AtomicBoolean(true),
                site -> site.equals("site-c") ? new long[] {5000, 100, droppedC.get()} : new long[] {0, 0, 0});
        start(cfg);

        Instant base = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Envelope down = syslog("site-a", "gw-a", 1, base, "rtr-1", 3,
                "%LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
        send("telemetry.syslog", down);
        for (int i = 2; i <= 4; i++) {
            send("telemetry.syslog", syslog("site-a", "gw-a", i, base, "rtr-1", 6, "info " + i));
        }
        send("regional.telemetry.syslog", down); // the same record via the mirrored path
        for (int i = 0; i < 3; i++) { // 85 °C held for 60 s of event time
            send("telemetry.mqtt", temperature("site-b", "gw-b", i, base.plusSeconds(30L * i), 85 + i));
        }
        String linkId = "device:site-a/rtr-1#Gi0/1:LINK_DOWN:" + base.toEpochMilli();
        String hotId = "device:site-b/cab-1:TEMPERATURE_HIGH:" + base.toEpochMilli();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(alarmsById(topics.alarms())).containsEntry(linkId, List.of("RAISED"))
                        .containsEntry(hotId, List.of("RAISED")));

        droppedC.set(7); // site-c's gateway loses 7 records
        send("telemetry.syslog", syslog("site-a", "gw-a", 5, base.plusSeconds(1), "rtr-1", 5,
                "%LINK-3-UPDOWN: Interface Gi0/1, changed state to up"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, List<String>> alarms = alarmsById(topics.alarms());
            assertThat(alarms).containsEntry(linkId, List.of("RAISED", "CLEARED"));
            assertThat(alarms.keySet()).anyMatch(id -> id.startsWith("site:site-c:DATA_LOSS:"));
            assertThat(alarms.entrySet()).filteredOn(e -> e.getKey().startsWith("site:site-c:DATA_LOSS:"))
                    .extracting(Map.Entry::getValue).containsExactly(List.of("RAISED", "CLEARED"));
        });
        Map<String, SiteSnapshot> sites = latestSnapshots(topics.sites());
        assertThat(sites.get("site-a").state()).isEqualTo(SiteState.UP);
        assertThat(sites.get("site-a").records()).isEqualTo(5);
        assertThat(sites.get("site-a").duplicates()).isEqualTo(1);
        assertThat(sites.get("site-b").state()).isEqualTo(SiteState.DEGRADED);
        assertThat(sites.get("site-b").activeAlarms()).containsExactly(hotId);
        assertThat(sites.get("site-c").state()).isEqualTo(SiteState.CATCHING_UP);
        assertThat(sites.get("site-c").catchUpEtaSeconds()).isEqualTo(50L);
        assertThat(sites.get("site-c").droppedTotal()).isEqualTo(7);

        // nothing else, ever: exactly these alarm histories
        Map<String, List<String>> all = alarmsById(topics.alarms());
        assertThat(all).hasSize(3).containsEntry(linkId, List.of("RAISED", "CLEARED"))
                .containsEntry(hotId, List.of("RAISED"));
        assertThat(counters.get(HealthCounters.DUPLICATES)).isEqualTo(1);
        assertThat(counters.get(HealthCounters.TELEMETRY_UNDECODABLE)).isZero(); // dead letters are not read
    }

    @Test
    void anUpstreamWithTwentySitesStopsHeartbeatingGivesOneIncidentAndTwentyLinkedAlarmsAllClearedOnReturn() {
        Topics topics = new Topics("^it4-telemetry$", "^it4-heartbeats$", "it4-topology", "it4-alarms", "it4-sites");
        create("it4-telemetry", 1, false);
        create("it4-heartbeats", 3, false);
        create(topics.topology(), 1, true);
        create(topics.alarms(), 3, false);
        create(topics.sites(), 3, true);
        producer();
        Map<String, String> gateways = new TreeMap<>();
        for (int i = 1; i <= 20; i++) {
            String site = String.format("s%02d", i);
            gateways.put(site, "gw-1");
            send(topics.topology(), site, HealthJson.MAPPER.valueToTree(
                    new TopologyEntry(site, "south", "agg-7", Map.of())).toString().getBytes(StandardCharsets.UTF_8),
                    null);
        }
        AtomicBoolean beating = new AtomicBoolean(true);
        beat(gateways, "it4-heartbeats", beating, site -> new long[] {0, 0, 0});
        start(config("health-it-4", topics, List.of()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(latestSnapshots(topics.sites()))
                .hasSize(20).allSatisfy((site, s) -> assertThat(s.state()).isEqualTo(SiteState.UP)));

        beating.set(false); // the upstream node fails: all 20 go silent
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(readAlarms(topics.alarms())).filteredOn(a -> a.kind() == Alarm.Kind.SITE).hasSize(20));
        beating.set(true);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(readAlarms(topics.alarms())).filteredOn(a -> a.state() == Alarm.State.CLEARED)
                        .hasSize(21));

        List<Alarm> alarms = readAlarms(topics.alarms());
        List<Alarm> incidents = alarms.stream().filter(a -> a.kind() == Alarm.Kind.INCIDENT).toList();
        assertThat(incidents).extracting(Alarm::id).containsOnly(incidents.get(0).id());
        String inc = incidents.get(0).id();
        assertThat(inc).startsWith("upstream:agg-7:UNREACHABLE:");
        assertThat(incidents).extracting(Alarm::state).containsExactly(expectedIncidentStates());
        assertThat(incidents.get(incidents.size() - 1).sites()).hasSize(20);
        assertThat(incidents.get(0).scope().upstream()).isEqualTo("agg-7");
        Map<String, List<String>> siteAlarms = new TreeMap<>();
        for (Alarm a : alarms) {
            if (a.kind() == Alarm.Kind.SITE) {
                assertThat(a.incidentId()).isEqualTo(inc);
                siteAlarms.computeIfAbsent(a.id(), k -> new ArrayList<>()).add(a.state().name());
            }
        }
        assertThat(siteAlarms).hasSize(20).allSatisfy((id, states) -> {
            assertThat(id).startsWith("site:s");
            assertThat(states).containsExactly("RAISED", "CLEARED");
        });
    }

    /** RAISED with 3 sites, 17 joins, CLEARED. */
    private static Alarm.State[] expectedIncidentStates() {
        Alarm.State[] s = new Alarm.State[19];
        s[0] = Alarm.State.RAISED;
        for (int i = 1; i <= 17; i++) {
            s[i] = Alarm.State.UPDATED;
        }
        s[18] = Alarm.State.CLEARED;
        return s;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private AggregatorConfig config(String appId, Topics topics, List<Rule> rules) {
        AggregatorConfig base = Fixture.config(rules, HEALTH, CORRELATION);
        return new AggregatorConfig(kafka.bootstrapServers(), Map.of(), appId + "-" + UUID.randomUUID(),
                Path.of("target", "it-state", UUID.randomUUID().toString()), 1, topics,
                new Dedupe(Duration.ofMinutes(10)), rules, HEALTH, CORRELATION, base.dashboard(), null);
    }

    private void start(AggregatorConfig cfg) {
        StreamsBuilder b = new StreamsBuilder();
        HealthTopology.addTo(b, cfg, counters);
        Properties p = HealthTopology.streamsProperties(cfg, counters);
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        resources.add(() -> streams.close(Duration.ofSeconds(30)));
        streams.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }

    private void create(String topic, int partitions, boolean compacted) {
        kafka.createTopic(topic, partitions, compacted);
    }

    private void producer() {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        resources.add(producer);
    }

    /** Heartbeats of every site's gateway every 500 ms while {@code on}; {@code facts}: backlog, drain, dropped. */
    private void beat(Map<String, String> gateways, String topic, AtomicBoolean on,
                      java.util.function.Function<String, long[]> facts) {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
        resources.add(0, ex::shutdownNow); // closed last: after the streams
        ex.scheduleAtFixedRate(() -> {
            if (!on.get()) {
                return;
            }
            Instant now = Instant.now();
            gateways.forEach((site, gw) -> {
                long[] f = facts.apply(site);
                send(topic, site + "/" + gw, Fixture.heartbeatJson(site, gw, now, f[0], f[1], f[2]), null);
            });
        }, 0, 500, TimeUnit.MILLISECONDS);
    }

    private void send(String topic, Envelope e) {
        send(topic, e.key(), EnvelopeJson.encode(e), e);
    }

    private void send(String topic, String key, byte[] value, Envelope e) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        if (e != null) {
            r.headers().add(Headers.ID, e.id().getBytes(StandardCharsets.UTF_8));
            r.headers().add(Headers.SITE, e.site().getBytes(StandardCharsets.UTF_8));
            r.headers().add(Headers.SOURCE, e.source().wireName().getBytes(StandardCharsets.UTF_8));
        }
        producer.send(r);
        producer.flush();
    }

    private static Envelope syslog(String site, String gw, long seq, Instant at, String host, int sev, String msg) {
        return new Envelope(Envelope.recordId(site, gw, "default", seq), site, gw, "syslog-udp", SourceKind.SYSLOG,
                at, null, host, sev, msg, Map.of(),
                new SyslogFields(23, sev, 1, null, host, "app", null, null, Map.of(), msg), null, null);
    }

    private static Envelope temperature(String site, String gw, long seq, Instant at, double v) {
        return new Envelope(Envelope.recordId(site, gw, "default", 100 + seq), site, gw, "sensors", SourceKind.MQTT,
                at, null, "cab-1", null, null, Map.of(), null,
                new MqttFields("sensors/cab-1/temperature", 1, false),
                new Payload.Json(("{\"value\":" + v + "}").getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Alarm> readAlarms(String topic) {
        List<Alarm> out = new ArrayList<>();
        var de = HealthJson.serde(Alarm.class).deserializer();
        for (ConsumerRecord<byte[], byte[]> r : KafkaReader.readCommitted(kafka.bootstrapServers())
                .readAll(topic, Duration.ofMillis(500))) {
            out.add(de.deserialize(topic, r.value()));
        }
        return out;
    }

    /** alarm id -> its states in publication order (per id order is the partition order). */
    private static Map<String, List<String>> alarmsById(String topic) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Alarm a : readAlarms(topic)) {
            out.computeIfAbsent(a.id(), k -> new ArrayList<>()).add(a.state().name());
        }
        return out;
    }

    private static Map<String, SiteSnapshot> latestSnapshots(String topic) {
        Map<String, SiteSnapshot> out = new TreeMap<>();
        var de = HealthJson.serde(SiteSnapshot.class).deserializer();
        for (ConsumerRecord<byte[], byte[]> r : KafkaReader.readCommitted(kafka.bootstrapServers())
                .readAll(topic, Duration.ofMillis(500))) {
            out.put(KafkaReader.key(r), de.deserialize(topic, r.value()));
        }
        return out;
    }
}
