package net.edgegw.uplink;

import com.codahale.metrics.MetricRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>The jobs are split: {@link ForwarderLoop} (the thread: priority policy, recovery, sending), {@link BatchPoller}
 * (batches), {@link LaneFailures} (what a failure means), {@link UplinkHealth} (state, metrics, status) and the
 * lanes themselves ({@link TransactionalLane}, {@link IdempotentLane}); this class builds and owns them.
 *
 * <p>Thread-safety: {@link #start()}, {@link #close()} and {@link #status()} may be called from any thread;
 * {@link #close()} is idempotent and returns within about 15 s at worst, even with the broker gone.
 */
public final class Forwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final long CLOSE_GRACE_MS = 5_000L;
    private static final long CLOSE_FORCED_MS = 10_000L;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /**
     * Test hook, never set in production: a system property naming a file; while that file exists the forwarder
     * thread of a forwarder created after the property was set is stuck, as a deadlocked or blocked thread would
     * be ({@link UplinkStatus#sinceLastStep()} grows). Read once per forwarder; unset costs one null check a round.
     */
    public static final String WEDGE_HOOK_PROPERTY = "edgegw.test.wedgeForwarder";

    private final String site;
    private final String gateway;
    private final UplinkSettings settings;
    private final List<LaneWorker> workers;
    private final CheckpointStore checkpoints;
    private final CloseSignal close = new CloseSignal();
    private final UplinkHealth health;
    private final ForwarderLoop loop;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread thread;

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
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
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
        String prefix = "edge-uplink-" + KafkaClients.idPart(site) + "-" + KafkaClients.idPart(gateway);
        this.checkpoints = new CheckpointStore(settings, prefix, close::closing, close);
        this.workers = workers(lanes, site, gateway, settings, clock, metrics, checkpoints, close);
        this.health = new UplinkHealth(workers, settings.bootstrapServers(), clock, metrics);
        this.loop = new ForwarderLoop(site, gateway, settings, clock, workers, checkpoints, close, health);
    }

    /** One worker per lane by priority (stable: ties keep the given order), sharing the bandwidth cap. */
    private static List<LaneWorker> workers(List<Lane> lanes, String site, String gateway, UplinkSettings settings,
                                            Clock clock, MetricRegistry metrics, CheckpointStore checkpoints,
                                            Sleeper sleeper) {
        List<Lane> sorted = new ArrayList<>(lanes);
        sorted.sort(Comparator.comparingInt(Lane::priority)); // stable: ties keep the given order
        TokenBucket bucket = settings.bandwidthBytesPerSec() > 0
                ? new TokenBucket(settings.bandwidthBytesPerSec(), clock, sleeper) : null;
        long bufferMemory = Math.max(KafkaClients.MIN_BUFFER_MEMORY, KafkaClients.TOTAL_BUFFER_MEMORY / lanes.size());
        List<LaneWorker> ws = new ArrayList<>();
        for (Lane l : sorted) {
            ws.add(settings.delivery() == Delivery.EXACTLY_ONCE
                    ? new TransactionalLane(l, site, gateway, settings, clock, bucket, bufferMemory, checkpoints,
                            metrics.counter(UplinkMetrics.HANGING_ABORTED))
                    : new IdempotentLane(l, site, gateway, settings, clock, bucket, bufferMemory));
        }
        List<LaneWorker> workers = List.copyOf(ws);
        CheckpointStore.HangResolver anyLane = tp -> {
            boolean aborted = false;
            for (LaneWorker w : workers) {
                if (w instanceof TransactionalLane t && !t.stopped()) {
                    aborted |= t.abortOwnHang(tp);
                }
            }
            return aborted;
        };
        for (LaneWorker w : workers) {
            if (w instanceof TransactionalLane t) {
                t.resolveHangsWith(anyLane);
            }
        }
        return workers;
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
        Thread t = new Thread(loop, "edge-uplink-" + site + "-" + gateway + "-" + INSTANCES.incrementAndGet());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** A snapshot of the uplink state and counters. */
    public UplinkStatus status() {
        return health.status();
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
        close.close();
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
            loop.shutdownWorkers();
        }
        health.unregister();
    }
}
