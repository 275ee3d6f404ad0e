package net.edgegw.uplink;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.heartbeat.Heartbeat;
import net.edgegw.core.heartbeat.HeartbeatJson;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.KafkaReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link HeartbeatSender#send(Heartbeat, Runnable)} runs its callback once Kafka acknowledged, never on a drop. */
class HeartbeatAckIT {

    @TempDir
    Path dir;

    @Test
    void theAcknowledgementRunsOnceForADeliveredHeartbeatAndNotForADroppedOne() {
        Instant at = Instant.parse("2026-01-01T00:00:05Z");
        Heartbeat h = new Heartbeat("site-hb", "gw-1", "1.0", null, at, 5, null, Map.of(),
                new Heartbeat.Backlog(35, 3500, 0, Map.of(), new Heartbeat.Peak(8000, 800_000, at)), 0,
                Heartbeat.Dropped.of(0, 0, 0), new Heartbeat.Uplink("UP", null, 0));
        AtomicInteger acked = new AtomicInteger();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            kafka.createTopic("ack.heartbeats", 1, false);
            HeartbeatSender sender = new HeartbeatSender("site-hb", "gw-1", "ack.heartbeats",
                    ItSupport.settings(kafka.bootstrapServers()), new MetricRegistry());
            try (sender) {
                sender.send(h, acked::incrementAndGet);
                await().atMost(Duration.ofSeconds(20)).until(() -> sender.sentCount() == 1);
                assertThat(acked).hasValue(1);
                List<ConsumerRecord<byte[], byte[]>> got = KafkaReader.readCommitted(kafka.bootstrapServers())
                        .waitForCount("ack.heartbeats", 1, Duration.ofSeconds(20));
                assertThat(HeartbeatJson.parse(got.get(0).value()).backlog().peak())
                        .isEqualTo(new Heartbeat.Peak(8000, 800_000, at));
            }
            sender.send(h, acked::incrementAndGet); // closed: dropped
            assertThat(sender.droppedCount()).isEqualTo(1);
            assertThat(acked).hasValue(1);
        }
    }
}
