package net.edgegw.uplink;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import net.edgegw.storeforward.StoredRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Replicates the lane buffers of one gateway to Kafka: exactly-once (default) or at-least-once, surviving broker
 * outages, crashes and restarts.
 *
 * <h2>Exactly-once</h2>
 * One transactional producer per lane, {@code transactional.id = edge.<site>.<gateway>.<lane>} (stable across
 * restarts, so a restarted gateway fences its zombie). Each transaction is one batch polled from the lane plus one
 * checkpoint record ({@link Checkpoint}) to the compacted checkpoints topic. On start and after any error the
 * lane gets a fresh producer, runs {@code initTransactions()} (aborting a zombie's open transaction or completing
 * a prepared one), reads its newest committed checkpoint ({@link CheckpointStore}) and resumes right after it:
 * Kafka's checkpoint is the truth, the buffer's {@code replicatedIndex} is a hint (advanced after each commit,
 * and caught up at recovery when Kafka is ahead). A commit whose outcome is unknown (timeout) is therefore never
 * guessed: the next recovery reads what happened. A lane that loses its producer epoch (ProducerFenced or
 * InvalidProducerEpoch) in a transaction younger than the transaction timeout has been fenced by another live
 * instance with the same id: it stops (status DOWN, "fenced") instead of re-initialising and fencing the other in
 * turn, since two writers for one lane mean a duplicated gateway id or a zombie. An older transaction may just
 * have timed out: that lane recovers like after any error.
 *
 * <h2>At-least-once</h2>
 * One idempotent producer per lane; a batch is sent, every ack awaited, then {@code markReplicated}. After an
 * error the lane resends from the buffer's replicated index (duplicates keep their id).
 *
 * <h2>Priority policy</h2>
 * One forwarder thread serves all lanes. Each round it goes through the lanes by priority (0 first, ties in the
 * given order) and sends one batch from the first lane that has data, then starts over; so a lower lane sends
 * only while every higher lane is empty, and after an outage the higher lanes drain completely first. A higher
 * lane that is failing (in back-off) holds lower lanes back too, during an outage and until the broker has been
 * seen reachable for {@code max(2 x backoffMax, 10 s)} while that lane kept failing: then its problem is its own
 * (say a record the broker refuses) and it may not starve the others.
 * Recoveries are not held back; when one lane reconnects, lanes in back-off retry at once.
 *
 * <h2>Batches</h2>
 * A batch is up to {@code batchMaxRecords} records and about {@code batchMaxBytes} (halved after each timeout down
 * to 64 KiB, doubled back after each success, and at most 5 s worth of the bandwidth cap so a transaction stays
 * well inside the transaction timeout); a non-full batch waits up to {@code batchWait} to fill.
 *
 * <p>Thread-safety: {@link #start()}, {@link #close()} and {@link #status()} may be called from any thread;
 * {@link #close()} is idempotent and returns within about 15 s at worst, even with the broker gone.
 */
public final class Forwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final long CLOSE_GRACE_MS = 5_000L;
    private static final long CLOSE_FORCED_MS = 10_000L;
    private static final long MAX_IDLE_WAIT_MS = 200;
    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();

    private final String site;
    private final String gateway;
    private final UplinkSettings settings;
    private final Clock clock;
    private final MetricRegistry metrics;
    private final List<LaneWorker> workers;
    private final CheckpointStore checkpoints;
    private final long starvationGraceMs;

    private final Meter recordsMeter;
    private final Meter bytesMeter;
    private final Timer batchLatency;
    private final Counter errors;
    private final Counter transactions;
    private final Gauge<Integer> stateGauge;
    private final DrainRate drainRate;

    private final Object wake = new Object();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;
    private volatile Thread thread;
    private volatile UplinkState aggregate = UplinkState.CONNECTING;
    private volatile long bytesSent;
    private volatile Instant lastCommit;

    /**
     * @param site    the site id (also the {@code edge.site} header)
     * @param gateway the gateway id
     * @param lanes   the lanes to replicate (unique names); their buffers stay owned by the caller
     * @param clock   used for checkpoint times, back-off deadlines, the bandwidth cap and the drain rate
     * @param metrics where the {@link UplinkMetrics} live
     */
    public Forwarder(String site, String gateway, List<Lane> lanes, UplinkSettings settings, Clock clock,
                     MetricRegistry metrics) {
        this.site = checkName("site", site);
        this.gateway = checkName("gateway", gateway);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        if (lanes == null || lanes.isEmpty()) {
            throw new IllegalArgumentException("at least one lane is required");
        }
        Set<String> names = new HashSet<>();
        for (Lane l : lanes) {
            checkName("lane", l.name());
            if (!names.add(l.name())) {
                throw new IllegalArgumentException("duplicate lane name '" + l.name() + "'");
            }
        }
        List<Lane> sorted = new ArrayList<>(lanes);
        sorted.sort(Comparator.comparingInt(Lane::priority)); // stable: ties keep the given order
        Sleeper sleeper = this::sleep;
        TokenBucket bucket = settings.bandwidthBytesPerSec() > 0
                ? new TokenBucket(settings.bandwidthBytesPerSec(), clock, sleeper) : null;
        long bufferMemory = Math.max(KafkaClients.MIN_BUFFER_MEMORY, KafkaClients.TOTAL_BUFFER_MEMORY / lanes.size());
        String prefix = "edge-uplink-" + KafkaClients.idPart(site) + "-" + KafkaClients.idPart(gateway);
        this.checkpoints = new CheckpointStore(settings, prefix, () -> closing, sleeper);
        List<LaneWorker> ws = new ArrayList<>();
        for (Lane l : sorted) {
            ws.add(settings.delivery() == Delivery.EXACTLY_ONCE
                    ? new TransactionalLane(l, site, gateway, settings, clock, bucket, bufferMemory, checkpoints,
                            metrics.counter(UplinkMetrics.HANGING_ABORTED))
                    : new IdempotentLane(l, site, gateway, settings, clock, bucket, bufferMemory));
        }
        this.workers = List.copyOf(ws);
        CheckpointStore.HangResolver anyLane = tp -> {
            boolean aborted = false;
            for (LaneWorker w : workers) {
                if (w instanceof TransactionalLane t && !t.stopped) {
                    aborted |= t.abortOwnHang(tp);
                }
            }
            return aborted;
        };
        for (LaneWorker w : workers) {
            if (w instanceof TransactionalLane t) {
                t.hangResolver = anyLane;
            }
        }
        this.starvationGraceMs = Math.max(2 * settings.backoffMax().toMillis(), 10_000L);
        this.recordsMeter = metrics.meter(UplinkMetrics.RECORDS);
        this.bytesMeter = metrics.meter(UplinkMetrics.BYTES);
        this.batchLatency = metrics.timer(UplinkMetrics.BATCH_LATENCY);
        this.errors = metrics.counter(UplinkMetrics.ERRORS);
        this.transactions = metrics.counter(UplinkMetrics.TRANSACTIONS);
        this.stateGauge = () -> aggregate.code();
        metrics.remove(UplinkMetrics.STATE); // a forwarder re-created on config apply takes the gauge over
        metrics.register(UplinkMetrics.STATE, stateGauge);
        this.drainRate = new DrainRate(clock);
    }

    private static String checkName(String what, String v) {
        if (v == null || !NAME.matcher(v).matches()) {
            throw new IllegalArgumentException(what + " must match " + NAME.pattern() + ", got '" + v + "'");
        }
        return v;
    }

    /** Starts the forwarder thread. Once only. */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("forwarder is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("forwarder already started");
        }
        LOG.info("uplink starting: site {}, gateway {}, lanes {}, {}", site, gateway,
                workers.stream().map(w -> w.name + "(p" + w.lane.priority() + ")").toList(), settings);
        Thread t = new Thread(this::run, "edge-uplink-" + site + "-" + gateway + "-" + INSTANCES.incrementAndGet());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** A snapshot of the uplink state and counters. */
    public UplinkStatus status() {
        List<UplinkStatus.LaneStatus> lanes = new ArrayList<>();
        long records = 0;
        String error = null;
        for (LaneWorker w : workers) {
            records += w.recordsSent.get();
            if (w.state == UplinkState.DOWN && error == null) {
                error = w.name + ": " + w.lastError;
            }
            lanes.add(new UplinkStatus.LaneStatus(w.name, w.lane.priority(), w.state, w.lastError, w.committedIndex,
                    w.recordsSent.get(), w.stopped));
        }
        return new UplinkStatus(aggregate, error, records, bytesSent, lastCommit, drainRate.perSecond(), lanes);
    }

    // ------------------------------------------------------------------------------------------ forwarder thread

    private void run() {
        try {
            while (!closing) {
                try {
                    if (!round()) {
                        idle();
                    }
                } catch (ClosingException e) {
                    break;
                } catch (RuntimeException e) {
                    // a bug or a buffer failure outside any lane step: never let the thread die
                    LOG.error("uplink: unexpected error in the forwarder loop", e);
                    errors.inc();
                    sleep(1_000);
                }
            }
        } finally {
            shutdownWorkers();
            LOG.info("uplink stopped: site {}, gateway {}", site, gateway);
        }
    }

    /** One pass over the lanes by priority; true if something was done (then the next pass starts at the top). */
    private boolean round() {
        long now = clock.millis();
        for (int i = 0; i < workers.size(); i++) {
            if (closing) {
                throw new ClosingException();
            }
            LaneWorker w = workers.get(i);
            if (w.stopped) {
                continue;
            }
            if (w.needsRecovery) {
                if (now >= w.notBeforeMs && recover(w)) {
                    return true;
                }
                continue;
            }
            if (heldBack(i, now)) {
                continue;
            }
            List<StoredRecord> batch;
            try {
                batch = pollBatch(w);
            } catch (ClosingException e) {
                throw e;
            } catch (RuntimeException e) {
                onFailure(w, e);
                return true;
            }
            if (!batch.isEmpty()) {
                send(w, batch);
                return true;
            }
            healthy(w); // connected and nothing (left) to send: it holds nobody back
        }
        return false;
    }

    /**
     * Whether a failing higher lane holds lane {@code i} back: it does until the broker has been seen reachable for
     * {@code starvationGraceMs} while that lane kept failing (then its problem is its own, e.g. a record the broker
     * refuses, and lower lanes may go on).
     */
    private boolean heldBack(int i, long now) {
        for (int j = 0; j < i; j++) {
            LaneWorker h = workers.get(j);
            if (!h.stopped && h.failingSinceMs >= 0
                    && (h.reachableSinceMs < 0 || now - h.reachableSinceMs < starvationGraceMs)) {
                return true;
            }
        }
        return false;
    }

    private boolean recover(LaneWorker w) {
        try {
            if (!w.connected()) {
                w.connect();
            }
            // The broker is reachable: initialise the other lanes' producers too before reading any checkpoint,
            // so that our own zombie transactions (from before a crash or outage) are aborted now instead of
            // holding the checkpoint partition's stable offset until they time out.
            for (LaneWorker o : workers) {
                if (o != w && o.needsRecovery && !o.stopped && !o.connected()) {
                    try {
                        o.connect();
                    } catch (RuntimeException e) {
                        LOG.debug("lane {}: early connect failed: {}", o.name, e.toString());
                        o.abortAndClose(true);
                    }
                }
            }
            w.resume();
        } catch (ClosingException e) {
            throw e;
        } catch (Exception e) {
            onFailure(w, e);
            return false;
        }
        w.needsRecovery = false;
        if (w.failingSinceMs < 0) { // first connection; after failures the lane is UP again once it delivers
            w.lastError = null;
            w.state = UplinkState.UP;
        }
        long now = clock.millis();
        for (LaneWorker o : workers) {
            o.brokerReachable(now);
            if (o != w && o.needsRecovery && !o.stopped) {
                o.notBeforeMs = Math.min(o.notBeforeMs, now); // the broker is back: retry now, not after back-off
            }
        }
        updateAggregate();
        return true;
    }

    private List<StoredRecord> pollBatch(LaneWorker w) {
        int maxRecords = settings.batchMaxRecords();
        int maxBytes = w.maxBatchBytes();
        List<StoredRecord> first = w.pending;
        long startedNanos = w.pendingAtNanos;
        w.pending = null;
        if (first == null) {
            startedNanos = System.nanoTime();
            first = w.reader.poll(maxRecords, maxBytes, Duration.ZERO);
        }
        if (first.isEmpty()) {
            return first;
        }
        w.pendingAtNanos = startedNanos;
        long bytes = wireBytes(first);
        long waitNanos = settings.batchWait().toNanos();
        if (first.size() >= maxRecords || bytes >= maxBytes || waitNanos == 0) {
            return first;
        }
        List<StoredRecord> batch = new ArrayList<>(first);
        long deadline = startedNanos + waitNanos;
        while (!closing && batch.size() < maxRecords && bytes < maxBytes) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            List<StoredRecord> more = w.reader.poll(maxRecords - batch.size(), maxBytes - bytes,
                    Duration.ofNanos(remaining));
            if (more.isEmpty()) {
                break;
            }
            batch.addAll(more);
            bytes += wireBytes(more);
        }
        return batch;
    }

    private static long wireBytes(List<StoredRecord> records) {
        long b = 0;
        for (StoredRecord r : records) {
            b += r.record().wireSize();
        }
        return b;
    }

    private void send(LaneWorker w, List<StoredRecord> batch) {
        long startedNanos = w.pendingAtNanos;
        long bytes;
        try {
            bytes = w.send(batch);
        } catch (ClosingException e) {
            LOG.info("lane {}: closing during a batch; aborting it", w.name);
            w.abortAndClose(false);
            throw e;
        } catch (Exception e) {
            onFailure(w, e);
            return;
        }
        int n = batch.size();
        batchLatency.update(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        recordsMeter.mark(n);
        bytesMeter.mark(bytes);
        transactions.inc();
        drainRate.add(n);
        bytesSent += bytes;
        lastCommit = clock.instant();
        w.growBatch();
        long now = clock.millis();
        for (LaneWorker o : workers) {
            o.brokerReachable(now);
        }
        healthy(w);
    }

    /**
     * The lane delivered a batch or has nothing to deliver: its failure streak (and back-off) ends and it is UP.
     * Not done on a mere reconnect, so that a lane whose batches keep failing (a record the broker refuses) backs
     * off exponentially and stays DOWN instead of flapping.
     */
    private void healthy(LaneWorker w) {
        if (w.failingSinceMs >= 0 || w.state != UplinkState.UP) {
            w.streakOver();
            w.backoff.reset();
            w.lastError = null;
            w.state = UplinkState.UP;
            updateAggregate();
        }
    }

    private void onFailure(LaneWorker w, Exception e) {
        if (closing) { // e.g. a call failed because close() closed the clients: no retry, no DOWN
            LOG.debug("lane {}: failed while closing: {}", w.name, e.toString());
            w.abortAndClose(true);
            w.needsRecovery = true;
            return;
        }
        errors.inc();
        String text = Backoff.describe(e);
        if (w instanceof TransactionalLane t && fenced(t, e)) {
            w.stopped = true;
            w.state = UplinkState.DOWN;
            w.lastError = "fenced: another instance uses transactional.id " + t.transactionalId()
                    + "; this lane stopped (" + text + ")";
            LOG.error("lane {}: fenced by another producer with transactional.id {} ({}): another gateway runs with "
                    + "the same site/gateway id, or this process is a zombie. This lane stops.", w.name,
                    t.transactionalId(), text);
            w.abortAndClose(true);
            w.closeReader();
            updateAggregate();
            return;
        }
        boolean timeout = causedBy(e, TimeoutException.class)
                || causedBy(e, java.util.concurrent.TimeoutException.class);
        w.abortAndClose(timeout);
        w.pending = null;
        w.needsRecovery = true;
        long now = clock.millis();
        if (w.failingSinceMs < 0) {
            w.failingSinceMs = now;
        }
        if (timeout || causedBy(e, InvalidProducerEpochException.class)) {
            w.shrinkBatch();
        }
        w.notBeforeMs = now + w.backoff.next(e).toMillis();
        w.lastError = text;
        w.state = UplinkState.DOWN;
        updateAggregate();
    }

    /**
     * Whether a transactional lane lost its epoch to another live producer with its transactional.id (then it must
     * stop, not re-initialise and fence the other in turn). Kafka reports a newer epoch as ProducerFenced (on
     * transaction requests) or InvalidProducerEpoch (on produce requests, e.g. with transactions v2); both are
     * also what a transaction aborted by the coordinator's timeout looks like. A transaction younger than the
     * transaction timeout cannot have timed out, so then it is another producer.
     */
    private static boolean fenced(TransactionalLane t, Exception e) {
        boolean epochLost = causedBy(e, ProducerFencedException.class)
                || causedBy(e, InvalidProducerEpochException.class);
        return epochLost && t.transactionAgeMs() < t.transactionTimeoutMs();
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private void updateAggregate() {
        UplinkState next = UplinkState.CONNECTING;
        String error = null;
        for (LaneWorker w : workers) {
            if (w.state == UplinkState.DOWN) {
                next = UplinkState.DOWN;
                error = w.name + ": " + w.lastError;
                break;
            }
            if (w.state == UplinkState.UP) {
                next = UplinkState.UP;
            }
        }
        UplinkState prev = aggregate;
        if (next == prev) {
            return;
        }
        aggregate = next;
        if (next == UplinkState.UP) {
            LOG.info("uplink to {} is UP", settings.bootstrapServers());
        } else if (next == UplinkState.DOWN) {
            LOG.warn("uplink to {} is DOWN: {}", settings.bootstrapServers(), error);
        }
    }

    /** Nothing to do: wait for data on the highest usable lane, or for the next retry, at most 200 ms. */
    private void idle() {
        long now = clock.millis();
        long wait = Math.max(5, Math.min(settings.batchWait().toMillis(), MAX_IDLE_WAIT_MS));
        for (LaneWorker w : workers) {
            if (!w.stopped && w.needsRecovery) {
                wait = Math.min(wait, Math.max(0, w.notBeforeMs - now));
            }
        }
        if (wait <= 0) {
            return;
        }
        for (int i = 0; i < workers.size(); i++) {
            LaneWorker w = workers.get(i);
            if (!w.stopped && !w.needsRecovery && !heldBack(i, now)) {
                try {
                    long t0 = System.nanoTime();
                    List<StoredRecord> got = w.reader.poll(settings.batchMaxRecords(), w.maxBatchBytes(),
                            Duration.ofMillis(wait));
                    if (!got.isEmpty()) {
                        w.pending = got;
                        w.pendingAtNanos = t0;
                    }
                } catch (RuntimeException e) {
                    onFailure(w, e);
                }
                return;
            }
        }
        sleep(wait);
    }

    /** Waits up to {@code millis}; false if cut short because the forwarder is closing. */
    private boolean sleep(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (wake) {
            while (!closing) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(wake, remaining);
                } catch (InterruptedException e) {
                    // nobody but close() should disturb this thread, and close() uses notifyAll: ignore
                    LOG.debug("uplink: sleep interrupted");
                }
            }
        }
        return false;
    }

    private void shutdownWorkers() {
        for (LaneWorker w : workers) {
            w.abortAndClose(aggregate == UplinkState.DOWN);
            w.closeReader();
        }
        checkpoints.close();
    }

    // ------------------------------------------------------------------------------------------------ shutdown

    /**
     * Stops the forwarder: a batch in flight gets {@value #CLOSE_GRACE_MS} ms to commit (if it is still being sent
     * under the bandwidth cap it is aborted at once); after that the producers and the admin client are closed
     * forcibly, which fails any call still blocked on an unreachable broker (the open transaction is then aborted by
     * the coordinator, or by the next start's initTransactions()). Idempotent; returns within about 15 s at worst.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(CLOSE_GRACE_MS);
                if (t.isAlive()) {
                    LOG.info("uplink: forwarder thread still busy after {} ms (broker unreachable?); closing its "
                            + "clients", CLOSE_GRACE_MS);
                    for (LaneWorker w : workers) {
                        w.forceCloseProducer();
                    }
                    checkpoints.close();
                    t.join(CLOSE_FORCED_MS);
                    if (t.isAlive()) {
                        LOG.warn("uplink: forwarder thread did not stop within {} ms; leaving it (daemon)",
                                CLOSE_GRACE_MS + CLOSE_FORCED_MS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            shutdownWorkers();
        }
        if (metrics.getGauges().get(UplinkMetrics.STATE) == stateGauge) {
            metrics.remove(UplinkMetrics.STATE);
        }
    }
}
