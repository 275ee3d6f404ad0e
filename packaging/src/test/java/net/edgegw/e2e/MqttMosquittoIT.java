package net.edgegw.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.EmbeddedMqttPublisher;
import net.edgegw.testkit.KafkaReader;
import net.edgegw.testkit.Mosquitto;
import net.edgegw.testkit.ProcessRunner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * (4) Interoperability with Mosquitto, the broker most edge sites run (Debian package; .ci/run installs it): MQTT 5 and
 * 3.1.1 with username/password (from a passwordFile), QoS 1 and 2, and messages published while the gateway is
 * stopped arrive after it is back: exact counts in read_committed.
 */
class MqttMosquittoIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path tmp;
    static EmbeddedKafka kafka;
    static Mosquitto mosquitto;

    @BeforeAll
    static void brokers() {
        assumeTrue(Mosquitto.installed(), "mosquitto is not installed (" + Mosquitto.BINARY
                + "); install the Debian package mosquitto (.ci/run does) to run this interoperability test");
        kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
        mosquitto = Mosquitto.start(tmp.resolve("mosquitto"), "gateway", "pa55-w0rd");
    }

    @AfterAll
    static void stop() {
        if (mosquitto != null) {
            mosquitto.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "3.1.1"})
    void mosquittoQos1And2WithCredentialsAndOfflineQueue(String version) throws Exception {
        boolean v5 = version.equals("5");
        String prefix = "mosq-v" + version.replace(".", "");
        String topic = "mqtt." + prefix;
        Path dir = Path.of("target/it-work/" + prefix + "-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("mqtt.password"), "pa55-w0rd\n");
        Path cfg = E2E.writeConfig(dir, """
                site: site-mosq
                gateway: gw-%s
                dataDir: data
                inputs:
                  - {type: mqtt, name: plc, broker: "mqtt://127.0.0.1:%d", version: "%s", topics: ["%s/+/state", "%s/alarms/#"],
                     qos: 2, username: gateway, passwordFile: mqtt.password, hostFrom: "%s/{device}/state", topic: %s}
                uplink: {bootstrapServers: "%s", batchMaxRecords: 500}
                """.formatted(prefix, mosquitto.port(), version, prefix, prefix, prefix, topic, kafka.bootstrapServers()));
        int online = 300;
        int offline = 200;
        try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(mosquitto.uri(), v5, "gateway", "pa55-w0rd")) {
            ProcessRunner gw = MqttToKafkaIT.startSubscribed(cfg, dir.resolve("gateway-1.log"));
            for (int i = 0; i < online; i++) {
                pub.publish(prefix + "/plc-" + (i % 3) + "/state", EmbeddedMqttPublisher.seqPayload(i), i % 2 + 1);
            }
            KafkaReader.readCommitted(kafka.bootstrapServers()).waitForCount(topic, online, Duration.ofSeconds(30));
            assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
            for (int i = online; i < online + offline; i++) {
                pub.publish(prefix + "/alarms/zone-" + (i % 2), EmbeddedMqttPublisher.seqPayload(i), i % 2 + 1);
            }
            gw = E2E.startGateway(cfg, dir.resolve("gateway-2.log"));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .waitForCount(topic, online + offline, Duration.ofSeconds(30));
            records = KafkaReader.readCommitted(kafka.bootstrapServers()).readAll(topic, Duration.ofSeconds(2));
            Map<Integer, Integer> seqs = MqttToKafkaIT.seqCounts(records);
            assertThat(seqs).as("every message once, including those published while the gateway was stopped")
                    .hasSize(online + offline).allSatisfy((s, c) -> assertThat(c).isEqualTo(1));
            assertThat(records).hasSize(online + offline);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(E2E.validate(r)).isEmpty();
                JsonNode v = E2E.json(r);
                int seq = v.path("payload").path("seq").asInt();
                assertThat(v.path("mqtt").path("qos").asInt()).isEqualTo(seq % 2 + 1);
                String expectedHost = seq < online ? "plc-" + (seq % 3) : prefix + "/alarms/zone-" + (seq % 2);
                assertThat(v.path("host").asText()).isEqualTo(expectedHost);
            }
            assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
        }
    }
}
