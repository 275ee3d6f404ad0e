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
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * (4) The buffer cap is reached while the broker is down (drop-oldest): the number of dropped records is exact and
 * reported in the heartbeat, the survivors are the newest, and nothing survivors-wise is lost or duplicated.
 */
class BufferOverflowIT {

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
    void dropOldestCountsEveryDroppedRecordAndReportsItInTheHeartbeat() throws Exception {
        int tcp = FreePorts.tcp();
        Path config = E2E.writeConfig(tmp.resolve("gw"), """
                site: site-full
                gateway: gw-1
                dataDir: data
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                buffer: {maxBytes: 2MiB, overflow: drop-oldest}
                uplink: {bootstrapServers: "%s"}
                heartbeat: {interval: 500ms}
                """.formatted(tcp, kafka.bootstrapServers()));
        kafka.stop();
        int total = 20_000; // ~ 14 MB of envelopes into a 2 MiB buffer
        Instant started = Instant.now();
        try (ProcessRunner gw = E2E.startGateway(config, tmp.resolve("gw/gateway.log"))) {
            assertThat(SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_OCTET_COUNTING).hostname("rtr")
                    .appName("fill").messageSize(300).build().send(0, total)).isEqualTo(total);
            Thread.sleep(1_000);
            kafka.restart();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), "gw-1", started.minusSeconds(1));
                assertThat(hb).isNotNull();
                assertThat(hb.get("inputs").get("syslog-tcp").get("accepted").asLong()).isEqualTo(total);
                assertThat(hb.get("backlog").get("records").asLong()).isZero();
            });
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .readAll("telemetry.syslog", Duration.ofSeconds(3));
            Map<Integer, Integer> seqs = E2E.seqCounts(records);
            assertThat(records).as("no duplicates").hasSize(seqs.size());
            long delivered = seqs.size();
            assertThat(delivered).as("the cap forced drops").isLessThan(total).isPositive();

            JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), "gw-1", started.minusSeconds(1));
            assertThat(hb.get("dropped").get("overflow").asLong()).as("dropped count is exact").isEqualTo(total - delivered);
            assertThat(hb.get("dropped").get("total").asLong()).isEqualTo(total - delivered);
            assertThat(hb.get("backlog").get("lanes").get("default").get("droppedOverflow").asLong()).isEqualTo(total - delivered);

            // drop-oldest: the survivors are the newest records, without gaps
            TreeSet<Integer> kept = new TreeSet<>(seqs.keySet());
            assertThat(kept.last()).isEqualTo(total - 1);
            assertThat(kept.first()).isEqualTo(total - (int) delivered);
            assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
        }
    }
}
