package net.edgegw.aggregator.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.edgegw.aggregator.config.AggregatorConfig.Health;
import net.edgegw.aggregator.config.AggregatorConfig.RuleScope;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.GatewayInfo;
import net.edgegw.aggregator.model.SiteSnapshot.MinuteBucket;
import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.aggregator.rules.Transition;
import net.edgegw.core.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The per-site logic, free of Kafka: counters, the site state machine (UNKNOWN, UP, DEGRADED, CATCHING_UP,
 * UNREACHABLE), heartbeat signals (UNREACHABLE, DATA_LOSS), and the alarm lifecycle of every condition with its
 * clear hysteresis. Times: {@code now} is the wall clock of the stream task; rule times are event times.
 * Stateless apart from its settings: thread-safe; the {@link SiteState}s it works on are not.
 */
final class SiteHealth {

    static final int MAX_GATEWAYS = 64;
    static final int MAX_CONDITIONS = 256;
    static final int MAX_BUCKETS = 60;
    static final long MINUTE = 60_000L;

    static final String UNREACHABLE = "UNREACHABLE";
    static final String DATA_LOSS = "DATA_LOSS";
    /** Severity of UNREACHABLE alarms (syslog critical). */
    static final int UNREACHABLE_SEVERITY = 2;
    /** Severity of DATA_LOSS alarms (syslog error). */
    static final int DATA_LOSS_SEVERITY = 3;
    static final String UNREACHABLE_KEY = "h:" + UNREACHABLE;
    static final String DATA_LOSS_KEY = "h:" + DATA_LOSS;

    private static final Logger LOG = LoggerFactory.getLogger(SiteHealth.class);
    private static final RateLimitedLog WARN = new RateLimitedLog(LOG, 60, TimeUnit.SECONDS);

    private final Health cfg;
    private final HealthCounters counters;

    SiteHealth(Health cfg, HealthCounters counters) {
        this.cfg = cfg;
        this.counters = counters;
    }

    /** What one step changed: alarm versions to pass on, and whether the snapshot must be published now. */
    static final class Changes {
        final long now;
        final Function<String, TopologyEntry> topology;
        final List<Alarm> alarms = new ArrayList<>();
        boolean structural;

        Changes(long now, Function<String, TopologyEntry> topology) {
            this.now = now;
            this.topology = topology;
        }
    }

    /**
     * How far the stream task has got through its input, to tell "the site went silent" from "the aggregator is
     * behind and has not read the site's newer heartbeats yet" (after a restart with a backlog, or under overload).
     *
     * @param taskStart  wall-clock ms the task started: silence before it is not held against a site
     * @param dataTime   the newest time the task has read in its input: heartbeat {@code sentAt} and envelope
     *                   {@code receivedAt}, each capped at the wall clock when read (a gateway clock running ahead
     *                   cannot make the task look caught up for longer than it is); -1 before the first record
     * @param lastReadAt wall-clock ms the task last read any record ({@code taskStart} before the first)
     */
    record Progress(long taskStart, long dataTime, long lastReadAt) {
    }

    /**
     * Whether a site whose heartbeats stopped reaching this task {@code unreachableAfter} ago (wall clock) is silent
     * in the data too, so that UNREACHABLE may be raised. True when the task is caught up (the newest data it read is
     * at most half of {@code unreachableAfter} old), when it has read nothing at all for {@code unreachableAfter}
     * (nothing is queued behind: the site is silent), or when the data it has read already runs
     * {@code unreachableAfter} past the site's newest heartbeat. False otherwise: the task is behind and the site's
     * newer heartbeats may still be queued; the site is checked again as the task reads on.
     */
    boolean silentInData(SiteState s, Progress p, long now) {
        long after = cfg.unreachableAfter().toMillis();
        if (now - p.lastReadAt() >= after || p.dataTime() < 0 || now - p.dataTime() <= after / 2) {
            return true;
        }
        long newest = -1;
        for (Long sent : s.gatewaySentAt.values()) {
            newest = Math.max(newest, sent);
        }
        return newest < 0 || p.dataTime() - newest >= after;
    }

    SiteState create(String site, long now) {
        SiteState s = new SiteState();
        s.site = site;
        s.stateSince = now;
        return s;
    }

    // ---- records ------------------------------------------------------------------------------------------------

    void countRecord(SiteState s, Envelope e, long now) {
        s.records++;
        int sev = e.severity() == null ? 8 : e.severity();
        s.severities[sev]++;
        s.bySource.merge(e.source().wireName(), 1L, Long::sum);
        long at = e.receivedAt().toEpochMilli();
        if (at >= s.lastRecordAt) {
            s.lastRecordAt = at;
            s.lastEventWall = now;
        }
        long[] b = bucket(s, now);
        b[1]++;
        if (sev <= 3) {
            b[2]++;
        }
        s.dirty = true;
    }

    void countDuplicate(SiteState s) {
        s.duplicates++;
        s.dirty = true;
    }

    /** Applies a rule transition to the site's conditions. */
    void apply(SiteState s, Transition t, Changes ch) {
        if (t.raise()) {
            Alarm.Kind kind = t.scope() == RuleScope.DEVICE ? Alarm.Kind.DEVICE : Alarm.Kind.SITE;
            raise(s, t.conditionKey(), t.signal(), t.rule(), kind, t.severity(), t.host(), t.key(), t.at(),
                    t.evidence(), t.windowClearAt(), t.summary(), ch);
        } else if (t.prefix()) {
            for (Map.Entry<String, Condition> c : s.conditions.entrySet()) {
                if (c.getKey().startsWith(t.conditionKey())) {
                    clear(c.getValue(), t.at(), ch.now);
                }
            }
        } else {
            Condition c = s.conditions.get(t.conditionKey());
            if (c != null) {
                clear(c, t.at(), ch.now);
            }
        }
    }

    // ---- heartbeats ---------------------------------------------------------------------------------------------

    void onHeartbeat(SiteState s, Heartbeat hb, Changes ch) {
        long now = ch.now;
        Long prevSent = s.gatewaySentAt.get(hb.gateway());
        if (prevSent != null && hb.sentAt() != null && hb.sentAt().toEpochMilli() <= prevSent) {
            return; // stale or the same heartbeat again (e.g. via a mirrored path)
        }
        GatewayInfo prev = s.gateways.get(hb.gateway());
        if (prev == null) {
            ch.structural = true;
        }
        s.gateways.put(hb.gateway(), new GatewayInfo(hb.gateway(), hb.version(), hb.startedAt(),
                Instant.ofEpochMilli(now), hb.uptimeSeconds(), hb.configHash(), hb.backlogRecords(),
                hb.backlogBytes(), hb.oldestUnsentAgeMs(), hb.drainRatePerSec(), hb.droppedTotal(),
                hb.uplinkState()));
        s.gatewaySentAt.put(hb.gateway(), hb.sentAt() == null ? now : hb.sentAt().toEpochMilli());
        evictGateways(s);
        s.lastHeardWall = now;
        if (s.conditions.containsKey(UNREACHABLE_KEY) && s.recoverSince < 0) {
            s.recoverSince = now;
        }
        if (prev != null && hb.droppedTotal() > prev.droppedTotal()) {
            s.lossGateways.add(hb.gateway());
            dataLoss(s, hb, prev.droppedTotal(), ch);
        } else {
            s.lossGateways.remove(hb.gateway());
            Condition c = s.conditions.get(DATA_LOSS_KEY);
            if (c != null && s.lossGateways.isEmpty()) {
                clear(c, now, now);
            }
        }
        long[] current = bucket(s, now);
        current[3] = current[0] == s.peakMinute ? Math.max(backlog(s), s.peakRecords) : backlog(s);
        peak(s, hb, current);
        s.dirty = true;
    }

    /**
     * Puts a heartbeat's backlog peak ({@code backlog.peak}, docs/heartbeat.md: the largest backlog since the
     * gateway's last delivered heartbeat, e.g. through an outage whose heartbeats were dropped) into the per-minute
     * backlog series when it is above the value there: into the bucket of the peak's minute, or into
     * {@code current} when that minute is no longer kept (or not yet begun: a gateway clock ahead). A lower bound of
     * the site's backlog then. In the current bucket it holds against the minute's later heartbeats.
     */
    private static void peak(SiteState s, Heartbeat hb, long[] current) {
        if (hb.peakRecords() <= 0) {
            return;
        }
        long[] target = current;
        if (hb.peakAt() != null) {
            long at = hb.peakAt().toEpochMilli();
            long minute = at - Math.floorMod(at, MINUTE);
            for (long[] b : s.buckets) {
                if (b[0] == minute) {
                    target = b;
                    break;
                }
            }
        }
        if (hb.peakRecords() > target[3]) {
            target[3] = hb.peakRecords();
            if (target == current) {
                s.peakMinute = current[0];
                s.peakRecords = hb.peakRecords();
            }
        }
    }

    private void dataLoss(SiteState s, Heartbeat hb, long before, Changes ch) {
        long lost = hb.droppedTotal() - before;
        Condition c = s.conditions.get(DATA_LOSS_KEY);
        ObjectNode ev = HealthJson.MAPPER.createObjectNode();
        long sinceRaised = lost;
        if (c != null && c.evidence != null) {
            sinceRaised += c.evidence.path("lost").asLong();
        }
        ev.put("gateway", hb.gateway());
        ev.put("lost", sinceRaised);
        ev.put("droppedBefore", before);
        ev.put("droppedTotal", hb.droppedTotal());
        ev.put("overflow", hb.droppedOverflow());
        ev.put("expired", hb.droppedExpired());
        ev.put("bufferFull", hb.droppedBufferFull());
        ev.put("sentAt", hb.sentAt() == null ? null : hb.sentAt().toString());
        String summary = "data loss at " + s.site + ": gateway " + hb.gateway() + " dropped " + lost
                + " records (dropped total " + hb.droppedTotal() + ")";
        raise(s, DATA_LOSS_KEY, DATA_LOSS, null, Alarm.Kind.SITE, DATA_LOSS_SEVERITY, null, null, ch.now, ev, null,
                summary, ch);
    }

    private static void evictGateways(SiteState s) {
        while (s.gateways.size() > MAX_GATEWAYS) {
            String oldest = null;
            for (GatewayInfo g : s.gateways.values()) {
                if (oldest == null || g.lastSeen().isBefore(s.gateways.get(oldest).lastSeen())) {
                    oldest = g.gateway();
                }
            }
            s.gateways.remove(oldest);
            s.gatewaySentAt.remove(oldest);
            s.lossGateways.remove(oldest);
        }
    }

    // ---- time ---------------------------------------------------------------------------------------------------

    /**
     * Moves the site to {@code ch.now}: heartbeat timeouts and recovery, window rules running dry, clear-pending
     * alarms whose hysteresis has passed, and the site state.
     *
     * @param p where the stream task stands in its input (see {@link #silentInData})
     */
    void advance(SiteState s, Progress p, Changes ch) {
        long now = ch.now;
        if (!s.gateways.isEmpty()) {
            long silentFor = now - Math.max(s.lastHeardWall, p.taskStart());
            Condition u = s.conditions.get(UNREACHABLE_KEY);
            if (u == null) {
                if (silentFor >= cfg.unreachableAfter().toMillis() && silentInData(s, p, now)) {
                    unreachable(s, ch);
                }
            } else if (u.active && s.recoverSince >= 0) {
                if (silentFor >= cfg.unreachableAfter().toMillis() && silentInData(s, p, now)) {
                    s.recoverSince = -1;
                    flap(u, now, ch, s);
                } else if (s.lastHeardWall - s.recoverSince >= cfg.recoverAfter().toMillis()) {
                    // heartbeats kept coming (no gap of unreachableAfter) for recoverAfter
                    clear(u, s.recoverSince, now);
                    s.recoverSince = -1;
                }
            }
        }
        if (s.lastRecordAt >= 0) {
            long eventNow = s.lastRecordAt + (now - s.lastEventWall);
            for (Condition c : s.conditions.values()) {
                if (c.active && c.windowClearAt != null && eventNow >= c.windowClearAt) {
                    clear(c, c.windowClearAt, now);
                }
            }
        }
        for (Iterator<Condition> it = s.conditions.values().iterator(); it.hasNext(); ) {
            Condition c = it.next();
            if (!c.active && now - c.clearSinceWall >= clearAfter(c)) {
                it.remove();
                ch.alarms.add(alarm(s, c, Alarm.State.CLEARED, now));
                ch.structural = true;
            }
        }
        SiteSnapshot.SiteState next = computeState(s);
        if (next != s.state) {
            s.state = next;
            s.stateSince = now;
            ch.structural = true;
        }
    }

    private void unreachable(SiteState s, Changes ch) {
        ObjectNode ev = HealthJson.MAPPER.createObjectNode();
        ev.put("lastHeartbeatAt", s.lastHeardWall < 0 ? null : Instant.ofEpochMilli(s.lastHeardWall).toString());
        ev.put("unreachableAfter", cfg.unreachableAfter().toString());
        ArrayNode gws = ev.putArray("gateways");
        for (GatewayInfo g : s.gateways.values()) {
            gws.addObject().put("gateway", g.gateway()).put("lastSeen", g.lastSeen().toString())
                    .put("uplinkState", g.uplinkState());
        }
        String summary = "site " + s.site + " unreachable: no heartbeat from its " + s.gateways.size()
                + " gateway(s) for " + cfg.unreachableAfter().toSeconds() + " s";
        s.recoverSince = -1;
        raise(s, UNREACHABLE_KEY, UNREACHABLE, null, Alarm.Kind.SITE, UNREACHABLE_SEVERITY, null, null, ch.now, ev,
                null, summary, ch);
    }

    private SiteSnapshot.SiteState computeState(SiteState s) {
        if (s.conditions.containsKey(UNREACHABLE_KEY)) {
            return SiteSnapshot.SiteState.UNREACHABLE;
        }
        for (Map.Entry<String, Condition> c : s.conditions.entrySet()) {
            if (c.getValue().severity <= cfg.degradedSeverity()) {
                return SiteSnapshot.SiteState.DEGRADED;
            }
        }
        if (s.gateways.isEmpty()) {
            return SiteSnapshot.SiteState.UNKNOWN;
        }
        if (catchingUp(s)) {
            return SiteSnapshot.SiteState.CATCHING_UP;
        }
        return SiteSnapshot.SiteState.UP;
    }

    private boolean catchingUp(SiteState s) {
        return backlog(s) >= cfg.catchingUpBacklog() && drain(s) > 0;
    }

    /**
     * The wall-clock ms at which the site's heartbeat silence is to be judged (see {@link #advance}), or
     * Long.MAX_VALUE. When that moment has passed but the task is behind ({@link #silentInData} false), the next
     * check interval.
     */
    long silenceDeadline(SiteState s, Progress p, long now) {
        if (s.gateways.isEmpty()) {
            return Long.MAX_VALUE;
        }
        Condition u = s.conditions.get(UNREACHABLE_KEY);
        if (u != null && s.recoverSince < 0) {
            return Long.MAX_VALUE; // recovery itself is decided when a heartbeat arrives
        }
        long silentUntil = Math.max(s.lastHeardWall, p.taskStart()) + cfg.unreachableAfter().toMillis();
        return silentUntil > now ? silentUntil : now + cfg.checkInterval().toMillis();
    }

    /**
     * True when the site's heartbeats have been silent for {@code unreachableAfter} on the wall clock but the task is
     * behind ({@link #silentInData} false): {@link #advance} would decide nothing about it yet.
     */
    boolean awaitingData(SiteState s, Progress p, long now) {
        if (s.gateways.isEmpty()) {
            return false;
        }
        Condition u = s.conditions.get(UNREACHABLE_KEY);
        if (u != null && s.recoverSince < 0) {
            return false;
        }
        long silentUntil = Math.max(s.lastHeardWall, p.taskStart()) + cfg.unreachableAfter().toMillis();
        return silentUntil <= now && !silentInData(s, p, now);
    }

    /** The wall-clock ms at which {@link #advance} has something to do for this site, or Long.MAX_VALUE. */
    long nextDeadline(SiteState s, Progress p, long now) {
        return Math.min(silenceDeadline(s, p, now), otherDeadline(s));
    }

    /** {@link #nextDeadline} without the heartbeat silence. */
    long otherDeadline(SiteState s) {
        long d = Long.MAX_VALUE;
        for (Condition c : s.conditions.values()) {
            if (!c.active) {
                d = Math.min(d, c.clearSinceWall + clearAfter(c));
            } else if (c.windowClearAt != null && s.lastEventWall >= 0) {
                d = Math.min(d, s.lastEventWall + (c.windowClearAt - s.lastRecordAt));
            }
        }
        if (s.dirty) {
            d = Math.min(d, s.lastPublishedWall + cfg.snapshotInterval().toMillis());
        }
        return d;
    }

    // ---- alarm lifecycle ----------------------------------------------------------------------------------------

    private void raise(SiteState s, String ck, String type, String rule, Alarm.Kind kind, int severity, String host,
                       String key, long at, JsonNode evidence, Long windowClearAt, String summary, Changes ch) {
        Condition c = s.conditions.get(ck);
        if (c == null) {
            if (s.conditions.size() >= MAX_CONDITIONS) {
                counters.inc(HealthCounters.CONDITIONS_DROPPED);
                WARN.warn("conditions", "site {} has {} open alarms already: {} on {} not raised", s.site,
                        MAX_CONDITIONS, type, host);
                return;
            }
            c = new Condition();
            c.type = type;
            c.rule = rule;
            c.kind = kind;
            c.severity = severity;
            c.host = host;
            c.key = key;
            c.raisedAt = at;
            c.alarmId = alarmId(kind, s.site, host, key, type, at);
            c.evidence = evidence;
            c.windowClearAt = windowClearAt;
            c.summary = summary;
            TopologyEntry topo = ch.topology.apply(s.site);
            c.upstream = topo == null ? null : topo.upstream();
            c.region = topo == null ? null : topo.region();
            s.conditions.put(ck, c);
            ch.alarms.add(alarm(s, c, Alarm.State.RAISED, ch.now));
            ch.structural = true;
            return;
        }
        c.evidence = evidence;
        c.windowClearAt = windowClearAt;
        if (summary != null) {
            c.summary = summary;
        }
        if (!c.active) {
            c.active = true;
            c.clearSinceWall = -1;
            c.clearedAt = -1;
            flap(c, ch.now, ch, s);
        }
    }

    /** The condition came back before its alarm cleared: counted, published as UPDATED at most once per clearAfter. */
    private void flap(Condition c, long now, Changes ch, SiteState s) {
        c.flaps++;
        if (c.lastFlapEmitWall < 0 || now - c.lastFlapEmitWall >= cfg.clearAfter().toMillis()) {
            c.lastFlapEmitWall = now;
            ch.alarms.add(alarm(s, c, Alarm.State.UPDATED, now));
        }
    }

    private static void clear(Condition c, long at, long now) {
        if (c.active) {
            c.active = false;
            c.clearSinceWall = now;
            c.clearedAt = at;
        }
    }

    /** UNREACHABLE has its own hysteresis ({@code recoverAfter}); every other alarm waits {@code clearAfter}. */
    private long clearAfter(Condition c) {
        return c.rule == null && UNREACHABLE.equals(c.type) ? 0 : cfg.clearAfter().toMillis();
    }

    /** The deterministic alarm id (see {@link Alarm}): {@code <kind>:<scope id>[#<key>]:<type>:<raisedAt ms>}. */
    static String alarmId(Alarm.Kind kind, String site, String host, String key, String type, long raisedAt) {
        String scope = kind == Alarm.Kind.DEVICE ? "device:" + site + "/" + host : "site:" + site;
        return scope + (key == null ? "" : "#" + key) + ":" + type + ":" + raisedAt;
    }

    static Alarm alarm(SiteState s, Condition c, Alarm.State state, long now) {
        return new Alarm(c.alarmId, c.type, c.kind, c.severity, state,
                new Alarm.Scope(s.site, c.host, c.upstream, c.region), Instant.ofEpochMilli(c.raisedAt),
                Instant.ofEpochMilli(now),
                state == Alarm.State.CLEARED ? Instant.ofEpochMilli(c.clearedAt) : null, c.summary,
                c.evidence == null ? HealthJson.MAPPER.createObjectNode() : c.evidence, null, List.of(s.site),
                c.flaps);
    }

    // ---- snapshot -----------------------------------------------------------------------------------------------

    boolean shouldPublish(SiteState s, Changes ch) {
        return ch.structural || s.lastPublishedWall < 0
                || (s.dirty && ch.now - s.lastPublishedWall >= cfg.snapshotInterval().toMillis());
    }

    SiteSnapshot snapshot(SiteState s, TopologyEntry topo, long now) {
        bucket(s, now);
        long backlog = backlog(s);
        double drain = drain(s);
        Long eta = s.state == SiteSnapshot.SiteState.CATCHING_UP && drain > 0
                ? (long) Math.ceil(backlog / drain) : null;
        long dropped = 0;
        for (GatewayInfo g : s.gateways.values()) {
            dropped += g.droppedTotal();
        }
        List<String> active = new ArrayList<>();
        for (Condition c : s.conditions.values()) {
            active.add(c.alarmId);
        }
        active.sort(null);
        List<MinuteBucket> history = new ArrayList<>(s.buckets.size());
        for (long[] b : s.buckets) {
            history.add(new MinuteBucket(Instant.ofEpochMilli(b[0]), b[1], b[2], b[3]));
        }
        return new SiteSnapshot(s.site, s.state, Instant.ofEpochMilli(s.stateSince),
                topo == null ? null : topo.region(), topo == null ? null : topo.upstream(),
                topo == null ? Map.of() : topo.tags(), new TreeMap<>(s.gateways), s.records, s.duplicates,
                ratePerSec(s, now), s.severities, new TreeMap<>(s.bySource), backlog, drain, eta, dropped, active,
                s.lastRecordAt < 0 ? null : Instant.ofEpochMilli(s.lastRecordAt),
                s.lastHeardWall < 0 ? null : Instant.ofEpochMilli(s.lastHeardWall), history,
                Instant.ofEpochMilli(now));
    }

    /** Unique records per second over the last 60 s: this minute's bucket plus the overlapping part of the last. */
    static double ratePerSec(SiteState s, long now) {
        long minute = now - Math.floorMod(now, MINUTE);
        double frac = (double) (now - minute) / MINUTE;
        double n = 0;
        for (long[] b : s.buckets) {
            if (b[0] == minute) {
                n += b[1];
            } else if (b[0] == minute - MINUTE) {
                n += b[1] * (1 - frac);
            }
        }
        return Math.round(n / 60.0 * 1000) / 1000.0;
    }

    /** The bucket of {@code now}'s minute, rolling the buckets forward (empty minutes carry the backlog on). */
    static long[] bucket(SiteState s, long now) {
        long minute = now - Math.floorMod(now, MINUTE);
        long[] last = s.buckets.isEmpty() ? null : s.buckets.get(s.buckets.size() - 1);
        if (last != null && last[0] >= minute) {
            return last;
        }
        long carry = last == null ? 0 : last[0] == s.peakMinute ? backlog(s) : last[3]; // a peak is not carried
        long from = last == null ? minute : Math.max(last[0] + MINUTE, minute - (MAX_BUCKETS - 1) * MINUTE);
        for (long m = from; m <= minute; m += MINUTE) {
            s.buckets.add(new long[] {m, 0, 0, carry});
        }
        while (s.buckets.size() > MAX_BUCKETS) {
            s.buckets.remove(0);
        }
        return s.buckets.get(s.buckets.size() - 1);
    }

    static long backlog(SiteState s) {
        long n = 0;
        for (GatewayInfo g : s.gateways.values()) {
            n += g.backlogRecords();
        }
        return n;
    }

    static double drain(SiteState s) {
        double n = 0;
        for (GatewayInfo g : s.gateways.values()) {
            n += g.drainRatePerSec();
        }
        return n;
    }
}
