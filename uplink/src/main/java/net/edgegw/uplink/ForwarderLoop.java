package net.edgegw.uplink;

import net.edgegw.storeforward.StoredRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * The forwarder thread: the priority policy over the lanes, their recovery, and sending one batch at a time (see
 * {@link Forwarder} for the policy). Each round it goes through the lanes by priority and does one step for the first
 * lane that has something to do, then starts over.
 *
 * <p>Not thread-safe: {@link #run()} is the forwarder thread; {@link #shutdownWorkers()} runs on it at its end, or
 * instead of it if it never started.
 */
final class ForwarderLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ForwarderLoop.class);
    private static final long MAX_IDLE_WAIT_MS = 200;

    private final String site;
    private final String gateway;
    private final UplinkSettings settings;
    private final Clock clock;
    private final List<LaneWorker> workers;
    private final CheckpointStore checkpoints;
    private final CloseSignal close;
    private final UplinkHealth health;
    private final LaneFailures failures;
    private final BatchPoller batches;
    private final long starvationGraceMs;
    private final java.nio.file.Path wedgeFile; // test hook, null in production (Forwarder.WEDGE_HOOK_PROPERTY)

    ForwarderLoop(String site, String gateway, UplinkSettings settings, Clock clock, List<LaneWorker> workers,
                  CheckpointStore checkpoints, CloseSignal close, UplinkHealth health) {
        this.site = site;
        this.gateway = gateway;
        this.settings = settings;
        this.clock = clock;
        this.workers = workers;
        this.checkpoints = checkpoints;
        this.close = close;
        this.health = health;
        this.failures = new LaneFailures(close, health);
        this.batches = new BatchPoller(settings, close);
        this.starvationGraceMs = Math.max(2 * settings.backoffMax().toMillis(), 10_000L);
        String wedge = System.getProperty(Forwarder.WEDGE_HOOK_PROPERTY);
        this.wedgeFile = wedge == null || wedge.isBlank() ? null : java.nio.file.Path.of(wedge);
    }

    @Override
    public void run() {
        try {
            while (!close.closing()) {
                if (wedgeFile != null) {
                    wedgeWhilePresent();
                }
                health.stepped();
                try {
                    if (!round()) {
                        idle();
                    }
                } catch (ClosingException e) {
                    break;
                } catch (RuntimeException e) {
                    // a bug or a buffer failure outside any lane step: never let the thread die
                    LOG.error("uplink: unexpected error in the forwarder loop", e);
                    health.error();
                    close.sleep(1_000);
                }
            }
        } finally {
            shutdownWorkers();
            LOG.info("uplink stopped: site {}, gateway {}", site, gateway);
        }
    }

    /** The test hook: stuck, like a deadlocked thread, while the file exists (close still ends it). */
    private void wedgeWhilePresent() {
        while (java.nio.file.Files.exists(wedgeFile) && !close.closing()) {
            close.sleep(50);
        }
    }

    /** One pass over the lanes by priority; true if something was done (then the next pass starts at the top). */
    private boolean round() {
        long now = clock.millis();
        for (int i = 0; i < workers.size(); i++) {
            if (close.closing()) {
                throw new ClosingException();
            }
            LaneWorker w = workers.get(i);
            if (w.stopped()) {
                continue;
            }
            if (w.needsRecovery()) {
                if (w.recoveryDue(now) && recover(w)) {
                    return true;
                }
                continue;
            }
            if (heldBack(i, now)) {
                continue;
            }
            List<StoredRecord> batch;
            try {
                batch = batches.next(w);
            } catch (ClosingException e) {
                throw e;
            } catch (RuntimeException e) {
                failures.onFailure(w, e);
                return true;
            }
            if (!batch.isEmpty()) {
                send(w, batch);
                return true;
            }
            health.healthy(w); // connected and nothing (left) to send: it holds nobody back
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
            if (workers.get(j).holdsBackLowerLanes(now, starvationGraceMs)) {
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
                if (o != w && o.awaitsConnection()) {
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
            failures.onFailure(w, e);
            return false;
        }
        w.recovered();
        long now = clock.millis();
        for (LaneWorker o : workers) {
            o.brokerReachable(now);
            if (o != w) {
                o.retryBy(now); // the broker is back: retry now, not after back-off
            }
        }
        health.update();
        return true;
    }

    private void send(LaneWorker w, List<StoredRecord> batch) {
        long startedNanos = w.batchStartedNanos();
        long bytes;
        try {
            bytes = w.send(batch);
        } catch (ClosingException e) {
            LOG.info("lane {}: closing during a batch; aborting it", w.name);
            w.abortAndClose(false);
            throw e;
        } catch (Exception e) {
            failures.onFailure(w, e);
            return;
        }
        health.batchDelivered(batch.size(), bytes, startedNanos);
        w.growBatch();
        long now = clock.millis();
        for (LaneWorker o : workers) {
            o.brokerReachable(now);
        }
        health.healthy(w);
    }

    /** Nothing to do: wait for data on the highest usable lane, or for the next retry, at most 200 ms. */
    private void idle() {
        long now = clock.millis();
        long wait = Math.max(5, Math.min(settings.batchWait().toMillis(), MAX_IDLE_WAIT_MS));
        for (LaneWorker w : workers) {
            if (w.awaitsRecovery()) {
                wait = Math.min(wait, w.msUntilRetry(now));
            }
        }
        if (wait <= 0) {
            return;
        }
        for (int i = 0; i < workers.size(); i++) {
            LaneWorker w = workers.get(i);
            if (w.ready() && !heldBack(i, now)) {
                try {
                    batches.awaitData(w, wait);
                } catch (RuntimeException e) {
                    failures.onFailure(w, e);
                }
                return;
            }
        }
        close.sleep(wait);
    }

    /** Closes the lanes' producers and readers and the checkpoint store. */
    void shutdownWorkers() {
        for (LaneWorker w : workers) {
            w.abortAndClose(health.aggregate() == UplinkState.DOWN);
            w.closeReader();
        }
        checkpoints.close();
    }
}
