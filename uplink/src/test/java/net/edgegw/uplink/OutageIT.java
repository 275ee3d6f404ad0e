package net.edgegw.uplink;

import net.edgegw.storeforward.MemoryLaneBuffer;
import net.edgegw.core.Headers;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.KafkaReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static net.edgegw.uplink.ItSupport.Ledger;
import static net.edgegw.uplink.ItSupport.assertExactlyOnce;
import static net.edgegw.uplink.ItSupport.awaitCommitted;
import static net.edgegw.uplink.ItSupport.awaitMarkersWritten;
import static net.edgegw.uplink.ItSupport.forwarder;
import static net.edgegw.uplink.ItSupport.lane;
import static net.edgegw.uplink.ItSupport.readCommitted;
import static net.edgegw.uplink.ItSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Exactly-once across broker outages (the broker of this class is stopped and restarted). */
class OutageIT {

    private static final Logger LOG = LoggerFactory.getLogger(OutageIT.class);

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** (2) The broker is stopped for ~10 s mid-stream while records keep arriving: 0 lost, 0 duplicated. */
    @Test
    void brokerStoppedMidStreamLosesAndDuplicatesNothing() throws Exception {
        String topic = "out2.telemetry";
        kafka.createTopic(topic, 3, false);
        Ledger ledger = new Ledger("site-out2", "gw-1");
        MemoryLaneBuffer alarms = ItSupport.buffer("alarms");
        MemoryLaneBuffer bulk = ItSupport.buffer("bulk");
        AtomicBoolean appending = new AtomicBoolean(true);
        Thread appender = new Thread(() -> {
            int i = 0;
            while (appending.get()) {
                ledger.appendOne(i % 4 == 0 ? alarms : bulk, topic, "host-" + (i % 13), 400);
                i++;
                if (i % 10 == 0) {
                    try {
                        Thread.sleep(10); // ~1000 records/s
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "appender");
        Set<UplinkState> seen = EnumSet.noneOf(UplinkState.class);
        Map<String, Object> lock = new ConcurrentHashMap<>();
        try (Forwarder f = forwarder(ledger, List.of(new Lane(alarms, 0), new Lane(bulk, 1)),
                settings(kafka.bootstrapServers()))) {
            f.start();
            appender.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> lane(f, "bulk").committedIndex() >= 1_000);

            kafka.stop();
            long outageStart = System.nanoTime();
            // the outage itself (not an assertion): keep the broker down ~10 s while records keep arriving
            while (System.nanoTime() - outageStart < Duration.ofSeconds(10).toNanos()) {
                synchronized (lock) {
                    seen.add(f.status().state());
                }
                Thread.sleep(200);
            }
            long appendedDuringOutage = ledger.byId.size();
            kafka.restart();
            LOG.info("broker back after {} ms; states seen during the outage: {}; status {}",
                    (System.nanoTime() - outageStart) / 1_000_000, seen, f.status());
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.byId.size() > appendedDuringOutage + 1_000);
            appending.set(false);
            appender.join();
            awaitCommitted(f, Duration.ofSeconds(90), Map.of("alarms", alarms.store(), "bulk", bulk.store()));
            assertThat(f.status().state()).isEqualTo(UplinkState.UP);
        } finally {
            appending.set(false);
            appender.join();
        }
        LOG.info("{} records appended in total", ledger.byId.size());
        assertExactlyOnce(readCommitted(kafka.bootstrapServers(), topic), ledger);
    }

    /**
     * (5) With the broker down, two lanes fill up; after the restart the high lane's records are all committed
     * before the low lane's first (one partition, so offsets are commit order).
     */
    @Test
    void highPriorityLaneDrainsFirstAfterAnOutage() {
        String topic = "out5.prio";
        kafka.createTopic(topic, 1, false);
        Ledger ledger = new Ledger("site-out5", "gw-1");
        MemoryLaneBuffer high = ItSupport.buffer("high");
        MemoryLaneBuffer low = ItSupport.buffer("low");
        try (Forwarder f = forwarder(ledger, List.of(new Lane(low, 5), new Lane(high, 1)),
                settings(kafka.bootstrapServers()).withBatch(500, 1024 * 1024, Duration.ofMillis(20)))) {
            f.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> lane(f, "high").state() == UplinkState.UP
                    && lane(f, "low").state() == UplinkState.UP);

            kafka.kill();
            ledger.append(high, topic, 3_000, 5, 300);
            ledger.append(low, topic, 3_000, 5, 300);
            // let the forwarder notice the outage before the broker returns
            await().atMost(Duration.ofSeconds(40)).until(() -> f.status().state() == UplinkState.DOWN);
            kafka.restart();
            awaitCommitted(f, Duration.ofSeconds(90), Map.of("high", high.store(), "low", low.store()));
        }
        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(kafka.bootstrapServers(), topic);
        assertExactlyOnce(records, ledger);
        long lastHigh = -1;
        long firstLow = Long.MAX_VALUE;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String lane = ledger.byId.get(KafkaReader.header(r, Headers.ID)).lane();
            if (lane.equals("high")) {
                lastHigh = Math.max(lastHigh, r.offset());
            } else {
                firstLow = Math.min(firstLow, r.offset());
            }
        }
        LOG.info("last high-lane offset {}, first low-lane offset {}", lastHigh, firstLow);
        assertThat(lastHigh).as("every high-lane record precedes the first low-lane record").isLessThan(firstLow);
    }

    /** Heartbeats go straight to Kafka; while the broker is gone send() returns at once and drops are counted. */
    @Test
    void heartbeatsNeverBlockAndDropsAreCounted() {
        String topic = "out.heartbeats";
        kafka.createTopic(topic, 1, false);
        com.codahale.metrics.MetricRegistry registry = new com.codahale.metrics.MetricRegistry();
        try (HeartbeatSender hb = new HeartbeatSender("site-hb", "gw-1", topic,
                settings(kafka.bootstrapServers()), registry)) {
            byte[] json = "{\"type\":\"heartbeat\",\"n\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            hb.send(json);
            await().atMost(Duration.ofSeconds(20)).until(() -> hb.sentCount() == 1);
            List<ConsumerRecord<byte[], byte[]>> got = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .waitForCount(topic, 1, Duration.ofSeconds(20));
            assertThat(KafkaReader.key(got.get(0))).isEqualTo("site-hb/gw-1");
            assertThat(got.get(0).value()).isEqualTo(json);
            assertThat(KafkaReader.header(got.get(0), Headers.SITE)).isEqualTo("site-hb");

            kafka.kill();
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                hb.send(json);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            LOG.info("5 heartbeats with the broker gone took {} ms; dropped {}", ms, hb.droppedCount());
            assertThat(ms).as("send() must not block").isLessThan(2_000);
            assertThat(hb.droppedCount()).as("beyond %d pending, heartbeats are dropped", HeartbeatSender.MAX_PENDING)
                    .isGreaterThanOrEqualTo(5 - HeartbeatSender.MAX_PENDING);
            assertThat(registry.counter(UplinkMetrics.HEARTBEATS_DROPPED).getCount()).isEqualTo(hb.droppedCount());
            kafka.restart();
            // the ones still pending are delivered (or dropped after delivery.timeout.ms): each is counted once
            await().atMost(Duration.ofSeconds(45)).until(() -> hb.sentCount() + hb.droppedCount() == 6);
            // and, sent every 500 ms like the gateway does every few seconds, heartbeats flow again
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                hb.send(json);
                return hb.sentCount() >= 2;
            });
        }
    }

    /**
     * close() while the broker is gone mid-transaction returns in bounded time; a new forwarder over the same
     * buffer (hint reset, as after a crash) later completes the lane exactly once.
     */
    @Test
    void closeIsBoundedWithTheBrokerGoneAndANewForwarderResumes() {
        String topic = "out6.telemetry";
        kafka.createTopic(topic, 2, false);
        Ledger ledger = new Ledger("site-out6", "gw-1");
        MemoryLaneBuffer.Store store = MemoryLaneBuffer.Store.keepingReplicated();
        MemoryLaneBuffer first = MemoryLaneBuffer.unbounded("main", store);
        ledger.append(first, topic, 1_000, 5, 300);
        Forwarder f = forwarder(ledger, List.of(new Lane(first, 0)), settings(kafka.bootstrapServers()));
        f.start();
        awaitCommitted(f, Duration.ofSeconds(30), Map.of("main", store));
        awaitMarkersWritten(kafka.bootstrapServers(), "edge.checkpoints");
        kafka.kill();
        ledger.append(first, topic, 2_000, 5, 300);
        // wait until the forwarder is stuck sending to the dead broker, then close
        await().atMost(Duration.ofSeconds(10)).until(() -> f.status().recordsSent() == 1_000
                && first.backlog().records() == 2_000);
        long t0 = System.nanoTime();
        f.close();
        long closeMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("close() with the broker gone took {} ms", closeMs);
        assertThat(closeMs).isLessThan(16_000);
        f.close(); // idempotent

        store.forceReplicatedIndex(-1);
        kafka.restart();
        MemoryLaneBuffer second = MemoryLaneBuffer.unbounded("main", store);
        ledger.append(second, topic, 500, 5, 300);
        try (Forwarder g = forwarder(ledger, List.of(new Lane(second, 0)), settings(kafka.bootstrapServers()))) {
            g.start();
            awaitCommitted(g, Duration.ofSeconds(60), Map.of("main", store));
        }
        assertExactlyOnce(readCommitted(kafka.bootstrapServers(), topic), ledger);
    }
}
