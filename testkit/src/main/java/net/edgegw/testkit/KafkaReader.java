package net.edgegw.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic from the beginning, the way a downstream consumer would see it, for assertions in tests.
 *
 * <p>Each read uses its own short-lived consumer with manual partition assignment (no consumer group, nothing
 * committed), {@code isolation.level=read_committed} by default, and {@code allow.auto.create.topics=false}
 * so reading never creates a topic. A missing topic is waited for until the read's deadline.
 *
 * <p>Thread-safety: instances are immutable and thread-safe; concurrent reads use separate consumers.
 */
public final class KafkaReader {
    /** Upper bound for {@link #readAll(String, Duration)} when a topic keeps growing. */
    private static final Duration READ_ALL_CAP = Duration.ofMinutes(5);

    private final String bootstrapServers;
    private final boolean readCommitted;
    private final Map<String, Object> extra;

    private KafkaReader(String bootstrapServers, boolean readCommitted, Map<String, Object> extra) {
        this.bootstrapServers = bootstrapServers;
        this.readCommitted = readCommitted;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** A reader that sees committed records only ({@code read_committed}). */
    public static KafkaReader readCommitted(String bootstrapServers) {
        return new KafkaReader(bootstrapServers, true, Map.of());
    }

    /** A reader that also sees records of open and aborted transactions ({@code read_uncommitted}). */
    public static KafkaReader readUncommitted(String bootstrapServers) {
        return new KafkaReader(bootstrapServers, false, Map.of());
    }

    /** A copy of this reader with one more consumer property (e.g. {@code max.partition.fetch.bytes}). */
    public KafkaReader with(String consumerProperty, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(extra);
        m.put(consumerProperty, value);
        return new KafkaReader(bootstrapServers, readCommitted, m);
    }

    /**
     * Reads {@code topic} from the beginning until no new record arrived for {@code quiet} and the reader has
     * reached the end of every partition (for {@code read_committed}: the last stable offset). Gives up
     * waiting for a missing topic after {@code quiet}; stops after 5 minutes in any case.
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Duration quiet) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        read(topic, Long.MAX_VALUE, quiet, READ_ALL_CAP, out::add);
        return out;
    }

    /**
     * Reads {@code topic} from the beginning until at least {@code max} records were seen or {@code timeout}
     * passed, whichever comes first; returns what it saw (possibly fewer than {@code max}, possibly a few
     * more: the last poll's batch is kept whole).
     */
    public List<ConsumerRecord<byte[], byte[]>> read(String topic, int max, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        read(topic, max, null, timeout, out::add);
        return out;
    }

    /**
     * Like {@link #read(String, int, Duration)} but fails with an {@link AssertionError} naming the count seen
     * if fewer than {@code n} records arrive within {@code timeout}.
     */
    public List<ConsumerRecord<byte[], byte[]>> waitForCount(String topic, int n, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = read(topic, n, timeout);
        if (out.size() < n) {
            throw new AssertionError("expected at least " + n + " records in " + topic + " within " + timeout
                    + " (" + (readCommitted ? "read_committed" : "read_uncommitted") + "), saw " + out.size() + "; "
                    + offsetsReport(topic));
        }
        return out;
    }

    /**
     * Per partition of {@code topic}: the end offset, the last stable offset and, where a transaction holds the
     * stable offset back, the producers with an open transaction (id, epoch, first offset). Tells "nothing was
     * written" from "written but not committed" (an open or hanging transaction) in a failure message. Never throws.
     */
    public String offsetsReport(String topic) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        StringBuilder sb = new StringBuilder(topic).append(" offsets:");
        try (Admin admin = Admin.create(c)) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            var end = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(10, TimeUnit.SECONDS);
            for (TopicPartition tp : latest.keySet()) {
                long e = end.get(tp).offset();
                long s = stable.get(tp).offset();
                sb.append(' ').append(tp.partition()).append(": end ").append(e).append(" stable ").append(s);
                if (s < e) {
                    sb.append(" open transactions ").append(admin.describeProducers(List.of(tp)).partitionResult(tp)
                            .get(10, TimeUnit.SECONDS).activeProducers().stream()
                            .filter(ps -> ps.currentTransactionStartOffset().isPresent())
                            .map(ps -> "producer " + ps.producerId() + " epoch " + ps.producerEpoch() + " from "
                                    + ps.currentTransactionStartOffset().getAsLong())
                            .toList());
                }
                sb.append(';');
            }
        } catch (Exception e) {
            sb.append(" unavailable (").append(e).append(')');
        }
        return sb.toString();
    }

    /**
     * Streams {@code topic} from the beginning to {@code visitor} without keeping the records, with the
     * stop rules of {@link #readAll(String, Duration)}; returns the number of records visited. For topics
     * too big to hold in memory.
     */
    public long scan(String topic, Duration quiet, Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
        return read(topic, Long.MAX_VALUE, quiet, READ_ALL_CAP, visitor);
    }

    private long read(String topic, long max, Duration quiet, Duration timeout,
                      Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long topicDeadline = quiet == null ? deadline : Math.min(deadline, start + quiet.toNanos());
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config())) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, topicDeadline);
            if (partitions.isEmpty()) {
                return 0;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lastProgress = System.nanoTime();
            while (seen < max) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                if (quiet != null && now - lastProgress >= quiet.toNanos() && caughtUp(consumer, partitions)) {
                    break;
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (!batch.isEmpty()) {
                    lastProgress = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        visitor.accept(r);
                        seen++;
                    }
                }
            }
        }
        return seen;
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        try {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(5));
            for (TopicPartition tp : partitions) {
                if (consumer.position(tp, Duration.ofSeconds(5)) < end.get(tp)) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            // broker unreachable right now: keep polling until the deadline
            return false;
        }
    }

    private static List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                                        long deadline) {
        while (true) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofMillis(500));
                if (infos != null && !infos.isEmpty()) {
                    List<TopicPartition> tps = new ArrayList<>();
                    for (PartitionInfo pi : infos) {
                        tps.add(new TopicPartition(pi.topic(), pi.partition()));
                    }
                    return tps;
                }
            } catch (RuntimeException e) {
                // unknown topic or broker down: retry until the deadline
            }
            if (System.nanoTime() >= deadline) {
                return List.of();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }

    private Properties config() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "testkit-reader");
        p.putAll(extra);
        return p;
    }

    // ---- helpers for assertions ------------------------------------------------------------------------------

    /**
     * Counts records by a key derived from each record, in first-seen order; e.g.
     * {@code countBy(records, r -> KafkaReader.header(r, "edge.id"))}. A null key is counted as "null".
     */
    public static Map<String, Integer> countBy(List<ConsumerRecord<byte[], byte[]>> records,
                                               Function<ConsumerRecord<byte[], byte[]>, String> key) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            counts.merge(String.valueOf(key.apply(r)), 1, Integer::sum);
        }
        return counts;
    }

    /** The keys of {@link #countBy} that occur more than once, with their counts; empty if no duplicates. */
    public static Map<String, Integer> duplicates(List<ConsumerRecord<byte[], byte[]>> records,
                                                  Function<ConsumerRecord<byte[], byte[]>, String> key) {
        Map<String, Integer> dups = new LinkedHashMap<>();
        countBy(records, key).forEach((k, n) -> {
            if (n > 1) {
                dups.put(k, n);
            }
        });
        return dups;
    }

    /** The record's key as UTF-8, or null. */
    public static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    /** The record's value as UTF-8, or null. */
    public static String value(ConsumerRecord<byte[], byte[]> r) {
        return r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
    }

    /** The last header of that name as UTF-8, or null. */
    public static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
