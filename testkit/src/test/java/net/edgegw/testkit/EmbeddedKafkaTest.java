package net.edgegw.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One broker for the whole stop / restart / kill / restart story: starts are the expensive part. */
class EmbeddedKafkaTest {
    private static final Duration QUIET = Duration.ofMillis(700);

    @Test
    void committedDataSurvivesStopAndKillAndAnOpenTransactionIsAbortedByTheNextProducer(@TempDir Path dir)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            System.out.printf("EmbeddedKafka start: %d ms%n", kafka.lastStartDuration().toMillis());
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic("telemetry.test", 3, false);
            kafka.createTopic("edge.checkpoints", 1, true);
            KafkaReader committed = KafkaReader.readCommitted(bootstrap);

            try (KafkaProducer<byte[], byte[]> p = transactional(bootstrap, "lane-1")) {
                p.initTransactions();
                sendInTransaction(p, 0, 100, true);   // ids 0..99 committed
                sendInTransaction(p, 100, 10, false); // ids 100..109 aborted
                sendInTransaction(p, 110, 10, true);  // ids 110..119 committed
            }
            assertThat(committed.waitForCount("telemetry.test", 110, Duration.ofSeconds(20))).hasSize(110);
            assertCommittedIds(committed, 110);
            assertThat(KafkaReader.readUncommitted(bootstrap).readAll("telemetry.test", QUIET)).hasSize(120);
            assertThat(committed.readAll("edge.checkpoints", QUIET)).map(KafkaReader::value)
                    .containsExactly("position=100", "position=120");

            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            kafka.restart();
            System.out.printf("EmbeddedKafka restart after stop: %d ms%n", kafka.lastStartDuration().toMillis());
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            assertCommittedIds(committed, 110);

            // a transaction left open by a producer that dies together with the broker
            KafkaProducer<byte[], byte[]> doomed = transactional(bootstrap, "lane-1");
            doomed.initTransactions();
            sendInTransaction(doomed, 120, 10, true); // ids 120..129 committed
            doomed.beginTransaction();
            for (int i = 130; i < 135; i++) {
                doomed.send(record(i)).get();           // written to the log, never committed
            }
            kafka.kill();
            doomed.close(Duration.ZERO);
            kafka.restart();
            System.out.printf("EmbeddedKafka restart after kill: %d ms%n", kafka.lastStartDuration().toMillis());
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);

            // the next incarnation of the lane fences the old one, which aborts the open transaction
            try (KafkaProducer<byte[], byte[]> p = transactional(bootstrap, "lane-1")) {
                p.initTransactions();
                sendInTransaction(p, 135, 5, true);    // ids 135..139 committed
            }
            List<ConsumerRecord<byte[], byte[]>> all = committed.readAll("telemetry.test", QUIET);
            assertThat(KafkaReader.duplicates(all, KafkaReader::value)).isEmpty();
            assertThat(all).hasSize(110 + 10 + 5);
            assertThat(KafkaReader.countBy(all, KafkaReader::value)).doesNotContainKeys("id-100", "id-130");
            assertThat(KafkaReader.readUncommitted(bootstrap).readAll("telemetry.test", QUIET)).hasSize(140);
        }
    }

    @Test
    void sharedBrokerIsStartedOnceAndCreatesCompactedTopics() throws Exception {
        EmbeddedKafka shared = EmbeddedKafka.shared();
        assertThat(EmbeddedKafka.shared()).isSameAs(shared);
        shared.createTopic("compacted.one", 2, true);
        shared.createTopic("compacted.one", 2, true); // exists: no-op
        try (Admin admin = shared.admin()) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "compacted.one");
            Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
            assertThat(c.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of("compacted.one")).allTopicNames().get()
                    .get("compacted.one").partitions()).hasSize(2);
        }
        // auto-created topic, read back
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(shared.bootstrapServers()))) {
            p.send(new ProducerRecord<>("auto.created", "k".getBytes(StandardCharsets.UTF_8),
                    "v".getBytes(StandardCharsets.UTF_8))).get();
        }
        List<ConsumerRecord<byte[], byte[]>> got =
                KafkaReader.readCommitted(shared.bootstrapServers()).waitForCount("auto.created", 1, Duration.ofSeconds(10));
        assertThat(KafkaReader.key(got.get(0))).isEqualTo("k");
        assertThat(KafkaReader.readCommitted(shared.bootstrapServers()).readAll("no.such.topic", Duration.ofMillis(300)))
                .isEmpty();
    }

    private static void assertCommittedIds(KafkaReader reader, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = reader.readAll("telemetry.test", QUIET);
        assertThat(records).hasSize(expected);
        Map<String, Integer> counts = KafkaReader.countBy(records, KafkaReader::value);
        assertThat(counts).hasSize(expected).doesNotContainKey("id-100").containsKeys("id-0", "id-119");
    }

    private static void sendInTransaction(KafkaProducer<byte[], byte[]> p, int from, int n, boolean commit) {
        p.beginTransaction();
        for (int i = from; i < from + n; i++) {
            p.send(record(i));
        }
        p.send(new ProducerRecord<>("edge.checkpoints", "lane-1".getBytes(StandardCharsets.UTF_8),
                ("position=" + (from + n)).getBytes(StandardCharsets.UTF_8)));
        p.flush(); // abortTransaction() would drop batches not yet sent; the aborted records must reach the log
        if (commit) {
            p.commitTransaction();
        } else {
            p.abortTransaction();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(int i) {
        return new ProducerRecord<>("telemetry.test", ("site/host-" + (i % 7)).getBytes(StandardCharsets.UTF_8),
                ("id-" + i).getBytes(StandardCharsets.UTF_8));
    }

    private static KafkaProducer<byte[], byte[]> transactional(String bootstrap, String txId) {
        Properties p = producerProps(bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
        return new KafkaProducer<>(p);
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return p;
    }
}
