package net.edgegw.aggregator.e2e;

import net.edgegw.aggregator.AggregatorApp;
import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfigLoader;
import net.edgegw.aggregator.mirror.MirrorTestConfig;
import net.edgegw.aggregator.mirror.MirrorRunner;
import net.edgegw.aggregator.mirror.TwoClusters;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import net.edgegw.core.SourceKind;
import net.edgegw.core.SyslogFields;
import net.edgegw.core.security.PasswordHash;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.KafkaReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole aggregator ({@link AggregatorApp}, as {@code cloud-aggregator run} starts it) on a central cluster that
 * receives a regional cluster's telemetry through MirrorMaker 2 (the shipped mirror.properties) AND the same records
 * directly: every record counts once, and the other copy is counted as a duplicate.
 */
class MirrorDedupeIT {

    private static final int N = 300;

    @TempDir
    static Path dir;
    static TwoClusters clusters;
    static EmbeddedKafka region;
    static EmbeddedKafka central;

    @BeforeAll
    static void clusters() {
        clusters = TwoClusters.start(dir);
        region = clusters.region();
        central = clusters.central();
    }

    @AfterAll
    static void stop() {
        if (clusters != null) {
            clusters.close();
        }
    }

    @Test
    void recordsArrivingDirectlyAndMirroredCountOnce() throws Exception {
        region.createTopic("telemetry.syslog", 2, false);
        central.createTopic("telemetry.syslog", 3, false);
        // no edge.heartbeats topic: the aggregator creates the contract input topic its pattern needs
        Instant t0 = Instant.now();
        try (KafkaProducer<byte[], byte[]> regional = producer(region);
             KafkaProducer<byte[], byte[]> direct = producer(central)) {
            for (int i = 0; i < N; i++) {
                Envelope e = syslog("site-m", i, t0.plusMillis(i));
                regional.send(record("telemetry.syslog", e));
                if (i % 2 == 0) { // half of them also arrive directly, before the mirrored copy
                    direct.send(record("telemetry.syslog", e));
                }
            }
        }

        Path stateDir = dir.resolve("aggregator");
        Files.createDirectories(stateDir);
        Files.writeString(stateDir.resolve("dashboard-password"),
                PasswordHash.hash("not-used-in-this-test".toCharArray(), new SecureRandom()) + "\n");
        Files.writeString(stateDir.resolve("peer-secret"), "peer-secret-for-the-mirror-dedupe-test\n");
        AggregatorConfig cfg = AggregatorConfigLoader.parse("""
                bootstrapServers: "%s"
                applicationId: mirror-dedupe-it
                stateDir: "%s"
                streamThreads: 1
                dashboard: {bind: "127.0.0.1:0", tls: false}
                """.formatted(central.bootstrapServers(), stateDir));

        Map<String, String> mm = MirrorTestConfig.shipped(region, central);
        try (MirrorRunner mirror = MirrorRunner.start(mm); AggregatorApp app = AggregatorApp.start(cfg)) {
            // the mirrored copies land in region-eu.telemetry.syslog, which the default pattern covers
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                SiteSnapshot s = latest(cfg.topics().sites()).get("site-m");
                assertThat(s).isNotNull();
                assertThat(s.records() + s.duplicates()).isEqualTo(N + N / 2);
            });
            SiteSnapshot s = latest(cfg.topics().sites()).get("site-m");
            assertThat(s.records()).as("unique records").isEqualTo(N);
            assertThat(s.duplicates()).as("the second copy of every record sent both ways").isEqualTo(N / 2);
            assertThat(s.bySource()).containsEntry("syslog", (long) N);

            // the app's dashboard is up and reports the streams state without a login
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(app.dashboard().url().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("RUNNING");
        }
    }

    private static Map<String, SiteSnapshot> latest(String topic) {
        Map<String, SiteSnapshot> out = new HashMap<>();
        var de = HealthJson.serde(SiteSnapshot.class).deserializer();
        for (ConsumerRecord<byte[], byte[]> r : KafkaReader.readCommitted(central.bootstrapServers())
                .readAll(topic, Duration.ofMillis(300))) {
            out.put(KafkaReader.key(r), de.deserialize(topic, r.value()));
        }
        return out;
    }

    private static Envelope syslog(String site, long seq, Instant at) {
        String msg = "interface counters " + seq;
        return new Envelope(Envelope.recordId(site, "gw-1", "default", seq), site, "gw-1", "syslog-tcp",
                SourceKind.SYSLOG, at, null, "rtr-" + (seq % 4), 6, msg, Map.of(),
                new SyslogFields(23, 6, 1, null, "rtr-" + (seq % 4), "ifmgr", null, null, Map.of(), msg), null, null);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, Envelope e) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, e.key().getBytes(StandardCharsets.UTF_8),
                EnvelopeJson.encode(e));
        r.headers().add(Headers.ID, e.id().getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.SITE, e.site().getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.SOURCE, e.source().wireName().getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
