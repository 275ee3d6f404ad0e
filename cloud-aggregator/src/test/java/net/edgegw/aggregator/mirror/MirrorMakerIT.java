package net.edgegw.aggregator.mirror;

import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MirrorMaker 2 (connect-mirror 4.3.1) running in-process against kafka-clients 4.4.0, between two real KRaft
 * clusters: what is produced to the regional {@code telemetry.syslog} arrives in the central
 * {@code region-eu.telemetry.syslog} once, with key, value and headers intact.
 */
class MirrorMakerIT {

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
    void regionalTelemetryArrivesCentrallyWithKeyValueAndHeaders() throws Exception {
        assertThat(AppInfoParser.getVersion()).as("kafka-clients on the classpath").isEqualTo("4.4.0");
        region.createTopic("telemetry.syslog", 2, false);
        List<ProducerRecord<String, String>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, region.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20; i++) {
                String id = "site-0042:gw-1:default:" + i;
                List<Header> headers = List.of(
                        new RecordHeader("edge.id", id.getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("edge.site", "site-0042".getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("edge.source", "syslog".getBytes(StandardCharsets.UTF_8)));
                var rec = new ProducerRecord<>("telemetry.syslog", null, "site-0042/rtr-" + (i % 3),
                        "{\"id\":\"" + id + "\",\"message\":\"line " + i + "\"}", headers);
                sent.add(rec);
                p.send(rec).get();
            }
        }

        // the shipped example, pointed at the test clusters, with single-broker replication and short intervals
        Map<String, String> checked = MirrorTestConfig.shipped(region, central);
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (MirrorRunner mm = MirrorRunner.start(checked);
             KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, central.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "mirror-it",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000), new StringDeserializer(),
                     new StringDeserializer())) {
            assertThat(mm.flows()).containsExactly("region-eu->central");
            assertThat(mm.kafkaVersion()).as("MirrorMaker runs on its own clients").isEqualTo("4.3.1");
            c.subscribe(java.util.regex.Pattern.compile("region-eu\\.telemetry\\.syslog"));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                c.poll(Duration.ofMillis(500)).forEach(got::add);
                return got.size() >= sent.size();
            });
            // nothing more arrives: each record exactly once
            for (int i = 0; i < 4; i++) {
                c.poll(Duration.ofMillis(500)).forEach(got::add);
            }
        }
        assertThat(got).hasSize(sent.size());
        assertThat(got).allSatisfy(r -> assertThat(r.topic()).isEqualTo("region-eu.telemetry.syslog"));
        assertThat(got.stream().map(MirrorMakerIT::describe).sorted().toList())
                .isEqualTo(sent.stream().map(MirrorMakerIT::describe).sorted().toList());
    }

    private static String describe(ConsumerRecord<String, String> r) {
        return r.key() + "|" + r.value() + "|" + headers(r.headers());
    }

    private static String describe(ProducerRecord<String, String> r) {
        return r.key() + "|" + r.value() + "|" + headers(r.headers());
    }

    private static String headers(Iterable<Header> hs) {
        StringBuilder sb = new StringBuilder();
        for (Header h : hs) {
            sb.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append(';');
        }
        return sb.toString();
    }
}
