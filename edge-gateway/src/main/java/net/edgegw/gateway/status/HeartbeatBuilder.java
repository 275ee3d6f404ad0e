package net.edgegw.gateway.status;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.storeforward.Backlog;
import net.edgegw.pipeline.PipelineMetrics;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.edgegw.core.Rejections;
import net.edgegw.core.heartbeat.Heartbeat;
import net.edgegw.core.heartbeat.HeartbeatJson;

/**
 * Builds the gateway status record sent to {@code edge.heartbeats} every few seconds (SPEC section 4): version,
 * uptime, config hash, per-input rates and error counts, backlog records/bytes, oldest unsent age, drain rate,
 * dropped counts and uplink state, as the shared {@link Heartbeat} record (its wire format,
 * {@link HeartbeatJson}, is documented in docs/heartbeat.md). Its {@code backlog.peak} is the largest backlog seen at
 * any build since the last heartbeat Kafka acknowledged (see {@link #next}): heartbeats built during an outage are
 * dropped, the first one delivered afterwards tells how high the backlog got. Thread-safe.
 */
public final class HeartbeatBuilder {

    private final String site;
    private final String gateway;
    private final String version;
    private volatile String configHash;
    private final Instant startedAt;
    private final Clock clock;
    private final MetricRegistry metrics;
    private volatile List<String> inputs;
    private final Supplier<Map<String, Backlog>> backlogs;
    private final Supplier<Map<String, Map<String, Long>>> rejections;
    private final Supplier<UplinkView> uplink;
    /**
     * Backlogs seen at builds not yet covered by an acknowledged heartbeat, oldest first, their records strictly
     * decreasing (a larger one removes the smaller ones before it): the first is the peak. Guarded by this.
     */
    private final ArrayDeque<Seen> unacked = new ArrayDeque<>();
    private long builds;

    /** Entries kept in {@link #unacked} at most (a backlog shrinking build after build through a long outage). */
    static final int MAX_SEEN = 1024;

    private record Seen(long build, Heartbeat.Peak peak) {
    }

    /**
     * A built heartbeat and what to run once Kafka acknowledged it ({@code acknowledged}: the peaks up to this
     * heartbeat have reached the cloud and are forgotten).
     */
    public record Built(Heartbeat heartbeat, Runnable acknowledged) {
    }

    public HeartbeatBuilder(String site, String gateway, String version, String configHash, Clock clock, MetricRegistry metrics,
                     List<String> inputs, Supplier<Map<String, Backlog>> backlogs,
                     Supplier<Map<String, Map<String, Long>>> rejections, Supplier<UplinkView> uplink) {
        this.site = site;
        this.gateway = gateway;
        this.version = version;
        this.configHash = configHash;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.metrics = metrics;
        this.inputs = List.copyOf(inputs);
        this.backlogs = backlogs;
        this.rejections = rejections;
        this.uplink = uplink;
    }

    /** After a config apply: the new config's hash and input names go into the heartbeats from now on. */
    public void reconfigured(String configHash, List<String> inputs) {
        this.inputs = List.copyOf(inputs);
        this.configHash = configHash;
    }

    /** The heartbeat as of now ({@link #next} without its acknowledgement); {@link HeartbeatJson#write} gives its
     * JSON. */
    public Heartbeat build() {
        return next().heartbeat();
    }

    /**
     * The heartbeat as of now, with {@code backlog.peak} the largest backlog seen at any build since the last one
     * whose {@link Built#acknowledged} ran (this build included).
     */
    public Built next() {
        Instant now = clock.instant();
        Map<String, Backlog> lanes = backlogs.get();
        Map<String, Map<String, Long>> rejected = rejections.get();
        UplinkView up = uplink.get();
        Map<String, Heartbeat.Input> inputStats = new LinkedHashMap<>();
        for (String in : inputs) {
            Meter m = metrics.meter(PipelineMetrics.accepted(in));
            Map<String, Long> r = rejected.getOrDefault(in, Map.of());
            inputStats.put(in, new Heartbeat.Input(m.getCount(),
                    round(m.getOneMinuteRate()), r.values().stream().mapToLong(Long::longValue).sum(), r));
        }
        long records = 0;
        long bytes = 0;
        long oldest = 0;
        long overflow = 0;
        long expired = 0;
        long diskFull = 0;
        Map<String, Heartbeat.Lane> laneStats = new LinkedHashMap<>();
        for (Map.Entry<String, Backlog> e : lanes.entrySet()) {
            Backlog b = e.getValue();
            records += b.records();
            bytes += b.bytes();
            oldest = Math.max(oldest, b.oldestUnsentAgeMs());
            overflow += b.droppedOverflow();
            expired += b.droppedExpired();
            diskFull += b.droppedDiskFull();
            laneStats.put(e.getKey(), new Heartbeat.Lane(b.records(), b.bytes(),
                    b.oldestUnsentAgeMs(), b.droppedOverflow(), b.droppedExpired()));
        }
        // records a source gave up on because the buffer was full (UDP syslog): its `buffer-full` rejections.
        // Not the pipeline's refusal count: TCP and MQTT sources hold and retry a refused record, losing nothing.
        long bufferFull = 0;
        for (Map<String, Long> r : rejected.values()) {
            bufferFull += r.getOrDefault(Rejections.BUFFER_FULL, 0L);
        }
        long build;
        Heartbeat.Peak peak;
        synchronized (this) {
            build = ++builds;
            peak = seen(build, new Heartbeat.Peak(records, bytes, now));
        }
        Heartbeat h = new Heartbeat(site, gateway, version,
                startedAt, now, Math.max(0, now.getEpochSecond() - startedAt.getEpochSecond()), configHash, inputStats,
                new Heartbeat.Backlog(records, bytes, oldest, laneStats, peak),
                round(up.drainRatePerSec()),
                Heartbeat.Dropped.of(overflow, expired, bufferFull, diskFull),
                new Heartbeat.Uplink(up.state(), up.lastError(), up.recordsSent()));
        return new Built(h, () -> acknowledged(build));
    }

    /** Notes a backlog seen at build {@code build}; returns the peak since the last acknowledgement. */
    private Heartbeat.Peak seen(long build, Heartbeat.Peak now) {
        while (!unacked.isEmpty() && unacked.peekLast().peak().records() <= now.records()) {
            unacked.pollLast();
        }
        unacked.addLast(new Seen(build, now));
        if (unacked.size() > MAX_SEEN) { // keep the peak, forget the next-largest
            Seen first = unacked.pollFirst();
            unacked.pollFirst();
            unacked.addFirst(first);
        }
        return unacked.peekFirst().peak();
    }

    /** Heartbeat {@code build} reached Kafka: forgets what it reported. */
    private synchronized void acknowledged(long build) {
        while (!unacked.isEmpty() && unacked.peekFirst().build() <= build) {
            unacked.pollFirst();
        }
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
