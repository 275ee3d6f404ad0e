package net.edgegw.aggregator.topology;

import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.TopologyEntry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes validated topology entries to the compacted topology topic (key = site, value = {@link TopologyEntry} JSON,
 * a tombstone removes a site): reads the topic's current contents first, then produces only new and changed sites,
 * plus tombstones for the sites missing from the file when pruning, with an idempotent producer, and flushes.
 * One instance per command run; not thread-safe.
 */
public final class TopologyLoader {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyLoader.class);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    /** What a load does (or, dry, would do). */
    public record Plan(boolean createTopic, List<TopologyEntry> added, List<TopologyEntry> changed, int unchanged,
                       List<String> pruned) {
        public int writes() {
            return added.size() + changed.size() + pruned.size();
        }
    }

    private final Map<String, Object> clientProps;
    private final String topic;

    /** @param clientProps bootstrap servers and security settings (no serializers) */
    public TopologyLoader(Map<String, Object> clientProps, String topic) {
        this.clientProps = Map.copyOf(clientProps);
        this.topic = topic;
    }

    /** Computes the plan against the topic's current contents without writing anything (the topic may be missing). */
    public Plan plan(List<TopologyEntry> entries, boolean prune) {
        boolean exists;
        try (Admin admin = Admin.create(clientProps)) {
            exists = TopicBootstrap.exists(admin, topic);
        }
        Map<String, TopologyEntry> current = exists ? readCurrent() : Map.of();
        return diff(!exists, entries, current, prune);
    }

    /** Creates the topic if missing, then writes the plan; returns it once every write is acknowledged. */
    public Plan load(List<TopologyEntry> entries, boolean prune) {
        boolean created;
        try (Admin admin = Admin.create(clientProps)) {
            created = TopicBootstrap.ensureCompacted(admin, topic);
        }
        Plan plan = diff(created, entries, created ? Map.of() : readCurrent(), prune);
        write(plan);
        return plan;
    }

    static Plan diff(boolean createTopic, List<TopologyEntry> entries, Map<String, TopologyEntry> current,
                     boolean prune) {
        List<TopologyEntry> added = new ArrayList<>();
        List<TopologyEntry> changed = new ArrayList<>();
        int unchanged = 0;
        TreeSet<String> inFile = new TreeSet<>();
        for (TopologyEntry e : entries) {
            inFile.add(e.site());
            if (!current.containsKey(e.site())) {
                added.add(e);
            } else if (e.equals(current.get(e.site()))) {
                unchanged++;
            } else {
                changed.add(e);
            }
        }
        List<String> pruned = new ArrayList<>();
        if (prune) {
            new TreeSet<>(current.keySet()).stream().filter(s -> !inFile.contains(s)).forEach(pruned::add);
        }
        return new Plan(createTopic, List.copyOf(added), List.copyOf(changed), unchanged, List.copyOf(pruned));
    }

    /** The compacted view of the topic: site -> latest entry (a tombstone removes; an unreadable value maps to null). */
    Map<String, TopologyEntry> readCurrent() {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, TopologyEntry> current = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : c.partitionsFor(topic, READ_TIMEOUT)) {
                parts.add(new TopicPartition(topic, pi.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp, READ_TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading the current contents of " + topic);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        current.remove(r.key());
                    } else {
                        current.put(r.key(), parse(r));
                    }
                }
            }
        }
        return current;
    }

    private static TopologyEntry parse(ConsumerRecord<String, byte[]> r) {
        try {
            return HealthJson.MAPPER.readValue(r.value(), TopologyEntry.class);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}-{}@{}: value for site {} is not a topology entry; it will be replaced", r.topic(),
                    r.partition(), r.offset(), r.key());
            return null;
        }
    }

    private void write(Plan plan) {
        if (plan.writes() == 0) {
            return;
        }
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cloud-aggregator-topology-load");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (TopologyEntry e : plan.added()) {
                sent.add(producer.send(new ProducerRecord<>(topic, e.site(), json(e))));
            }
            for (TopologyEntry e : plan.changed()) {
                sent.add(producer.send(new ProducerRecord<>(topic, e.site(), json(e))));
            }
            for (String site : plan.pruned()) {
                sent.add(producer.send(new ProducerRecord<>(topic, site, null)));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("writing to " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out writing to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing to " + topic, e);
        }
    }

    static byte[] json(TopologyEntry e) {
        try {
            return HealthJson.MAPPER.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot write topology entry " + e.site(), ex);
        }
    }
}
