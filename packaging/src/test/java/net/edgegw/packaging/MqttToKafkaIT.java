package net.edgegw.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.EmbeddedMqtt;
import net.edgegw.testkit.EmbeddedMqttPublisher;
import net.edgegw.testkit.KafkaReader;
import net.edgegw.testkit.ProcessRunner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged gateway with an MQTT input, an embedded MQTT broker (HiveMQ CE) and an embedded Kafka broker:
 * (1) MQTT 5 and 3.1.1 QoS 1 end to end, envelope fields and JSON Schema; (2) MQTT 5 and 3.1.1: SIGKILL three times
 * while a publisher keeps publishing QoS 1: 0 lost, 0 duplicated in read_committed; (3) MQTT broker restart mid-stream: the gateway
 * reconnects and resubscribes, 0 lost.
 */
class MqttToKafkaIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path tmp;
    static EmbeddedKafka kafka;
    static EmbeddedMqtt mqtt;

    @BeforeAll
    static void brokers() {
        kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
        mqtt = EmbeddedMqtt.start(tmp.resolve("mqtt"));
    }

    @AfterAll
    static void stop() {
        if (mqtt != null) {
            mqtt.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static Path config(String name, String version, String broker, String topicFilter, String kafkaTopic, String extra) {
        Path dir = Path.of("target/it-work/" + name + "-" + System.currentTimeMillis());
        return E2E.writeConfig(dir, """
                site: site-mqtt
                gateway: gw-%s
                dataDir: data
                inputs:
                  - {type: mqtt, name: sensors, broker: "%s", version: "%s", topics: ["%s"], qos: 1,
                     hostFrom: "%s", topic: %s%s}
                buffer: {maxBytes: 64MiB}
                uplink: {bootstrapServers: "%s", batchMaxRecords: 500}
                heartbeat: {interval: 500ms}
                """.formatted(name, broker, version, topicFilter, topicFilter.replace("+", "{device}"),
                kafkaTopic, extra, kafka.bootstrapServers()));
    }

    static final java.util.regex.Pattern SUBSCRIBED = java.util.regex.Pattern.compile("connected to .* and subscribed to");

    /** Starts the gateway and waits until its MQTT input has subscribed (it connects in the background after ready). */
    static ProcessRunner startSubscribed(Path cfg, Path log) {
        ProcessRunner gw = E2E.startGateway(cfg, log);
        gw.waitForLine(SUBSCRIBED, Duration.ofSeconds(30));
        return gw;
    }

    /** Each {@code payload.seq} in the records, with how often it occurs. */
    static Map<Integer, Integer> seqCounts(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<Integer, Integer> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode seq = E2E.json(r).path("payload").path("seq");
            assertThat(seq.isInt()).as("record with payload.seq: %s", KafkaReader.value(r)).isTrue();
            out.merge(seq.asInt(), 1, Integer::sum);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "3.1.1"})
    void qos1EndToEnd(String version) {
        String prefix = "e2e-v" + version.replace(".", "");
        String topic = "mqtt." + prefix;
        Path cfg = config(prefix, version, mqtt.uri(), prefix + "/+/data", topic, "");
        int n = 600;
        try (ProcessRunner gw = startSubscribed(cfg, cfg.getParent().resolve("gateway.log"));
             EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(mqtt.uri(), version.equals("5"))) {
            for (int i = 0; i < n; i++) {
                pub.publish(prefix + "/dev-" + (i % 5) + "/data", "{\"seq\":" + i + ",\"temp\":" + (20 + i % 7) + "}", 1);
            }
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .waitForCount(topic, n, Duration.ofSeconds(45));
            records = KafkaReader.readCommitted(kafka.bootstrapServers()).readAll(topic, Duration.ofSeconds(2));
            assertThat(records).hasSize(n);
            Map<Integer, Integer> seqs = seqCounts(records);
            assertThat(seqs).hasSize(n).allSatisfy((s, c) -> assertThat(c).isEqualTo(1));
            Map<String, Integer> lastSeqPerKey = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(E2E.validate(r)).as("schema errors").isEmpty();
                JsonNode v = E2E.json(r);
                int seq = v.path("payload").path("seq").asInt();
                String device = "dev-" + (seq % 5);
                assertThat(v.path("source").asText()).isEqualTo("mqtt");
                assertThat(v.path("input").asText()).isEqualTo("sensors");
                assertThat(v.path("site").asText()).isEqualTo("site-mqtt");
                assertThat(v.path("host").asText()).isEqualTo(device);
                assertThat(v.path("eventTime").isNull()).isTrue();
                assertThat(v.path("message").isNull()).isTrue();
                assertThat(v.path("mqtt").path("topic").asText()).isEqualTo(prefix + "/" + device + "/data");
                assertThat(v.path("mqtt").path("qos").asInt()).isEqualTo(1);
                assertThat(v.path("mqtt").path("retained").asBoolean()).isFalse();
                assertThat(v.path("payload").path("temp").asInt()).isEqualTo(20 + seq % 7);
                assertThat(KafkaReader.key(r)).isEqualTo("site-mqtt/" + device);
                assertThat(KafkaReader.header(r, "edge.source")).isEqualTo("mqtt");
                assertThat(KafkaReader.header(r, "edge.id")).isEqualTo(v.path("id").asText());
                Integer prev = lastSeqPerKey.put(device, seq);
                assertThat(prev == null || prev < seq).as("per-key order").isTrue();
            }
            assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
        }
    }

    /** Publishes QoS 1 {"seq":N} messages in a loop; counts what the broker confirmed and what is unsure. */
    static final class PublisherLoop implements Runnable, AutoCloseable {
        final String uri;
        final boolean v5;
        final String topic;
        final int perSecond;
        final Set<Integer> confirmed = ConcurrentHashMap.newKeySet();
        final Set<Integer> unsure = ConcurrentHashMap.newKeySet();
        final AtomicInteger next = new AtomicInteger();
        volatile boolean running = true;
        final Thread thread;

        PublisherLoop(String uri, boolean v5, String topic, int perSecond) {
            this.uri = uri;
            this.v5 = v5;
            this.topic = topic;
            this.perSecond = perSecond;
            this.thread = new Thread(this, "publisher");
            thread.start();
        }

        @Override
        public void run() {
            EmbeddedMqttPublisher pub = null;
            long start = System.nanoTime();
            while (running) {
                try {
                    if (pub == null || !pub.isConnected()) {
                        if (pub != null) {
                            pub.close();
                        }
                        pub = EmbeddedMqttPublisher.connect(uri, v5);
                    }
                    int seq = next.get();
                    long due = start + seq * 1_000_000_000L / perSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    next.incrementAndGet();
                    try {
                        pub.publish(topic, EmbeddedMqttPublisher.seqPayload(seq), 1);
                        confirmed.add(seq);
                    } catch (IllegalStateException e) {
                        unsure.add(seq); // may or may not have reached the broker
                        System.out.println("publish of seq " + seq + " unsure: " + e.getMessage());
                        throw e;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    pub = null;
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
            if (pub != null) {
                pub.close();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"5", "3.1.1"})
    void threeSigkillsWhilePublishingLoseNothingAndDuplicateNothing(String version) throws Exception {
        boolean v5 = version.equals("5");
        String prefix = "kill-v" + version.replace(".", "");
        String topic = "mqtt." + prefix;
        Path cfg = config(prefix, version, mqtt.uri(), prefix + "/+/data", topic, "");
        Random random = new Random(v5 ? 7 : 11);
        ProcessRunner gw = startSubscribed(cfg, cfg.getParent().resolve("gateway-first.log"));
        gw.terminate(Duration.ofSeconds(30)); // the session exists from now on: the broker queues while we are away
        PublisherLoop pub = new PublisherLoop(mqtt.uri(), v5, prefix + "/dev-1/data", 400);
        try {
            for (int round = 0; round < 4; round++) {
                gw = E2E.startGateway(cfg, cfg.getParent().resolve("gateway-" + round + ".log"));
                if (round < 3) {
                    Thread.sleep(2000 + random.nextInt(1500)); // connected and catching up on the queue
                    int before = pub.next.get();
                    gw.kill9();
                    assertThat(before).as("publishing while the gateway ran").isPositive();
                }
            }
            Thread.sleep(2000);
        } finally {
            pub.close();
        }
        int published = pub.confirmed.size();
        System.out.printf("SIGKILL IT (MQTT %s): %d confirmed publishes, %d unsure%n", version, published, pub.unsure.size());
        List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                .waitForCount(topic, published, Duration.ofSeconds(45));
        records = KafkaReader.readCommitted(kafka.bootstrapServers()).readAll(topic, Duration.ofSeconds(3));
        Map<Integer, Integer> seqs = seqCounts(records);
        assertThat(seqs.keySet()).as("0 lost").containsAll(pub.confirmed);
        StringBuilder dups = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode v = E2E.json(r);
            if (seqs.get(v.path("payload").path("seq").asInt()) > 1) {
                dups.append(String.format("%n  seq %d at %s-%d@%d id %s receivedAt %s", v.path("payload").path("seq").asInt(),
                        r.topic(), r.partition(), r.offset(), v.path("id").asText(), v.path("receivedAt").asText()));
            }
        }
        assertThat(dups.length()).as("0 duplicated (logs in %s):%s", cfg.getParent(), dups).isZero();
        // a publish whose PUBACK the publisher did not see (timeout) may or may not have reached the broker
        assertThat(seqs.keySet()).allSatisfy(s -> assertThat(pub.confirmed.contains(s) || pub.unsure.contains(s)).isTrue());
        assertThat(records.size()).isBetween(published, published + pub.unsure.size());
        assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void mqttBrokerRestartMidStreamLosesNothing() throws Exception {
        String prefix = "restart";
        String topic = "mqtt.restart";
        Path cfg = config(prefix, "3.1.1", mqtt.uri(), prefix + "/+/data", topic, ", reconnectMax: 1s");
        try (ProcessRunner gw = startSubscribed(cfg, cfg.getParent().resolve("gateway.log"))) {
            PublisherLoop pub = new PublisherLoop(mqtt.uri(), false, prefix + "/dev-1/data", 300);
            try {
                Thread.sleep(2000);
                long mark = gw.mark();
                mqtt.stop();
                Thread.sleep(3000);
                mqtt.start();
                gw.waitForLineAfter(mark, java.util.regex.Pattern.compile("reconnected to .* and resubscribed"),
                        Duration.ofSeconds(30));
                Thread.sleep(3000);
            } finally {
                pub.close();
            }
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .waitForCount(topic, pub.confirmed.size(), Duration.ofSeconds(45));
            records = KafkaReader.readCommitted(kafka.bootstrapServers()).readAll(topic, Duration.ofSeconds(3));
            Map<Integer, Integer> seqs = seqCounts(records);
            System.out.printf("broker restart IT: %d confirmed, %d unsure, %d records%n", pub.confirmed.size(),
                    pub.unsure.size(), records.size());
            assertThat(seqs.keySet()).as("every confirmed publish arrived").containsAll(pub.confirmed);
            assertThat(seqs.values()).as("none twice").allSatisfy(c -> assertThat(c).isEqualTo(1));
            assertThat(seqs.keySet()).as("nothing that was not published")
                    .allSatisfy(s -> assertThat(pub.confirmed.contains(s) || pub.unsure.contains(s)).isTrue());
            assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
        }
    }
}
