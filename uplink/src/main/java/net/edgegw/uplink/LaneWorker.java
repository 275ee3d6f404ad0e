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

/**
 * The uplink of one lane: its reader, its producer and its recovery algorithm. {@link TransactionalLane} for
 * exactly-once, {@link IdempotentLane} for at-least-once.
 *
 * <p>Threading: everything but the volatile status fields and {@link #forceCloseProducer()} is used by the
 * forwarder thread only.
 */
abstract class LaneWorker {

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

    private Producer<byte[], byte[]> producer; // guarded by: forwarder thread; forceCloseProducer reads it
    private LaneReader reader;
    /** Topics this lane has handed records to since it started (forwarder thread only). */
    private final Set<String> topicsSent = new HashSet<>();

    // scheduling state, forwarder thread only
    private boolean needsRecovery = true;
    private long notBeforeMs;
    /** Start of the current failure streak (ended by a successful send or an empty poll), -1 if none. */
    private long failingSinceMs = -1;
    /** When, during the streak, the broker was first seen reachable (this lane reconnected or another lane
     * succeeded), -1 if not yet: from then on the failure is this lane's own. */
    private long reachableSinceMs = -1;
    private final Backoff backoff;
    /** Records polled while the forwarder was idle, sent as the start of the next batch; null if none. */
    private List<StoredRecord> pending;
    /** When the current batch (or {@link #pending}) was first polled, System.nanoTime(). */
    private long batchStartedNanos;
    private final AdaptiveBatchSize batchSize;
    private boolean resumedOnce;

    // status, read by any thread
    private volatile UplinkState state = UplinkState.CONNECTING;
    private volatile String lastError;
    private volatile long committedIndex = -1;
    private volatile boolean stopped;
    private final AtomicLong recordsSent = new AtomicLong();

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
        this.batchSize = new AdaptiveBatchSize(settings.batchMaxBytes(), bucket);
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

    // ------------------------------------------------------------------------------------- for the lane kinds

    /** The lane's producer (forwarder thread); null when not {@link #connected()}. */
    final Producer<byte[], byte[]> producer() {
        return producer;
    }

    /** The producer just created (and initialised, if transactional) is the lane's from now on. */
    final void useProducer(Producer<byte[], byte[]> p) {
        producer = p;
    }

    /** The topics this lane has handed records to since it started (a copy). */
    final Set<String> topicsSent() {
        return Set.copyOf(topicsSent);
    }

    /** At recovery: {@code index} is the last index known committed in Kafka (shown by the status). */
    final void resumedAfter(long index) {
        committedIndex = index;
    }

    /**
     * A batch of {@code n} records up to {@code lastIndex} is durable in Kafka: counts it, then publishes the index, so
     * that a status that shows the index also counts the batch.
     */
    final void batchDurable(long lastIndex, int n) {
        recordsSent.addAndGet(n);
        committedIndex = lastIndex;
    }

    // ------------------------------------------------------------------------------ batching (forwarder thread)

    /** Polls the lane's reader. */
    final List<StoredRecord> poll(int maxRecords, long maxBytes, Duration wait) {
        return reader.poll(maxRecords, maxBytes, wait);
    }

    /** The records polled while idle (cleared), null if none; they started a batch at {@link #batchStartedNanos()}. */
    final List<StoredRecord> takePending() {
        List<StoredRecord> p = pending;
        pending = null;
        return p;
    }

    /** Keeps records polled while idle for the next batch, which started at {@code startedNanos}. */
    final void holdPending(List<StoredRecord> records, long startedNanos) {
        pending = records;
        batchStartedNanos = startedNanos;
    }

    /** The batch being built started at {@code startedNanos} (System.nanoTime()). */
    final void batchStartedAt(long startedNanos) {
        batchStartedNanos = startedNanos;
    }

    /** When the current batch was first polled (System.nanoTime()), for the batch latency. */
    final long batchStartedNanos() {
        return batchStartedNanos;
    }

    /** The batch byte bound now ({@link AdaptiveBatchSize}). */
    final int maxBatchBytes() {
        return batchSize.maxBytes();
    }

    /** A batch was delivered: the byte bound may grow back. */
    final void growBatch() {
        batchSize.grow();
    }

    // ---------------------------------------------------------------------------- scheduling (forwarder thread)

    /** Whether the lane gave up for good (fenced); also read by other threads. */
    final boolean stopped() {
        return stopped;
    }

    /** Whether the lane waits for a (re)connect and resume. */
    final boolean needsRecovery() {
        return needsRecovery;
    }

    /** Whether the lane may send: not stopped and recovered. */
    final boolean ready() {
        return !stopped && !needsRecovery;
    }

    /** Whether the lane is not stopped and waits for recovery. */
    final boolean awaitsRecovery() {
        return !stopped && needsRecovery;
    }

    /** Whether the lane waits for recovery without a producer (its producer may be initialised early). */
    final boolean awaitsConnection() {
        return awaitsRecovery() && !connected();
    }

    /** Whether the back-off after the last failure is over at {@code now}. */
    final boolean recoveryDue(long now) {
        return now >= notBeforeMs;
    }

    /** How long until the back-off is over, 0 if it is. */
    final long msUntilRetry(long now) {
        return Math.max(0, notBeforeMs - now);
    }

    /** The broker is back: a lane waiting for recovery retries by {@code now}, not after its back-off. */
    final void retryBy(long now) {
        if (awaitsRecovery()) {
            notBeforeMs = Math.min(notBeforeMs, now);
        }
    }

    /**
     * Whether this (higher) lane, failing, holds lower lanes back at {@code now}: it does until the broker has been
     * seen reachable for {@code graceMs} while it kept failing.
     */
    final boolean holdsBackLowerLanes(long now, long graceMs) {
        return !stopped && failingSinceMs >= 0 && (reachableSinceMs < 0 || now - reachableSinceMs < graceMs);
    }

    /** The broker answered (for this lane or another): a streak in progress is now this lane's own problem. */
    final void brokerReachable(long now) {
        if (failingSinceMs >= 0 && reachableSinceMs < 0) {
            reachableSinceMs = now;
        }
    }

    /** Connected and resumed. After a first connection the lane is UP; after failures it is once it delivers. */
    final void recovered() {
        needsRecovery = false;
        if (failingSinceMs < 0) {
            lastError = null;
            state = UplinkState.UP;
        }
    }

    /**
     * The lane delivered a batch or has nothing to deliver: its failure streak (and back-off) ends and it is UP.
     *
     * @return whether its state changed
     */
    final boolean healthy() {
        if (failingSinceMs < 0 && state == UplinkState.UP) {
            return false;
        }
        failingSinceMs = -1;
        reachableSinceMs = -1;
        backoff.reset();
        lastError = null;
        state = UplinkState.UP;
        return true;
    }

    /**
     * A step failed: closes the producer (at once if {@code brokerGone}), drops records polled ahead, starts or
     * continues the failure streak, shrinks the batches if asked, and backs off; the lane is DOWN with {@code error}.
     */
    final void failed(Exception cause, String error, boolean brokerGone, boolean shrinkBatch) {
        abortAndClose(brokerGone);
        pending = null;
        needsRecovery = true;
        long now = clock.millis();
        if (failingSinceMs < 0) {
            failingSinceMs = now;
        }
        if (shrinkBatch) {
            batchSize.shrink();
        }
        notBeforeMs = now + backoff.next(cause).toMillis();
        lastError = error;
        state = UplinkState.DOWN;
    }

    /** A step failed because the forwarder is closing: no retry, no DOWN. */
    final void failedWhileClosing() {
        abortAndClose(true);
        needsRecovery = true;
    }

    /** Another live producer took over this lane's transactional.id: the lane stops for good, DOWN with {@code error}. */
    final void stopForGood(String error) {
        stopped = true;
        state = UplinkState.DOWN;
        lastError = error;
    }

    // ------------------------------------------------------------------------------------ status (any thread)

    final UplinkState state() {
        return state;
    }

    final String lastError() {
        return lastError;
    }

    /** A snapshot; the committed index is read before the count, so the count includes every batch up to it. */
    final UplinkStatus.LaneStatus status() {
        UplinkState st = state;
        String error = lastError;
        long index = committedIndex;
        return new UplinkStatus.LaneStatus(name, lane.priority(), st, error, index, recordsSent.get(), stopped);
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
