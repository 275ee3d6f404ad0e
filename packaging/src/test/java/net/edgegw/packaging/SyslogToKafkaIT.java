package net.edgegw.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.FreePorts;
import net.edgegw.testkit.KafkaReader;
import net.edgegw.testkit.ProcessRunner;
import net.edgegw.testkit.SyslogSender;
import net.edgegw.testkit.SyslogSender.Transport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** (1) syslog over UDP and TCP (both framings) -> Kafka: exact counts and envelope fields, dead letters, heartbeat. */
class SyslogToKafkaIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path tmp;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyFramingArrivesExactlyOnceWithTheContractEnvelope() throws Exception {
        int tcp = FreePorts.tcp();
        int udp = FreePorts.udp();
        Path config = E2E.writeConfig(tmp.resolve("gw"), """
                site: site-e2e
                gateway: gw-1
                dataDir: data
                tags: {region: north}
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d", maxMessageBytes: 2KiB}
                  - {type: syslog, name: syslog-udp, protocol: udp, bind: "127.0.0.1:%d"}
                buffer: {maxBytes: 64MiB}
                uplink: {bootstrapServers: "%s"}
                heartbeat: {interval: 1s}
                """.formatted(tcp, udp, kafka.bootstrapServers()));
        Instant started = Instant.now();
        try (ProcessRunner gw = E2E.startGateway(config, tmp.resolve("gw/gateway.log"))) {
            SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_OCTET_COUNTING).hostname("router-1")
                    .appName("octet").messageSize(200).build().send(0, 2000);
            SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_LF).hostname("router-2")
                    .appName("lf").messageSize(200).build().send(2000, 2000);
            SyslogSender.to("127.0.0.1", udp).transport(Transport.UDP).hostname("switch-1")
                    .appName("udp").messageSize(200).ratePerSecond(2000).build().send(4000, 300);
            // bad input on a TCP connection: an oversized line and a bad PRI, then a good message
            try (SyslogSender.Connection c = SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_LF)
                    .hostname("router-3").appName("bad").build().connect()) {
                c.send("<13>1 - router-3 bad - - - " + "x".repeat(3000));
                c.send("<999>1 - router-3 bad - - - bad pri");
                c.sendSeq(4300);
            }

            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .waitForCount("telemetry.syslog", 4301, Duration.ofSeconds(90));
            records = KafkaReader.readCommitted(kafka.bootstrapServers()).readAll("telemetry.syslog", Duration.ofSeconds(2));
            Map<Integer, Integer> seqs = E2E.seqCounts(records);
            assertThat(records).hasSize(4301);
            assertThat(seqs).hasSize(4301).allSatisfy((seq, n) -> assertThat(n).as("seq %d", seq).isEqualTo(1));
            assertThat(seqs.keySet()).allSatisfy(s -> assertThat(s).isBetween(0, 4300));

            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(E2E.validate(r)).as("schema errors of %s", KafkaReader.value(r)).isEmpty();
                JsonNode v = E2E.json(r);
                String host = v.get("host").asText();
                assertThat(KafkaReader.key(r)).isEqualTo("site-e2e/" + host);
                assertThat(KafkaReader.header(r, "edge.id")).isEqualTo(v.get("id").asText());
                assertThat(KafkaReader.header(r, "edge.site")).isEqualTo("site-e2e");
                assertThat(KafkaReader.header(r, "edge.source")).isEqualTo("syslog");
                assertThat(v.get("id").asText()).matches("site-e2e:gw-1:default:\\d+");
                assertThat(v.get("site").asText()).isEqualTo("site-e2e");
                assertThat(v.get("gateway").asText()).isEqualTo("gw-1");
                assertThat(v.get("source").asText()).isEqualTo("syslog");
                assertThat(v.get("severity").asInt()).isEqualTo(v.get("syslog").get("severity").asInt());
                assertThat(v.get("attributes").get("region").asText()).isEqualTo("north");
                assertThat(v.get("eventTime").isNull()).isFalse();
                JsonNode s = v.get("syslog");
                assertThat(s.get("version").asInt()).isEqualTo(1);
                assertThat(s.get("hostname").asText()).isEqualTo(host);
                int seq = SyslogSender.sequenceOf(KafkaReader.value(r)).getAsInt();
                assertThat(s.get("structuredData").get("meta").get("sequenceId").asText()).isEqualTo(Integer.toString(seq));
                String expectedInput = seq >= 4000 && seq < 4300 ? "syslog-udp" : "syslog-tcp";
                assertThat(v.get("input").asText()).isEqualTo(expectedInput);
                String app = seq < 2000 ? "octet" : seq < 4000 ? "lf" : seq < 4300 ? "udp" : "bad";
                assertThat(s.get("appName").asText()).isEqualTo(app);
            }
            assertThat(records.stream().map(r -> E2E.json(r).get("id").asText()).distinct()).hasSize(4301);

            // per-key order: within one connection (one host) the sequence numbers arrive in order
            Map<String, List<Integer>> byKey = new java.util.HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                byKey.computeIfAbsent(KafkaReader.key(r), k -> new java.util.ArrayList<>())
                        .add(SyslogSender.sequenceOf(KafkaReader.value(r)).getAsInt());
            }
            assertThat(byKey.get("site-e2e/router-1")).isSorted().hasSize(2000);
            assertThat(byKey.get("site-e2e/router-2")).isSorted().hasSize(2000);

            List<ConsumerRecord<byte[], byte[]>> dead = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .waitForCount("telemetry.deadletter", 2, Duration.ofSeconds(30));
            assertThat(dead).hasSize(2);
            assertThat(dead).allSatisfy(r -> assertThat(E2E.validate(r)).isEmpty());
            assertThat(dead).extracting(r -> E2E.json(r).get("attributes").get("reason").asText())
                    .containsExactlyInAnyOrder("oversized", "malformed");
            JsonNode malformed = dead.stream().map(E2E::json)
                    .filter(n -> n.get("attributes").get("reason").asText().equals("malformed")).findFirst().orElseThrow();
            assertThat(malformed.get("source").asText()).isEqualTo("gateway");
            assertThat(malformed.get("input").asText()).isEqualTo("syslog-tcp");
            assertThat(new String(Base64.getDecoder().decode(malformed.get("payload").get("base64").asText()),
                    StandardCharsets.UTF_8)).startsWith("<999>1 - router-3 bad");

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), "gw-1", started.minusSeconds(1));
                assertThat(hb).isNotNull();
                assertThat(hb.get("site").asText()).isEqualTo("site-e2e");
                assertThat(hb.get("configHash").asText()).hasSize(64);
                JsonNode in = hb.get("inputs").get("syslog-tcp");
                assertThat(in.get("accepted").asLong()).isEqualTo(4001);
                assertThat(in.get("rejected").get("oversized").asLong()).isEqualTo(1);
                assertThat(in.get("rejected").get("malformed").asLong()).isEqualTo(1);
                assertThat(hb.get("inputs").get("syslog-udp").get("accepted").asLong()).isEqualTo(300);
                assertThat(hb.get("backlog").get("records").asLong()).isZero();
                assertThat(hb.get("dropped").get("total").asLong()).isZero();
                assertThat(hb.get("uplink").get("state").asText()).isEqualTo("UP");
            });

            assertThat(gw.terminate(Duration.ofSeconds(30))).as("clean exit on SIGTERM:\n%s", gw).isTrue();
            assertThat(gw.exitCode()).hasValue(0);
            assertThat(String.join("\n", gw.tail(200))).contains("edge-gateway stopped");
        }
    }
}
