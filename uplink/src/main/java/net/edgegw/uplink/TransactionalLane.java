package net.edgegw.uplink;

import com.codahale.metrics.Counter;
import net.edgegw.storeforward.LaneReader;
import net.edgegw.storeforward.StoredRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Exactly-once uplink of one lane (the KIP-618 pattern of Kafka Connect's exactly-once source tasks): one
 * transactional producer with the stable {@code transactional.id = edge.<site>.<gateway>.<lane>}; each
 * transaction carries one batch of the lane plus one checkpoint record naming the batch's last index, so records
 * and position commit atomically. Kafka's checkpoint is the truth on every (re)start; the buffer's replicated
 * index is a hint.
 */
final class TransactionalLane extends LaneWorker {

    private final CheckpointStore checkpoints;
    private final String transactionalId;
    private final String checkpointKey;
    private final byte[] checkpointKeyBytes;
    private final long transactionTimeoutMs;
    private final Counter hangsAborted;
    /** Looks for hangs of every lane of this gateway (they may share a checkpoint partition, and the forwarder
     * thread recovers one lane at a time); this lane's own until {@link #resolveHangsWith} is called. */
    private CheckpointStore.HangResolver hangResolver;
    private int checkpointPartition = -1;
    private boolean txnOpen;
    private long txnStartedNanos;

    TransactionalLane(Lane lane, String site, String gateway, UplinkSettings settings, Clock clock,
                      TokenBucket bucket, long bufferMemory, CheckpointStore checkpoints, Counter hangsAborted) {
        super(lane, site, gateway, settings, clock, bucket, bufferMemory);
        this.checkpoints = checkpoints;
        this.hangsAborted = hangsAborted;
        this.transactionalId = "edge." + site + "." + gateway + "." + name;
        this.checkpointKey = Checkpoint.key(site, gateway, name);
        this.checkpointKeyBytes = checkpointKey.getBytes(StandardCharsets.UTF_8);
        Object timeout = KafkaClients.transactionalProducer(settings, clientId, transactionalId, bufferMemory)
                .get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        this.transactionTimeoutMs = Long.parseLong(String.valueOf(timeout));
    }

    /** Set by the forwarder before it starts: {@code resolver} looks for hangs of every lane of the gateway. */
    void resolveHangsWith(CheckpointStore.HangResolver resolver) {
        this.hangResolver = resolver;
    }

    /**
     * How long the open transaction has been open (0 if none). An epoch error on a transaction younger than the
     * transaction timeout cannot come from the coordinator timing it out: another producer with this
     * transactional.id has started, and this one is the zombie.
     */
    long transactionAgeMs() {
        return txnOpen ? (System.nanoTime() - txnStartedNanos) / 1_000_000L : 0;
    }

    long transactionTimeoutMs() {
        return transactionTimeoutMs;
    }

    String transactionalId() {
        return transactionalId;
    }

    @Override
    boolean transactionOpen() {
        return txnOpen;
    }

    @Override
    void clearTransaction() {
        txnOpen = false;
    }

    /** Creates the producer and runs {@code initTransactions()}: fences any older producer with this id and
     * completes (commits if prepared, else aborts) its last transaction. */
    @Override
    void connect() {
        Producer<byte[], byte[]> p = new KafkaProducer<>(
                KafkaClients.transactionalProducer(settings, clientId, transactionalId, bufferMemory));
        try {
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(java.time.Duration.ZERO);
            throw e;
        }
        useProducer(p);
        txnOpen = false;
    }

    /** Reads this lane's newest committed checkpoint and positions the reader after it. */
    @Override
    void resume() throws Exception {
        checkpoints.ensureTopic();
        List<PartitionInfo> parts = producer().partitionsFor(checkpoints.topic());
        if (parts == null || parts.isEmpty()) {
            throw new KafkaException("no partitions known for " + checkpoints.topic());
        }
        checkpointPartition = CheckpointStore.partitionFor(checkpointKey, parts.size());
        Optional<Checkpoint> cp = checkpoints.readLatest(checkpointPartition, checkpointKey, site, gateway, name,
                hangResolver != null ? hangResolver : this::abortOwnHang);
        long index = cp.map(Checkpoint::index).orElse(-1L);
        long hint = buffer.replicatedIndex();
        logResume(index, hint, cp.isPresent() ? "Kafka checkpoint" : "no Kafka checkpoint, index");
        if (index >= 0) {
            // a lost or replaced buffer directory must not hand out ids that Kafka already holds
            buffer.ensureIndexesAbove(index);
        }
        reopenReader(index);
        if (index > hint) {
            buffer.markReplicated(index);
        }
        resumedAfter(index);
    }

    /**
     * A checkpoint partition stays held back: if by a transaction of this lane that Kafka left without markers,
     * aborts it there and in the partitions of the lane's topics ({@link HangingTransactions}). Any lane of the
     * forwarder may call it for any lane, on the forwarder thread.
     */
    boolean abortOwnHang(TopicPartition tp) throws InterruptedException {
        List<HangingTransactions.Hang> aborted = HangingTransactions.abortOwn(checkpoints.admin(), transactionalId,
                name, settings.bootstrapServers(), tp, this::topicsOfLastBatch);
        hangsAborted.inc(aborted.size());
        return !aborted.isEmpty();
    }

    /**
     * The topics the hanging transaction may have written to: those this lane has sent to since it started, and those
     * of the records right after the local position (the batch whose commit went unanswered; its records are still
     * buffered, since the position only moves after a commit is known).
     */
    private Set<String> topicsOfLastBatch() {
        Set<String> topics = new TreeSet<>(topicsSent());
        try (LaneReader r = buffer.reader(buffer.replicatedIndex())) {
            for (StoredRecord sr : r.poll(settings.batchMaxRecords(), Long.MAX_VALUE, Duration.ZERO)) {
                topics.add(sr.record().topic());
            }
        }
        return topics;
    }

    @Override
    long send(List<StoredRecord> batch) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback cb = (md, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        };
        Producer<byte[], byte[]> producer = producer();
        producer.beginTransaction();
        txnOpen = true;
        txnStartedNanos = System.nanoTime();
        long bytes = sendRecords(batch, cb, failure);
        long last = batch.get(batch.size() - 1).index();
        Checkpoint cp = new Checkpoint(site, gateway, name, last, batch.size(), clock.instant());
        byte[] value = cp.toJson();
        if (bucket != null && !bucket.acquire(checkpointKeyBytes.length + value.length)) {
            throw new ClosingException();
        }
        producer.send(new ProducerRecord<>(checkpoints.topic(), checkpointPartition, checkpointKeyBytes, value), cb);
        // Blocks until every record is acknowledged and the commit is done. A TimeoutException here leaves the
        // outcome unknown: the caller closes this producer, and the next initTransactions() completes or aborts
        // the transaction; the checkpoint read after it tells which.
        producer.commitTransaction();
        txnOpen = false;
        buffer.markReplicated(last);
        batchDurable(last, batch.size());
        return bytes;
    }
}
