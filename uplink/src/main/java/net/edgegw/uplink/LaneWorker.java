package net.edgegw.uplink;

import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.storeforward.LaneBuffer;
import net.edgegw.storeforward.LaneReader;
import net.edgegw.storeforward.StoredRecord;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The uplink of one lane: its reader, its producer and its recovery algorithm. {@link TransactionalLane} for
 * exactly-once, {@link IdempotentLane} for at-least-once.
 *
 * <p>Threading: everything but the volatile status fields and {@link #forceCloseProducer()} is used by the
 * forwarder thread only.
 */
abstract class LaneWorker {

    static final int MIN_ADAPTIVE_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(LaneWorker.class);

    final Lane lane;
    final String name;
    final LaneBuffer buffer;
    final String site;
    final String gateway;
    final UplinkSettings settings;
    final Clock clock;
    final TokenBucket bucket;
    final long bufferMemory;
    final String clientId;
    private final byte[] siteBytes;

    Producer<byte[], byte[]> producer; // guarded by: forwarder thread; forceCloseProducer reads it
    LaneReader reader;
    /** Topics this lane has handed records to since it started (forwarder thread only). */
    final Set<String> topicsSent = new HashSet<>();

    // scheduling state, forwarder thread only
    boolean needsRecovery = true;
    long notBeforeMs;
    /** Start of the current failure streak (ended by a successful send or an empty poll), -1 if none. */
    long failingSinceMs = -1;
    /** When, during the streak, the broker was first seen reachable (this lane reconnected or another lane
     * succeeded), -1 if not yet: from then on the failure is this lane's own. */
    long reachableSinceMs = -1;
    final Backoff backoff;
    List<StoredRecord> pending;
    long pendingAtNanos;
    int adaptiveMaxBytes;
    boolean resumedOnce;

    // status, read by any thread
    volatile UplinkState state = UplinkState.CONNECTING;
    volatile String lastError;
    volatile long committedIndex = -1;
    volatile boolean stopped;
    final AtomicLong recordsSent = new AtomicLong();

    LaneWorker(Lane lane, String site, String gateway, UplinkSettings settings, Clock clock, TokenBucket bucket,
               long bufferMemory) {
        this.lane = lane;
        this.name = lane.name();
        this.buffer = lane.buffer();
        this.site = site;
        this.gateway = gateway;
        this.settings = settings;
        this.clock = clock;
        this.bucket = bucket;
        this.bufferMemory = bufferMemory;
        this.clientId = "edge-uplink-" + KafkaClients.idPart(site) + "-" + KafkaClients.idPart(gateway) + "-"
                + KafkaClients.idPart(name);
        this.siteBytes = site.getBytes(StandardCharsets.UTF_8);
        this.backoff = new Backoff("uplink lane " + name, settings.backoffMin(), settings.backoffMax());
        this.adaptiveMaxBytes = settings.batchMaxBytes();
    }

    /** Whether a usable producer exists (created, and initialised if transactional). */
    boolean connected() {
        return producer != null;
    }

    /** Creates the producer (exactly-once: and runs {@code initTransactions()}, which fences zombies). */
    abstract void connect();

    /** Finds where to resume and positions a fresh reader there. Requires {@link #connected()}. */
    abstract void resume() throws Exception;

    /** Sends one batch and makes it durable in Kafka; returns its key+value bytes. */
    abstract long send(List<StoredRecord> batch) throws Exception;

    /** Whether a transaction of this lane is open (exactly-once only). */
    boolean transactionOpen() {
        return false;
    }

    /** The Kafka record of a buffered record (contract: topic, key, value with id, three headers). */
    final ProducerRecord<byte[], byte[]> toProducerRecord(StoredRecord sr) {
        BufferedRecord r = sr.record();
        String id = Envelope.recordId(site, gateway, name, sr.index());
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.ID, idBytes);
        headers.add(Headers.SITE, siteBytes);
        headers.add(Headers.SOURCE, r.source().wireName().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(r.topic(), null, null, r.key(), EnvelopeJson.spliceId(id, r.body()), headers);
    }

    /**
     * Hands the batch's records to the producer, after the bandwidth cap allows each; stops at the first
     * asynchronous failure reported so far.
     *
     * @return key+value bytes handed over
     */
    final long sendRecords(List<StoredRecord> batch, Callback callback, AtomicReference<Exception> failure) {
        long bytes = 0;
        for (StoredRecord sr : batch) {
            Exception f = failure.get();
            if (f != null) {
                throw f instanceof KafkaException ke ? ke : new KafkaException(f);
            }
            ProducerRecord<byte[], byte[]> pr = toProducerRecord(sr);
            int size = pr.key().length + pr.value().length;
            if (bucket != null && !bucket.acquire(size)) {
                throw new ClosingException();
            }
            producer.send(pr, callback);
            topicsSent.add(pr.topic());
            bytes += size;
        }
        return bytes;
    }

    /** A fresh reader positioned after {@code index}. */
    final void reopenReader(long index) {
        closeReader();
        reader = buffer.reader(index);
    }

    final void closeReader() {
        LaneReader r = reader;
        reader = null;
        pending = null;
        if (r != null) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.debug("lane {}: closing the reader failed: {}", name, e.toString());
            }
        }
    }

    /**
     * After a failure: aborts the open transaction if the broker is reachable, then closes the producer (at once
     * when the broker is gone). A later {@code initTransactions()} of a new producer aborts whatever is left.
     */
    void abortAndClose(boolean brokerGone) {
        Producer<byte[], byte[]> p = producer;
        producer = null;
        if (p == null) {
            return;
        }
        if (transactionOpen() && !brokerGone) {
            try {
                p.abortTransaction();
            } catch (RuntimeException e) {
                LOG.debug("lane {}: abort failed: {}", name, e.toString());
            }
        }
        clearTransaction();
        try {
            p.close(brokerGone ? Duration.ZERO : Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debug("lane {}: closing the producer failed: {}", name, e.toString());
        }
    }

    void clearTransaction() {
    }

    /** From another thread when the forwarder thread does not stop in time. */
    void forceCloseProducer() {
        Producer<byte[], byte[]> p = producer;
        if (p != null) {
            try {
                p.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("lane {}: force-closing the producer failed: {}", name, e.toString());
            }
        }
    }

    /** The batch byte bound now: settings, halved after timeouts, and at most 5 s at the bandwidth cap. */
    final int maxBatchBytes() {
        long m = Math.min(settings.batchMaxBytes(), adaptiveMaxBytes);
        if (bucket != null) {
            m = Math.min(m, bucket.rate() * 5);
        }
        return (int) Math.max(1024, m);
    }

    /**
     * A batch of {@code n} records up to {@code lastIndex} is durable in Kafka: counts it, then publishes the index, so
     * that a status that shows the index also counts the batch.
     */
    final void batchDurable(long lastIndex, int n) {
        recordsSent.addAndGet(n);
        committedIndex = lastIndex;
    }

    /** The failure streak is over. */
    final void streakOver() {
        failingSinceMs = -1;
        reachableSinceMs = -1;
    }

    /** The broker answered (for this lane or another): a streak in progress is now this lane's own problem. */
    final void brokerReachable(long now) {
        if (failingSinceMs >= 0 && reachableSinceMs < 0) {
            reachableSinceMs = now;
        }
    }

    final void shrinkBatch() {
        adaptiveMaxBytes = Math.max(MIN_ADAPTIVE_BYTES, adaptiveMaxBytes / 2);
    }

    final void growBatch() {
        adaptiveMaxBytes = (int) Math.min(settings.batchMaxBytes(), adaptiveMaxBytes * 2L);
    }

    /** Logs where the lane resumes; louder when Kafka's checkpoint and the local hint disagree. */
    final void logResume(long kafkaIndex, long hint, String source) {
        if (kafkaIndex < hint) {
            LOG.warn("lane {}: {} {} is behind the local position {}: records after {} that are still buffered "
                    + "are sent again (was the checkpoints topic reset, or did the cluster lose data?)", name,
                    source, kafkaIndex, hint, kafkaIndex);
        } else if (kafkaIndex > hint) {
            LOG.info("lane {}: {} {} is ahead of the local position {} (a commit completed unseen, e.g. before a "
                    + "crash or during a timeout); resuming after {}", name, source, kafkaIndex, hint, kafkaIndex);
        } else if (!resumedOnce) {
            LOG.info("lane {}: resuming after index {} ({})", name, kafkaIndex, source);
        } else {
            LOG.debug("lane {}: resuming after index {} ({})", name, kafkaIndex, source);
        }
        resumedOnce = true;
    }
}
