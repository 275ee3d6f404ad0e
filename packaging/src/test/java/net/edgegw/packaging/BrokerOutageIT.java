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

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** (2) The cloud broker stops for 20 s while traffic flows, then returns: 0 lost, 0 duplicated. */
class BrokerOutageIT {

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
    void twentySecondOutageLosesAndDuplicatesNothing() throws Exception {
        int tcp = FreePorts.tcp();
        Path config = E2E.writeConfig(tmp.resolve("gw"), """
                site: site-outage
                gateway: gw-1
                dataDir: data
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                buffer: {maxBytes: 256MiB}
                uplink: {bootstrapServers: "%s"}
                heartbeat: {interval: 1s}
                """.formatted(tcp, kafka.bootstrapServers()));
        int total = 36_000; // 1,500/s for 24 s
        Instant started = Instant.now();
        try (ProcessRunner gw = E2E.startGateway(config, tmp.resolve("gw/gateway.log"))) {
            CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() ->
                    SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_OCTET_COUNTING).hostname("rtr")
                            .appName("flow").messageSize(250).ratePerSecond(1500).build().send(0, total));
            Thread.sleep(2_000);
            kafka.stop();
            long down = System.nanoTime();
            // while the cloud is away the backlog grows on disk and the heartbeat cannot be sent
            Thread.sleep(20_000);
            kafka.restart();
            long outageMs = (System.nanoTime() - down) / 1_000_000;
            assertThat(outageMs).isGreaterThanOrEqualTo(20_000);
            assertThat(sending.get()).isEqualTo(total);

            E2E.awaitCommitted(kafka.bootstrapServers(), "telemetry.syslog", total, Duration.ofSeconds(120), gw);
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .readAll("telemetry.syslog", Duration.ofSeconds(3));
            Map<Integer, Integer> seqs = E2E.seqCounts(records);
            assertThat(seqs).as("unique sequence numbers").hasSize(total);
            assertThat(records).as("records, duplicates included").hasSize(total);
            assertThat(KafkaReader.readUncommitted(kafka.bootstrapServers()).readAll("telemetry.syslog", Duration.ofSeconds(1)))
                    .as("aborted attempts may exist, committed ones are exact").hasSizeGreaterThanOrEqualTo(total);

            // the heartbeat after the outage shows the backlog drained and nothing dropped
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), "gw-1", started.minusSeconds(1));
                assertThat(hb).isNotNull();
                assertThat(hb.get("inputs").get("syslog-tcp").get("accepted").asLong()).isEqualTo(total);
                assertThat(hb.get("backlog").get("records").asLong()).isZero();
                assertThat(hb.get("dropped").get("total").asLong()).isZero();
            });
            assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
        }
    }
}
