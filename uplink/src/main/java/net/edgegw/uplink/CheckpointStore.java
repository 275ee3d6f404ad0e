package net.edgegw.uplink;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Reads and places lane checkpoints in the compacted checkpoints topic, and creates that topic.
 *
 * <p>Placement: a checkpoint goes to an explicit partition, {@code toPositive(murmur2(key)) % partitions} (the
 * same function as Kafka's default partitioner for keyed records), so writer and reader agree. The partition
 * count of the checkpoints topic must therefore never change (like {@code __consumer_offsets}).
 *
 * <p>Reading ({@link #readLatest}): the caller has just run {@code initTransactions()} for the lane, so its own
 * last transaction is complete (committed or aborted). The reader takes the partition's high watermark, waits
 * until the last stable offset has reached it (transactions of other gateways that were open at that moment
 * finish or time out; without this wait a committed checkpoint behind another producer's open transaction would
 * be invisible and an old one would be taken), then scans backwards from the end in growing windows with a
 * {@code read_committed} consumer until it finds the newest record with the lane's key.
 *
 * <p>Used by the forwarder thread only; {@link #close()} may be called from another thread.
 */
final class CheckpointStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final int FIRST_WINDOW = 256;
    /** How long to wait for other producers' open transactions on the checkpoint partition. */
    static final Duration LSO_WAIT = Duration.ofMillis(KafkaClients.TRANSACTION_TIMEOUT_MS + 30_000L);

    private final UplinkSettings settings;
    private final String clientIdPrefix;
    private final BooleanSupplier closing;
    private final Sleeper sleeper;
    private volatile Admin admin;
    private boolean topicChecked;

    CheckpointStore(UplinkSettings settings, String clientIdPrefix, BooleanSupplier closing, Sleeper sleeper) {
        this.settings = settings;
        this.clientIdPrefix = clientIdPrefix;
        this.closing = closing;
        this.sleeper = sleeper;
    }

    String topic() {
        return settings.checkpointsTopic();
    }

    /** The partition of a checkpoint key among {@code partitions}. */
    static int partitionFor(String key, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1");
        }
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Looks for and ends a hang of the caller's own transaction on a held-back checkpoint partition. */
    @FunctionalInterface
    interface HangResolver {
        /** Whether something was aborted (then the stable offset is read again at once). */
        boolean resolve(TopicPartition tp) throws InterruptedException;
    }

    /** How long the stable offset must stay behind before the caller's own hang is looked for, and how often. */
    static final long HANG_CHECK_AFTER_MS = 2_000;
    static final long HANG_CHECK_EVERY_MS = 10_000;

    Admin admin() {
        Admin a = admin;
        if (a == null) {
            a = Admin.create(KafkaClients.admin(settings, clientIdPrefix + "-admin"));
            admin = a;
        }
        return a;
    }

    /**
     * Creates the checkpoints topic (compacted) unless it exists; done once. If creating is not permitted, warns
     * once and carries on (the topic must then be created by an operator). Throws on timeouts (retried by the
     * caller).
     */
    void ensureTopic() throws InterruptedException {
        if (topicChecked) {
            return;
        }
        String topic = topic();
        NewTopic nt = new NewTopic(topic, Optional.empty(), Optional.empty()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                // keep the uncompacted tail short: a checkpoint read scans it backwards
                TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024),
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1"));
        try {
            admin().createTopics(List.of(nt)).all().get(KafkaClients.MAX_BLOCK_MS, TimeUnit.MILLISECONDS);
            LOG.info("created compacted checkpoints topic {}", topic);
            topicChecked = true;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof TopicExistsException) {
                topicChecked = true;
                warnIfNotCompacted(topic);
            } else if (c instanceof AuthorizationException || c instanceof UnsupportedVersionException
                    || c instanceof PolicyViolationException) {
                topicChecked = true;
                LOG.warn("cannot create the checkpoints topic {} ({}: {}); carrying on. If it does not exist, an "
                        + "operator must create it with cleanup.policy=compact (and never change its partition "
                        + "count)", topic, c.getClass().getSimpleName(), c.getMessage());
            } else if (c instanceof RuntimeException re) {
                throw re;
            } else {
                throw new IllegalStateException("creating " + topic + " failed: " + c, c);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("timed out creating the checkpoints topic " + topic);
        }
    }

    private void warnIfNotCompacted(String topic) throws InterruptedException {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config cfg = admin().describeConfigs(List.of(r)).all()
                    .get(KafkaClients.MAX_BLOCK_MS, TimeUnit.MILLISECONDS).get(r);
            var policy = cfg == null ? null : cfg.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy != null && !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                LOG.warn("checkpoints topic {} has cleanup.policy={}, expected compact: old checkpoints are never "
                        + "cleaned up and may expire by retention", topic, policy.value());
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("cannot check the config of {}: {}", topic, e.toString());
        }
    }

    /**
     * The newest committed checkpoint with {@code key} in {@code partition} of the checkpoints topic, or empty if
     * there is none (or the newest record of the key is a tombstone).
     *
     * @throws IllegalStateException if the newest record of the key is not a checkpoint of this lane
     */
    Optional<Checkpoint> readLatest(int partition, String key, String site, String gateway, String lane,
                                    HangResolver hangs) throws InterruptedException, ExecutionException {
        TopicPartition tp = new TopicPartition(topic(), partition);
        long hw = offset(tp, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
        long lso = waitForStable(tp, hw, hangs);
        long begin = offset(tp, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + LSO_WAIT.toNanos();
        String clientId = clientIdPrefix + "-checkpoint-" + KafkaClients.idPart(lane);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.checkpointConsumer(settings, clientId))) {
            consumer.assign(List.of(tp));
            long end = lso;
            long window = FIRST_WINDOW;
            while (end > begin) {
                long start = Math.max(begin, end - window);
                consumer.seek(tp, start);
                ConsumerRecord<byte[], byte[]> found = null;
                while (consumer.position(tp) < end) {
                    if (closing.getAsBoolean()) {
                        throw new ClosingException();
                    }
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException("reading the checkpoint of " + key + " from " + tp
                                + " took longer than " + LSO_WAIT.toSeconds() + " s");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                        if (r.offset() < end && Arrays.equals(r.key(), keyBytes)) {
                            found = r; // ascending offsets: the last match is the newest
                        }
                    }
                }
                if (found != null) {
                    if (found.value() == null) {
                        LOG.info("checkpoint of {} was deleted (tombstone at {}@{})", key, tp, found.offset());
                        return Optional.empty();
                    }
                    Checkpoint cp = Checkpoint.fromJson(found.value());
                    if (!cp.site().equals(site) || !cp.gateway().equals(gateway) || !cp.lane().equals(lane)) {
                        throw new IllegalStateException("checkpoint at " + tp + "@" + found.offset() + " with key "
                                + key + " names another lane: " + cp);
                    }
                    LOG.debug("checkpoint of {} found at {}@{}: index {}", key, tp, found.offset(), cp.index());
                    return Optional.of(cp);
                }
                end = start;
                window = Math.min(window * 4, 1L << 40);
            }
        }
        return Optional.empty();
    }

    private long waitForStable(TopicPartition tp, long hw, HangResolver hangs)
            throws InterruptedException, ExecutionException {
        long start = System.nanoTime();
        long deadline = start + LSO_WAIT.toNanos();
        long nextHangCheck = start + TimeUnit.MILLISECONDS.toNanos(HANG_CHECK_AFTER_MS);
        boolean logged = false;
        while (true) {
            long lso = offset(tp, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
            if (lso >= hw) {
                return lso;
            }
            if (!logged) {
                LOG.info("waiting for open transactions of other producers on {} (stable offset {} < {})", tp, lso,
                        hw);
                logged = true;
            }
            if (hangs != null && System.nanoTime() >= nextHangCheck) {
                nextHangCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANG_CHECK_EVERY_MS);
                if (hangs.resolve(tp)) {
                    continue;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("open transactions on " + tp + " did not finish within "
                        + LSO_WAIT.toSeconds() + " s (stable offset " + lso + " < " + hw + "; " + holders(tp)
                        + "). If one stays open for longer than transaction.max.timeout.ms it hangs (KIP-664): an "
                        + "operator can find and abort it with kafka-transactions.sh find-hanging / abort");
            }
            if (!sleeper.sleep(100)) {
                throw new ClosingException();
            }
        }
    }

    /** Who holds the stable offset of {@code tp} back, for a timeout message; never throws. */
    private String holders(TopicPartition tp) {
        try {
            return "open: " + admin().describeProducers(List.of(tp)).partitionResult(tp)
                    .get(KafkaClients.MAX_BLOCK_MS, TimeUnit.MILLISECONDS).activeProducers().stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent())
                    .map(p -> "producer " + p.producerId() + " epoch " + p.producerEpoch() + " from offset "
                            + p.currentTransactionStartOffset().getAsLong())
                    .toList();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "producers unknown: " + e;
        }
    }

    private long offset(TopicPartition tp, OffsetSpec spec, IsolationLevel level)
            throws InterruptedException, ExecutionException {
        try {
            return admin().listOffsets(Map.of(tp, spec), new ListOffsetsOptions(level)).partitionResult(tp)
                    .get(KafkaClients.MAX_BLOCK_MS, TimeUnit.MILLISECONDS).offset();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("timed out listing offsets of " + tp);
        }
    }

    @Override
    public void close() {
        Admin a = admin;
        admin = null;
        if (a != null) {
            a.close(Duration.ofSeconds(1));
        }
    }
}
