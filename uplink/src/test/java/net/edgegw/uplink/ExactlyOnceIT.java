package net.edgegw.uplink;

import net.edgegw.storeforward.MemoryLaneBuffer;
import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.core.SourceKind;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static net.edgegw.uplink.ItSupport.Ledger;
import static net.edgegw.uplink.ItSupport.assertExactlyOnce;
import static net.edgegw.uplink.ItSupport.awaitCommitted;
import static net.edgegw.uplink.ItSupport.forwarder;
import static net.edgegw.uplink.ItSupport.lane;
import static net.edgegw.uplink.ItSupport.readCommitted;
import static net.edgegw.uplink.ItSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Exactly-once against a real broker: the happy path, restarts with the local hint behind, and zombie fencing. */
class ExactlyOnceIT {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceIT.class);

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        LOG.info("broker up in {} ms", kafka.lastStartDuration().toMillis());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** (1) Two lanes, a 3-partition topic: every id exactly once, right key/headers/value, per-key order. */
    @Test
    void twoLanesEveryRecordExactlyOnce() {
        String topic = "eo1.telemetry";
        kafka.createTopic(topic, 3, false);
        Ledger ledger = new Ledger("site-eo1", "gw-1");
        MemoryLaneBuffer alarms = ItSupport.buffer("alarms");
        MemoryLaneBuffer bulk = ItSupport.buffer("bulk");
        ledger.append(alarms, topic, 2_000, 7, 400);
        ledger.append(bulk, topic, 6_000, 11, 400);
        try (Forwarder f = forwarder(ledger, List.of(new Lane(bulk, 1), new Lane(alarms, 0)),
                settings(kafka.bootstrapServers()))) {
            f.start();
            // records appended while running are forwarded too
            ledger.append(alarms, topic, 500, 7, 400);
            ledger.append(bulk, topic, 500, 11, 400);
            awaitCommitted(f, Duration.ofSeconds(60), Map.of("alarms", alarms.store(), "bulk", bulk.store()));
            UplinkStatus st = f.status();
            assertThat(st.state()).isEqualTo(UplinkState.UP);
            assertThat(st.recordsSent()).isEqualTo(9_000);
            assertThat(st.lastCommit()).isNotNull();
            assertThat(alarms.replicatedIndex()).isEqualTo(2_499);
            assertThat(bulk.replicatedIndex()).isEqualTo(6_499);
        }
        assertExactlyOnce(readCommitted(kafka.bootstrapServers(), topic), ledger);
    }

    /**
     * (3a) A restart with the local hint behind the Kafka checkpoint (the hint reset to -1, as if markReplicated
     * had never been persisted): the new forwarder resumes from Kafka's checkpoint and re-sends nothing.
     */
    @Test
    void restartResumesFromKafkaCheckpointNotFromTheHint() {
        String topic = "eo3a.telemetry";
        kafka.createTopic(topic, 2, false);
        Ledger ledger = new Ledger("site-eo3a", "gw-1");
        MemoryLaneBuffer.Store store = MemoryLaneBuffer.Store.keepingReplicated();
        MemoryLaneBuffer first = MemoryLaneBuffer.unbounded("main", store);
        ledger.append(first, topic, 3_000, 5, 300);
        try (Forwarder f = forwarder(ledger, List.of(new Lane(first, 0)), settings(kafka.bootstrapServers()))) {
            f.start();
            awaitCommitted(f, Duration.ofSeconds(60), Map.of("main", store));
        }
        first.close();

        store.forceReplicatedIndex(-1); // the hint is lost / behind
        MemoryLaneBuffer second = MemoryLaneBuffer.unbounded("main", store);
        ledger.append(second, topic, 1_000, 5, 300);
        try (Forwarder f = forwarder(ledger, List.of(new Lane(second, 0)), settings(kafka.bootstrapServers()))) {
            f.start();
            awaitCommitted(f, Duration.ofSeconds(60), Map.of("main", store));
            assertThat(f.status().recordsSent()).as("only the new records were sent").isEqualTo(1_000);
        }
        assertThat(store.replicated()).isEqualTo(3_999);
        assertExactlyOnce(readCommitted(kafka.bootstrapServers(), topic), ledger);
    }

    /**
     * (3b) A second forwarder with the same ids starts while the first is mid-transaction (slow: bandwidth-capped)
     * and the hint is behind: the second fences the first (whose open transaction is aborted), resumes from the
     * Kafka checkpoint, and the first stops. Nothing lost, nothing twice.
     */
    @Test
    void secondInstanceFencesTheFirstMidTransaction() {
        String topic = "eo3b.telemetry";
        kafka.createTopic(topic, 1, false);
        Ledger ledger = new Ledger("site-eo3b", "gw-1");
        MemoryLaneBuffer.Store store = MemoryLaneBuffer.Store.keepingReplicated();
        MemoryLaneBuffer bufA = MemoryLaneBuffer.unbounded("main", store);
        ledger.append(bufA, topic, 3_000, 5, 400);
        // ~25 records/s: each transaction of A takes seconds, so A is nearly always mid-transaction
        Forwarder a = forwarder(ledger, List.of(new Lane(bufA, 0)),
                settings(kafka.bootstrapServers()).withBandwidth(10_000));
        Forwarder b = null;
        try {
            a.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> lane(a, "main").committedIndex() >= 0);
            long committedByA = lane(a, "main").committedIndex();
            store.forceReplicatedIndex(-1);

            MemoryLaneBuffer bufB = MemoryLaneBuffer.unbounded("main", store);
            b = forwarder(ledger, List.of(new Lane(bufB, 0)), settings(kafka.bootstrapServers()));
            b.start();
            Forwarder fb = b;
            awaitCommitted(fb, Duration.ofSeconds(60), Map.of("main", store));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                UplinkStatus.LaneStatus la = lane(a, "main");
                assertThat(la.stopped()).isTrue();
                assertThat(la.state()).isEqualTo(UplinkState.DOWN);
                assertThat(la.lastError()).contains("fenced");
            });
            assertThat(a.status().state()).isEqualTo(UplinkState.DOWN);
            assertThat(lane(b, "main").stopped()).isFalse();
            LOG.info("A committed up to {} before B took over; B sent {}", committedByA, b.status().recordsSent());
        } finally {
            long t0 = System.nanoTime();
            a.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("close of the fenced forwarder")
                    .isLessThan(Duration.ofSeconds(25));
            if (b != null) {
                b.close();
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(kafka.bootstrapServers(), topic);
        assertExactlyOnce(records, ledger);
    }

    /**
     * A record the broker refuses (too large) at the head of the high lane is never skipped: that lane retries
     * with back-off and reports the error, while the lower lane is held back only for the starvation grace
     * (10 s with the test back-off) and then drains.
     */
    @Test
    void refusedRecordIsNotSkippedAndDoesNotStarveLowerLanes() {
        String topic = "eo4.telemetry";
        kafka.createTopic(topic, 1, false);
        Ledger ledger = new Ledger("site-eo4", "gw-1");
        MemoryLaneBuffer high = ItSupport.buffer("high");
        MemoryLaneBuffer low = ItSupport.buffer("low");
        byte[] huge = ("{\"x\":\"" + "y".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        high.append(new BufferedRecord(topic, "site-eo4/big".getBytes(StandardCharsets.UTF_8), SourceKind.TCP, 0,
                huge), Duration.ZERO);
        ledger.append(low, topic, 500, 3, 300);
        long t0 = System.nanoTime();
        try (Forwarder f = forwarder(ledger, List.of(new Lane(high, 0), new Lane(low, 1)),
                settings(kafka.bootstrapServers()))) {
            f.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> lane(f, "high").state() == UplinkState.DOWN);
            // a record after the refused one must not overtake it (it is not in the ledger: it must not arrive)
            high.append(ItSupport.record("site-eo4", "gw-1", topic, "after", 300), Duration.ZERO);
            awaitCommitted(f, Duration.ofSeconds(60), Map.of("low", low.store()));
            LOG.info("low lane drained {} ms after start while the high lane was refused",
                    (System.nanoTime() - t0) / 1_000_000);
            UplinkStatus.LaneStatus h = lane(f, "high");
            assertThat(h.committedIndex()).as("the refused record is not skipped").isEqualTo(-1);
            assertThat(h.state()).isEqualTo(UplinkState.DOWN);
            assertThat(h.lastError()).contains("RecordTooLarge");
            assertThat(f.status().state()).isEqualTo(UplinkState.DOWN);
        }
        // only the low lane's records arrived; nothing of the high lane (its head is refused, order is kept)
        assertExactlyOnce(readCommitted(kafka.bootstrapServers(), topic), ledger);
    }

    /**
     * The buffer directory is lost (a fresh, empty buffer under the same lane): once the forwarder has read the
     * Kafka checkpoint it makes the buffer hand out indexes above it, so new records get new ids and are sent, not
     * skipped as "already committed".
     */
    @Test
    void lostBufferDirectoryDoesNotReuseIdsOrSkipNewRecords() {
        String topic = "eo5.telemetry";
        kafka.createTopic(topic, 1, false);
        Ledger ledger = new Ledger("site-eo5", "gw-1");
        MemoryLaneBuffer first = ItSupport.buffer("main");
        ledger.append(first, topic, 1_000, 3, 300);
        try (Forwarder f = forwarder(ledger, List.of(new Lane(first, 0)), settings(kafka.bootstrapServers()))) {
            f.start();
            awaitCommitted(f, Duration.ofSeconds(60), Map.of("main", first.store()));
        }
        MemoryLaneBuffer fresh = ItSupport.buffer("main"); // new store: no records, hint -1
        try (Forwarder f = forwarder(ledger, List.of(new Lane(fresh, 0)), settings(kafka.bootstrapServers()))) {
            f.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> lane(f, "main").committedIndex() == 999);
            ledger.append(fresh, topic, 500, 3, 300);
            assertThat(fresh.store().lastIndex()).isEqualTo(1_499);
            awaitCommitted(f, Duration.ofSeconds(60), Map.of("main", fresh.store()));
        }
        assertExactlyOnce(readCommitted(kafka.bootstrapServers(), topic), ledger);
    }

    /**
     * Another gateway's transaction is open on the checkpoint partition, below this lane's newest checkpoint (so
     * a read_committed read stops short of it): a restart with the hint lost waits for the other transaction to
     * finish instead of taking an older checkpoint, and re-sends nothing.
     */
    @Test
    void checkpointBehindAnotherGatewaysOpenTransactionIsNotMissed() throws Exception {
        String topic = "eo6.telemetry";
        kafka.createTopic(topic, 1, false);
        Ledger ledger = new Ledger("site-eo6", "gw-1");
        MemoryLaneBuffer.Store store = MemoryLaneBuffer.Store.keepingReplicated();
        MemoryLaneBuffer first = MemoryLaneBuffer.unbounded("main", store);
        ledger.append(first, topic, 500, 3, 300);
        UplinkSettings s = settings(kafka.bootstrapServers());
        Map<String, Object> otherConfig = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "transactional.id", "another-gateway", "key.serializer",
                org.apache.kafka.common.serialization.ByteArraySerializer.class,
                "value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
        try (Forwarder f = forwarder(ledger, List.of(new Lane(first, 0)), s);
             org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> other =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(otherConfig)) {
            f.start();
            awaitCommitted(f, Duration.ofSeconds(30), Map.of("main", store));
            int partitions = other.partitionsFor(s.checkpointsTopic()).size();
            int partition = CheckpointStore.partitionFor(Checkpoint.key("site-eo6", "gw-1", "main"), partitions);
            other.initTransactions();
            other.beginTransaction();
            other.send(new org.apache.kafka.clients.producer.ProducerRecord<>(s.checkpointsTopic(), partition,
                    "site-x/gw-x/main".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8)))
                    .get();
            ledger.append(first, topic, 500, 3, 300); // committed after the other's open record
            awaitCommitted(f, Duration.ofSeconds(30), Map.of("main", store));
            f.close();

            store.forceReplicatedIndex(-1);
            MemoryLaneBuffer second = MemoryLaneBuffer.unbounded("main", store);
            try (Forwarder g = forwarder(ledger, List.of(new Lane(second, 0)), s)) {
                g.start();
                Thread.sleep(3_000); // the other gateway's transaction stays open a while (not an assertion)
                assertThat(lane(g, "main").committedIndex()).as("still waiting, not resumed from an old checkpoint")
                        .isEqualTo(-1);
                other.commitTransaction();
                await().atMost(Duration.ofSeconds(30)).until(() -> lane(g, "main").committedIndex() == 999);
                ledger.append(second, topic, 100, 3, 300);
                awaitCommitted(g, Duration.ofSeconds(30), Map.of("main", store));
                assertThat(g.status().recordsSent()).isEqualTo(100);
            }
        }
        assertExactlyOnce(readCommitted(kafka.bootstrapServers(), topic), ledger);
    }
}
