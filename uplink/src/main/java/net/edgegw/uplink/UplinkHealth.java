package net.edgegw.uplink;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The forwarder's state and counters: the aggregate {@link UplinkState} over its lanes (logged when it changes), the
 * {@link UplinkMetrics}, the drain rate and the {@link UplinkStatus} snapshot.
 *
 * <p>Thread-safety: the forwarder thread records; {@link #status()}, {@link #aggregate()} and the state gauge may be
 * read from any thread.
 */
final class UplinkHealth {

    private static final Logger LOG = LoggerFactory.getLogger(UplinkHealth.class);

    private final List<LaneWorker> workers;
    private final String bootstrapServers;
    private final Clock clock;
    private final MetricRegistry metrics;
    private final Meter recordsMeter;
    private final Meter bytesMeter;
    private final Timer batchLatency;
    private final Counter errors;
    private final Counter transactions;
    private final Gauge<Integer> stateGauge;
    private final DrainRate drainRate;

    private volatile UplinkState aggregate = UplinkState.CONNECTING;
    private volatile long bytesSent;
    private volatile Instant lastCommit;
    private volatile long lastStepNanos = System.nanoTime();

    /** Registers the metrics; the state gauge replaces one left by an earlier forwarder (config apply). */
    UplinkHealth(List<LaneWorker> workers, String bootstrapServers, Clock clock, MetricRegistry metrics) {
        this.workers = workers;
        this.bootstrapServers = bootstrapServers;
        this.clock = clock;
        this.metrics = metrics;
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

    UplinkState aggregate() {
        return aggregate;
    }

    /** The forwarder thread finished a step of its loop (monotonic time, so a wall-clock jump means nothing). */
    void stepped() {
        lastStepNanos = System.nanoTime();
    }

    /** A failed attempt (send, commit, recovery, or the loop itself). */
    void error() {
        errors.inc();
    }

    /** A batch of {@code n} records and {@code bytes} key+value bytes, started at {@code startedNanos}, is durable. */
    void batchDelivered(int n, long bytes, long startedNanos) {
        batchLatency.update(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        recordsMeter.mark(n);
        bytesMeter.mark(bytes);
        transactions.inc();
        drainRate.add(n);
        bytesSent += bytes;
        lastCommit = clock.instant();
    }

    /**
     * The lane delivered a batch or has nothing to deliver: its failure streak (and back-off) ends and it is UP.
     * Not done on a mere reconnect, so that a lane whose batches keep failing (a record the broker refuses) backs
     * off exponentially and stays DOWN instead of flapping.
     */
    void healthy(LaneWorker w) {
        if (w.healthy()) {
            update();
        }
    }

    /** Recomputes the aggregate state from the lanes': DOWN if any is, else UP if any is, else CONNECTING. */
    void update() {
        UplinkState next = UplinkState.CONNECTING;
        String error = null;
        for (LaneWorker w : workers) {
            if (w.state() == UplinkState.DOWN) {
                next = UplinkState.DOWN;
                error = w.name + ": " + w.lastError();
                break;
            }
            if (w.state() == UplinkState.UP) {
                next = UplinkState.UP;
            }
        }
        UplinkState prev = aggregate;
        if (next == prev) {
            return;
        }
        aggregate = next;
        if (next == UplinkState.UP) {
            LOG.info("uplink to {} is UP", bootstrapServers);
        } else if (next == UplinkState.DOWN) {
            LOG.warn("uplink to {} is DOWN: {}", bootstrapServers, error);
        }
    }

    /** A snapshot of the uplink state and counters. */
    UplinkStatus status() {
        List<UplinkStatus.LaneStatus> lanes = new ArrayList<>();
        long records = 0;
        String error = null;
        for (LaneWorker w : workers) {
            UplinkStatus.LaneStatus l = w.status();
            records += l.recordsSent();
            if (l.state() == UplinkState.DOWN && error == null) {
                error = l.lane() + ": " + l.lastError();
            }
            lanes.add(l);
        }
        return new UplinkStatus(aggregate, error, records, bytesSent, lastCommit, drainRate.perSecond(), lanes,
                Duration.ofNanos(Math.max(0, System.nanoTime() - lastStepNanos)));
    }

    /** Removes the state gauge unless a newer forwarder took it over. */
    void unregister() {
        if (metrics.getGauges().get(UplinkMetrics.STATE) == stateGauge) {
            metrics.remove(UplinkMetrics.STATE);
        }
    }
}
