package net.edgegw.pipeline;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import net.edgegw.core.Rejections;
import net.edgegw.core.RecentRecords;
import net.edgegw.core.SourceKind;
import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.storeforward.LaneBuffer;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Enrich, route and store: the path from every source into the lane buffers. Thread-safe (sources call it from many
 * threads). The record is JSON-encoded here, once, without its id; the buffer assigns the index that makes the id.
 *
 * <p>Routing: the first route whose match fields all match decides (drop, lane, topic); otherwise the input's own
 * lane and topic, else the default topic of the source kind (SPEC section 3). A record too large for the uplink is
 * reported to the {@link Rejections} given at construction as {@code oversized} (which dead-letters its head).
 */
public final class Pipeline implements Emitter, RecentRecords, AutoCloseable {

    private final Map<String, LaneBuffer> lanes;
    private final MetricRegistry metrics;
    private volatile Rules rules;
    private final List<Consumer<Tapped>> taps = new CopyOnWriteArrayList<>();
    private final LaneAppender appender;
    private final Counter filtered;
    private final Rejections rejections;
    private volatile boolean closed;

    /**
     * Largest key + value the pipeline stores: the uplink producer's default {@code max.request.size} is 1 MiB and a
     * record the broker refuses would hold its lane; such records are rejected here as {@code oversized} instead.
     */
    public static final int MAX_RECORD_BYTES = 900 * 1024;

    private record InputTarget(LaneBuffer lane, String topic, Meter accepted) {
    }

    /** One consistent set of settings: a record is routed by one {@code Rules}, never half by the old, half the new. */
    private record Rules(Map<String, String> tags, List<RouteConfig> routes, Map<String, InputTarget> inputs) {
    }

    /**
     * A record as it was stored, for a live view ({@link #tap}).
     *
     * @param lane  the lane it went to
     * @param topic its Kafka topic
     */
    public record Tapped(Envelope envelope, String lane, String topic) {
    }

    /**
     * @param lanes      the lane buffers by name: every lane the settings name
     * @param rejections where records too large for the uplink are reported
     */
    public Pipeline(PipelineSettings settings, Map<String, LaneBuffer> lanes, MetricRegistry metrics,
                    Rejections rejections) {
        this.lanes = Map.copyOf(lanes);
        this.metrics = metrics;
        this.rejections = Objects.requireNonNull(rejections, "rejections");
        this.rules = rules(settings);
        this.appender = new LaneAppender(metrics);
        this.filtered = metrics.counter(PipelineMetrics.FILTERED);
    }

    private Rules rules(PipelineSettings settings) {
        Map<String, InputTarget> inputs = new HashMap<>();
        settings.inputs().forEach((name, in) -> inputs.put(name,
                new InputTarget(lane(in.lane()), in.topic(), metrics.meter(PipelineMetrics.accepted(name)))));
        for (RouteConfig r : settings.routes()) {
            if (r.lane() != null) {
                lane(r.lane());
            }
        }
        return new Rules(settings.tags(), settings.routes(), Map.copyOf(inputs));
    }

    /**
     * Replaces tags, routes and the inputs' lanes and topics at once (a config apply); the lanes must be the ones
     * this pipeline was built with. A record being stored while this runs is routed entirely by the old or entirely
     * by the new settings. An input being removed must be closed before, an input being added started after.
     *
     * @throws IllegalArgumentException if the settings name a lane this pipeline has no buffer for (nothing changed)
     */
    public void reconfigure(PipelineSettings settings) {
        this.rules = rules(settings);
    }

    /**
     * Calls {@code tap} with every record stored from now on, on the emitting source's thread, until the returned
     * handle is closed: it must be quick and must not block (a live view queues and drops). Costs nothing while no
     * tap is open.
     */
    public AutoCloseable tap(Consumer<Tapped> tap) {
        taps.add(tap);
        return () -> taps.remove(tap);
    }

    private LaneBuffer lane(String name) {
        LaneBuffer b = lanes.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no buffer for lane " + name);
        }
        return b;
    }

    @Override
    public Admission emit(Envelope e) {
        return store(e, true);
    }

    @Override
    public Admission offer(Envelope e) {
        return store(e, false);
    }

    /** How far back {@link #holdsRecent} looks, in records per lane and in acceptance time. */
    static final int RECENT_SCAN_RECORDS = 1_000_000;
    static final long RECENT_SCAN_MILLIS = 60_000;

    /**
     * {@inheritDoc} Scans every lane newest first, down to records accepted a minute before {@code receivedAt} (or
     * {@value #RECENT_SCAN_RECORDS} records). Compares the header first (source, millisecond) and decodes only the
     * bodies that pass.
     */
    @Override
    public boolean holdsRecent(String input, SourceKind source, Instant receivedAt) {
        long millis = receivedAt.toEpochMilli();
        long floor = millis - RECENT_SCAN_MILLIS;
        boolean[] found = {false};
        for (LaneBuffer lane : lanes.values()) {
            int[] older = {0};
            lane.scanNewest(RECENT_SCAN_RECORDS, r -> {
                BufferedRecord rec = r.record();
                if (rec.receivedAtMillis() < floor) {
                    // records are appended in about acceptance order; a few late ones (a source that waited for
                    // room) may sit among newer ones, so stop only after a run of old ones
                    return ++older[0] < 1000;
                }
                older[0] = 0;
                if (rec.source() == source && rec.receivedAtMillis() == millis) {
                    try {
                        Envelope e = EnvelopeJson.decode(rec.body());
                        if (input.equals(e.input()) && receivedAt.equals(e.receivedAt())) {
                            found[0] = true;
                            return false;
                        }
                    } catch (IllegalArgumentException ex) {
                        // not an envelope we wrote: not the one we look for
                    }
                }
                return true;
            });
            if (found[0]) {
                return true;
            }
        }
        return false;
    }

    private Admission store(Envelope e, boolean mayWait) {
        if (closed) {
            return Admission.CLOSED;
        }
        Rules now = rules;
        InputTarget in = now.inputs().get(e.input());
        if (in == null) {
            throw new IllegalArgumentException("record from unconfigured input " + e.input());
        }
        LaneBuffer lane = in.lane();
        String topic = in.topic();
        for (RouteConfig r : now.routes()) {
            if (matches(r, e)) {
                if (r.drop()) {
                    filtered.inc();
                    return Admission.FILTERED;
                }
                if (r.lane() != null) {
                    lane = lane(r.lane());
                }
                if (r.topic() != null) {
                    topic = r.topic();
                }
                break;
            }
        }
        if (topic == null) {
            topic = Headers.defaultTopic(e.source());
        }
        return append(lane, topic, enrich(e, now.tags()), mayWait, in.accepted());
    }

    private Admission append(LaneBuffer lane, String topic, Envelope e, boolean mayWait, Meter inputMeter) {
        BufferedRecord rec = LaneAppender.encode(topic, e);
        if (rec.wireSize() > MAX_RECORD_BYTES) {
            byte[] head = java.util.Arrays.copyOf(rec.body(), Math.min(rec.body().length, 4096));
            rejections.reject(e.input(), Rejections.OVERSIZED, "envelope of " + rec.wireSize()
                    + " bytes exceeds the uplink record limit of " + MAX_RECORD_BYTES + " bytes", head, null);
            return Admission.FILTERED;
        }
        Admission a = appender.append(lane, rec, mayWait, () -> closed);
        if (a == Admission.ACCEPTED) {
            inputMeter.mark();
            if (!taps.isEmpty()) {
                Tapped t = new Tapped(e, lane.lane(), topic);
                for (Consumer<Tapped> tap : taps) {
                    try {
                        tap.accept(t);
                    } catch (RuntimeException ex) {
                        // a live view's fault is never the record's: it is stored already
                        taps.remove(tap);
                    }
                }
            }
        }
        return a;
    }

    private static Envelope enrich(Envelope e, Map<String, String> tags) {
        if (tags.isEmpty()) {
            return e;
        }
        Map<String, String> attrs = new LinkedHashMap<>(tags);
        attrs.putAll(e.attributes()); // extracted fields win over static tags
        return e.withAttributes(attrs);
    }

    static boolean matches(RouteConfig r, Envelope e) {
        if (r.input() != null && !r.input().equals(e.input())) {
            return false;
        }
        if (r.source() != null && !r.source().equals(e.source().wireName())) {
            return false;
        }
        if (r.severityAtMost() != null && (e.severity() == null || e.severity() > r.severityAtMost())) {
            return false;
        }
        return r.contains() == null || (e.message() != null && e.message().contains(r.contains()));
    }

    /** Refuses new records from now on; blocked emitters return {@link Admission#CLOSED}. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }
}
