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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * (3) The gateway is killed with SIGKILL 5 times while it replicates and restarted each time.
 * exactly-once: every accepted record once in read_committed; at-least-once: none lost, duplicates keep their id.
 *
 * <p>Each round sends a burst over TCP and waits until the gateway's heartbeat reports every message of the burst
 * accepted into the durable buffer (syslog over TCP has no application-level acknowledgement, so this is how the test
 * knows what the gateway accepted); a bandwidth cap keeps replication slower than ingest, so the SIGKILL, at a random
 * moment, always lands mid-stream with transactions in flight and a backlog on disk.
 */
class CrashRecoveryIT {

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

    @ParameterizedTest
    @ValueSource(strings = {"exactly-once", "at-least-once"})
    void fiveKillsMidStreamLoseNothing(String delivery) throws Exception {
        String topic = "crash." + delivery;
        String gateway = "gw-" + delivery;
        int tcp = FreePorts.tcp();
        Path dir = Path.of("target/it-work/crash-" + delivery + "-" + System.currentTimeMillis());
        Path config = E2E.writeConfig(dir, """
                site: site-crash
                gateway: %s
                dataDir: data
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d", topic: %s}
                buffer: {maxBytes: 256MiB}
                uplink: {bootstrapServers: "%s", delivery: %s, bandwidth: 400KiB, batchMaxRecords: 500}
                heartbeat: {interval: 250ms}
                """.formatted(gateway, tcp, topic, kafka.bootstrapServers(), delivery));
        Random random = new Random(42);
        int burst = 2_500;
        int kills = 5;
        int seq = 0;
        for (int round = 0; round <= kills; round++) {
            Instant started = Instant.now();
            ProcessRunner gw = E2E.startGateway(config, dir.resolve("gateway-" + round + ".log"));
            long sent = SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_OCTET_COUNTING).hostname("rtr")
                    .appName("crash").messageSize(300).build().send(seq, burst);
            assertThat(sent).isEqualTo(burst);
            seq += burst;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), gateway, started.minusMillis(500));
                assertThat(hb).isNotNull();
                assertThat(hb.get("inputs").get("syslog-tcp").get("accepted").asLong()).isEqualTo(burst);
            });
            if (round < kills) {
                JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), gateway, started.minusMillis(500));
                Thread.sleep(200 + random.nextInt(1500));
                gw.kill9();
                // the kill came while a backlog was still being replicated (mid-stream)
                assertThat(hb.get("backlog").get("records").asLong()).as("backlog at kill time").isPositive();
            } else {
                KafkaReader reader = delivery.equals("exactly-once")
                        ? KafkaReader.readCommitted(kafka.bootstrapServers())
                        : KafkaReader.readUncommitted(kafka.bootstrapServers());
                reader.waitForCount(topic, seq, Duration.ofSeconds(120));
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode last = E2E.latestHeartbeat(kafka.bootstrapServers(), gateway, started.minusMillis(500));
                    assertThat(last.get("backlog").get("records").asLong()).isZero();
                });
                assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
            }
        }

        int total = seq;
        if (delivery.equals("exactly-once")) {
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .readAll(topic, Duration.ofSeconds(3));
            Map<Integer, Integer> seqs = E2E.seqCounts(records);
            assertThat(seqs).as("every accepted record").hasSize(total);
            assertThat(records).as("no duplicates in read_committed").hasSize(total);
        } else {
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readUncommitted(kafka.bootstrapServers())
                    .readAll(topic, Duration.ofSeconds(3));
            Map<Integer, Set<String>> idsBySeq = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                int s = SyslogSender.sequenceOf(KafkaReader.value(r)).getAsInt();
                idsBySeq.computeIfAbsent(s, k -> new HashSet<>()).add(KafkaReader.header(r, "edge.id"));
            }
            assertThat(idsBySeq).as("every accepted record").hasSize(total);
            assertThat(idsBySeq.values()).as("a duplicate carries the same id").allSatisfy(ids -> assertThat(ids).hasSize(1));
            System.out.printf("at-least-once: %d records for %d accepted (%d duplicates after %d kills)%n",
                    records.size(), total, records.size() - total, kills);
        }
    }
}
