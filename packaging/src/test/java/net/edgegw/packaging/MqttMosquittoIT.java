package net.edgegw.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.EmbeddedMqttPublisher;
import net.edgegw.testkit.KafkaReader;
import net.edgegw.testkit.Mosquitto;
import net.edgegw.testkit.ProcessRunner;
import net.edgegw.testkit.TestPki;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * (4) Interoperability with Mosquitto, the broker most edge sites run (Debian package; .ci/run installs it): MQTT 5 and
 * 3.1.1 with username/password (from a passwordFile), QoS 1 and 2, and messages published while the gateway is
 * stopped arrive after it is back: exact counts in read_committed. (5) TLS: Mosquitto with a server certificate from a
 * test CA made in the test, the gateway on {@code ssl://} (MQTT 5, with a client certificate on a listener that
 * requires one) and {@code mqtts://} (3.1.1), username/password: QoS 1 exactly once. A server certificate that the
 * configured CA did not sign: nothing is delivered, the gateway logs the TLS error on every retry and keeps running.
 */
class MqttMosquittoIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path tmp;
    static EmbeddedKafka kafka;
    static Mosquitto mosquitto;
    /** The CA that signed Mosquitto's server certificate, and the gateway's client certificate. */
    static TestPki siteCa;
    static TestPki.Issued gatewayCert;
    /** TLS listener indexes of {@link #mosquitto}. */
    static final int TLS = 0;
    static final int MUTUAL_TLS = 1;

    @BeforeAll
    static void brokers() {
        assumeTrue(Mosquitto.installed(), "mosquitto is not installed (" + Mosquitto.BINARY
                + "); install the Debian package mosquitto (.ci/run does) to run this interoperability test");
        kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
        siteCa = TestPki.create(tmp.resolve("pki"), "site");
        TestPki.Issued server = siteCa.server("mosquitto");
        gatewayCert = siteCa.client("gateway", "gw-mosq");
        mosquitto = Mosquitto.start(tmp.resolve("mosquitto"), "gateway", "pa55-w0rd", List.of(
                new Mosquitto.Tls(siteCa.caPem(), server.certPem(), server.keyPem(), false),
                new Mosquitto.Tls(siteCa.caPem(), server.certPem(), server.keyPem(), true)), "");
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

    /** A gateway config with one MQTT input {@code plc} over TLS; the PEM paths are absolute. */
    static Path tlsConfig(Path dir, String prefix, String version, String broker, String tls, String extra) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("mqtt.password"), "pa55-w0rd\n");
        return E2E.writeConfig(dir, """
                site: site-mosq
                gateway: gw-%s
                dataDir: data
                inputs:
                  - {type: mqtt, name: plc, broker: "%s", version: "%s", topics: ["%s/+/state"], qos: 1,
                     username: gateway, passwordFile: mqtt.password, tls: %s, hostFrom: "%s/{device}/state",
                     topic: mqtt.%s%s}
                uplink: {bootstrapServers: "%s", batchMaxRecords: 500}
                """.formatted(prefix, broker, version, prefix, tls, prefix, prefix, extra, kafka.bootstrapServers()));
    }

    @ParameterizedTest(name = "MQTT {0} over {1}")
    @CsvSource({"5, ssl + client certificate", "3.1.1, mqtts"})
    void tlsWithCredentialsDeliversQos1Exactly(String version, String mode) throws Exception {
        boolean v5 = version.equals("5");
        boolean mutual = mode.contains("client certificate");
        String prefix = "tls-v" + version.replace(".", "");
        String topic = "mqtt." + prefix;
        Path dir = Path.of("target/it-work/" + prefix + "-" + System.currentTimeMillis());
        String broker = mutual ? mosquitto.tlsUri(MUTUAL_TLS) : "mqtts://127.0.0.1:" + mosquitto.tlsPort(TLS);
        String tls = mutual
                ? "{ca: \"%s\", cert: \"%s\", key: \"%s\"}".formatted(siteCa.caPem().toAbsolutePath(),
                        gatewayCert.certPem().toAbsolutePath(), gatewayCert.keyPem().toAbsolutePath())
                : "{ca: \"%s\"}".formatted(siteCa.caPem().toAbsolutePath());
        Path cfg = tlsConfig(dir, prefix, version, broker, tls, "");
        int n = 400;
        try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(mosquitto.uri(), v5, "gateway", "pa55-w0rd");
             ProcessRunner gw = MqttToKafkaIT.startSubscribed(cfg, dir.resolve("gateway.log"))) {
            assertThat(gw.waitForLine(MqttToKafkaIT.SUBSCRIBED, Duration.ofSeconds(1)))
                    .contains("connected to ssl://127.0.0.1:" + mosquitto.tlsPort(mutual ? MUTUAL_TLS : TLS));
            for (int i = 0; i < n; i++) {
                pub.publish(prefix + "/plc-" + (i % 3) + "/state", EmbeddedMqttPublisher.seqPayload(i), 1);
            }
            KafkaReader.readCommitted(kafka.bootstrapServers()).waitForCount(topic, n, Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .readAll(topic, Duration.ofSeconds(2));
            Map<Integer, Integer> seqs = MqttToKafkaIT.seqCounts(records);
            assertThat(seqs).as("every message once").hasSize(n).allSatisfy((s, c) -> assertThat(c).isEqualTo(1));
            assertThat(records).hasSize(n);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(E2E.validate(r)).isEmpty();
                JsonNode v = E2E.json(r);
                assertThat(v.path("mqtt").path("qos").asInt()).isEqualTo(1);
                assertThat(v.path("host").asText()).isEqualTo("plc-" + (v.path("payload").path("seq").asInt() % 3));
            }
            assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void serverCertificateFromAnotherCaIsRefusedLoggedAndRetried() throws Exception {
        TestPki otherCa = TestPki.create(tmp.resolve("pki"), "other");
        String prefix = "tls-untrusted";
        String topic = "mqtt." + prefix;
        Path dir = Path.of("target/it-work/" + prefix + "-" + System.currentTimeMillis());
        Path cfg = tlsConfig(dir, prefix, "5", mosquitto.tlsUri(TLS),
                "{ca: \"%s\"}".formatted(otherCa.caPem().toAbsolutePath()), ", reconnectMax: 1s");
        Pattern tlsError = Pattern.compile("mqtt input 'plc': connect to ssl://127\\.0\\.0\\.1:" + mosquitto.tlsPort(TLS)
                + " failed \\(attempt (\\d+)\\).*SSLHandshakeException.*(PKIX path building failed|certification path)");
        try (EmbeddedMqttPublisher pub = EmbeddedMqttPublisher.connect(mosquitto.uri(), true, "gateway", "pa55-w0rd");
             ProcessRunner gw = E2E.startGateway(cfg, dir.resolve("gateway.log"))) {
            gw.waitForLine(tlsError, Duration.ofSeconds(30));
            // publishes between the retries, each attempt refused for the same reason, with back-off
            int published = 0;
            int attempt = 0;
            long mark = gw.mark();
            while (attempt < 4) {
                for (int i = 0; i < 20; i++) {
                    pub.publish(prefix + "/plc-1/state", EmbeddedMqttPublisher.seqPayload(published++), 1);
                }
                java.util.regex.Matcher m = tlsError.matcher(gw.waitForLineAfter(mark, tlsError, Duration.ofSeconds(15)));
                assertThat(m.find()).isTrue();
                attempt = Integer.parseInt(m.group(1));
                mark = gw.mark();
            }
            assertThat(gw.isAlive()).as("the gateway keeps running").isTrue();
            assertThat(Files.readString(gw.logFile())).doesNotContain("connected to ssl://");
            assertThat(KafkaReader.readCommitted(kafka.bootstrapServers()).readAll(topic, Duration.ofSeconds(2)))
                    .as("nothing delivered through an untrusted broker").isEmpty();
            assertThat(gw.terminate(Duration.ofSeconds(30))).as("clean shutdown while retrying").isTrue();
        }
    }
}
