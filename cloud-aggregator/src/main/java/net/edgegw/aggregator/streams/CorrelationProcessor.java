package net.edgegw.aggregator.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import net.edgegw.aggregator.config.AggregatorConfig.Correlation;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.streams.CorrelationEntries.Incident;
import net.edgegw.aggregator.streams.CorrelationEntries.Member;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The correlation processor after the {@code by-upstream} repartition (key {@code u:<upstream>} or
 * {@code s:<site>}). Decides which alarm versions reach {@code health.alarms}:
 * <ul>
 *   <li>{@code s:} keys (sites without an upstream) pass through at once;</li>
 *   <li>behind an upstream, a new site alarm is held down for {@code correlation.holdDown}; if meanwhile
 *   {@code minSites} distinct sites have an alarm of the same type raised within {@code correlation.window}, one
 *   INCIDENT alarm is raised (scope.upstream = suspected root cause) and the site alarms are published linked to
 *   it ({@code incidentId}); later alarms of that type join it (incident UPDATED); an alarm still held down when
 *   its hold-down ends is published alone, one that clears while held down is never published;</li>
 *   <li>an incident clears when none of its members is active and {@code correlation.clearAfter} has passed.</li>
 * </ul>
 * Not thread-safe: Kafka Streams creates one instance per task.
 */
final class CorrelationProcessor implements Processor<String, Alarm, String, Alarm> {

    private static final StringSerializer PREFIX = new StringSerializer();

    private final Correlation cfg;
    private final Duration checkInterval;
    private final HealthCounters counters;
    /** member store key -> wall-clock ms its hold-down ends. */
    private final Map<String, Long> holdDownDue = new HashMap<>();
    /** incident store key -> wall-clock ms it may clear. */
    private final Map<String, Long> clearDue = new HashMap<>();

    private ProcessorContext<String, Alarm> context;
    private KeyValueStore<String, Member> members;
    private KeyValueStore<String, Incident> incidents;

    CorrelationProcessor(Correlation cfg, Duration checkInterval, HealthCounters counters) {
        this.cfg = cfg;
        this.checkInterval = checkInterval;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, Alarm> context) {
        this.context = context;
        this.members = context.getStateStore(HealthTopology.MEMBER_STORE);
        this.incidents = context.getStateStore(HealthTopology.INCIDENT_STORE);
        holdDownDue.clear();
        clearDue.clear();
        try (KeyValueIterator<String, Member> it = members.all()) {
            while (it.hasNext()) {
                KeyValue<String, Member> kv = it.next();
                if (!kv.value.published) {
                    holdDownDue.put(kv.key, kv.value.firstSeenWall + cfg.holdDown().toMillis());
                }
            }
        }
        try (KeyValueIterator<String, Incident> it = incidents.all()) {
            while (it.hasNext()) {
                KeyValue<String, Incident> kv = it.next();
                if (kv.value.allClearSinceWall >= 0) {
                    clearDue.put(kv.key, kv.value.allClearSinceWall + cfg.clearAfter().toMillis());
                }
            }
        }
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, Alarm> record) {
        String ck = record.key();
        Alarm a = record.value();
        if (ck == null || a == null) {
            return;
        }
        long now = context.currentSystemTimeMs();
        if (!ck.startsWith("u:")) {
            emit(a, a.state(), null, now);
            return;
        }
        String mk = ck + '|' + a.id();
        Member m = members.get(mk);
        switch (a.state()) {
            case RAISED -> {
                if (m == null) {
                    raised(ck, mk, a, now);
                } else {
                    updated(mk, m, a, now);
                }
            }
            case UPDATED -> {
                if (m == null) {
                    counters.inc(HealthCounters.ALARMS_UNKNOWN);
                    raised(ck, mk, a, now);
                } else {
                    updated(mk, m, a, now);
                }
            }
            case CLEARED -> {
                if (m == null) {
                    counters.inc(HealthCounters.ALARMS_UNKNOWN);
                } else {
                    cleared(ck, mk, m, a, now);
                }
            }
        }
    }

    private void raised(String ck, String mk, Alarm a, long now) {
        String ik = ck + '|' + a.type();
        Incident inc = incidents.get(ik);
        Member m = new Member();
        m.alarm = a;
        m.firstSeenWall = now;
        if (inc != null) {
            m.published = true;
            m.incidentId = inc.alarm.id();
            members.put(mk, m);
            emit(a, Alarm.State.RAISED, m.incidentId, now);
            join(ik, inc, List.of(a), now);
            return;
        }
        members.put(mk, m);
        holdDownDue.put(mk, now + cfg.holdDown().toMillis());
        if (cfg.minSites() >= 2) {
            List<KeyValue<String, Member>> peers = peers(ck, a);
            TreeSet<String> sites = new TreeSet<>();
            for (KeyValue<String, Member> p : peers) {
                sites.add(p.value.alarm.scope().site());
            }
            if (sites.size() >= cfg.minSites()) {
                openIncident(ck, ik, peers, now);
                return;
            }
        }
        if (cfg.holdDown().isZero()) {
            publishAlone(mk, m, now);
        }
    }

    /** Unlinked members behind {@code ck} with {@code a}'s type raised within the window of {@code a}. */
    private List<KeyValue<String, Member>> peers(String ck, Alarm a) {
        List<KeyValue<String, Member>> out = new ArrayList<>();
        long w = cfg.window().toMillis();
        try (KeyValueIterator<String, Member> it = members.prefixScan(ck + '|', PREFIX)) {
            while (it.hasNext()) {
                KeyValue<String, Member> kv = it.next();
                Alarm o = kv.value.alarm;
                if (kv.value.incidentId == null && o.type().equals(a.type())
                        && kv.key.length() == ck.length() + 1 + o.id().length() // not "u:a|b|..." for "u:a"
                        && Math.abs(Duration.between(o.raisedAt(), a.raisedAt()).toMillis()) <= w) {
                    out.add(kv);
                }
            }
        }
        out.sort(Comparator.comparing((KeyValue<String, Member> kv) -> kv.value.alarm.scope().site())
                .thenComparing(kv -> kv.value.alarm.id()));
        return out;
    }

    private void openIncident(String ck, String ik, List<KeyValue<String, Member>> peers, long now) {
        String upstream = ck.substring(2);
        Alarm first = peers.get(0).value.alarm;
        Instant raisedAt = first.raisedAt();
        int severity = first.severity();
        String region = first.scope().region();
        TreeSet<String> sites = new TreeSet<>();
        for (KeyValue<String, Member> p : peers) {
            Alarm a = p.value.alarm;
            raisedAt = a.raisedAt().isBefore(raisedAt) ? a.raisedAt() : raisedAt;
            severity = Math.min(severity, a.severity());
            region = Objects.equals(region, a.scope().region()) ? region : null;
            sites.add(a.scope().site());
        }
        String type = first.type();
        String id = "upstream:" + upstream + ":" + type + ":" + raisedAt.toEpochMilli();
        ObjectNode ev = HealthJson.MAPPER.createObjectNode();
        ev.put("suspectedRootCause", upstream);
        ev.put("signal", type);
        ev.put("minSites", cfg.minSites());
        ev.put("window", cfg.window().toString());
        ev.put("affectedSites", sites.size());
        Incident inc = new Incident();
        inc.alarm = new Alarm(id, type, Alarm.Kind.INCIDENT, severity, Alarm.State.RAISED,
                new Alarm.Scope(null, null, upstream, region), raisedAt, Instant.ofEpochMilli(now), null,
                summary(type, sites.size(), upstream), ev, null, List.copyOf(sites), 0);
        context.forward(new Record<>(id, inc.alarm, now));
        for (KeyValue<String, Member> p : peers) {
            Member m = p.value;
            m.incidentId = id;
            emit(m.alarm, m.published ? Alarm.State.UPDATED : Alarm.State.RAISED, id, now);
            m.published = true;
            holdDownDue.remove(p.key);
            members.put(p.key, m);
            inc.active.put(m.alarm.id(), m.alarm.scope().site());
        }
        incidents.put(ik, inc);
    }

    /** Adds members to an open incident: UPDATED when its set of sites grows. */
    private void join(String ik, Incident inc, List<Alarm> joined, long now) {
        TreeSet<String> sites = new TreeSet<>(inc.alarm.sites());
        int severity = inc.alarm.severity();
        for (Alarm a : joined) {
            inc.active.put(a.id(), a.scope().site());
            sites.add(a.scope().site());
            severity = Math.min(severity, a.severity());
        }
        inc.allClearSinceWall = -1;
        clearDue.remove(ik);
        if (sites.size() != inc.alarm.sites().size() || severity != inc.alarm.severity()) {
            Alarm o = inc.alarm;
            ObjectNode ev = o.evidence().deepCopy();
            ev.put("affectedSites", sites.size());
            inc.alarm = new Alarm(o.id(), o.type(), o.kind(), severity, Alarm.State.UPDATED, o.scope(), o.raisedAt(),
                    Instant.ofEpochMilli(now), null, summary(o.type(), sites.size(), o.scope().upstream()), ev, null,
                    List.copyOf(sites), 0);
            context.forward(new Record<>(o.id(), inc.alarm, now));
        }
        incidents.put(ik, inc);
    }

    private void updated(String mk, Member m, Alarm a, long now) {
        m.alarm = a;
        members.put(mk, m);
        if (m.published) {
            emit(a, Alarm.State.UPDATED, m.incidentId, now);
        }
    }

    private void cleared(String ck, String mk, Member m, Alarm a, long now) {
        members.delete(mk);
        holdDownDue.remove(mk);
        if (!m.published) {
            counters.inc(HealthCounters.ALARMS_SUPPRESSED);
            return;
        }
        emit(a, Alarm.State.CLEARED, m.incidentId, now);
        if (m.incidentId != null) {
            String ik = ck + '|' + a.type();
            Incident inc = incidents.get(ik);
            if (inc != null) {
                inc.active.remove(a.id());
                if (inc.active.isEmpty()) {
                    inc.allClearSinceWall = now;
                    clearDue.put(ik, now + cfg.clearAfter().toMillis());
                }
                incidents.put(ik, inc);
            }
        }
    }

    private void tick(long ignoredTimestamp) {
        long now = context.currentSystemTimeMs();
        for (String mk : due(holdDownDue, now)) {
            holdDownDue.remove(mk);
            Member m = members.get(mk);
            if (m != null && !m.published) {
                publishAlone(mk, m, now);
            }
        }
        for (String ik : due(clearDue, now)) {
            clearDue.remove(ik);
            Incident inc = incidents.get(ik);
            if (inc != null && inc.active.isEmpty() && inc.allClearSinceWall >= 0) {
                Alarm o = inc.alarm;
                Alarm cleared = new Alarm(o.id(), o.type(), o.kind(), o.severity(), Alarm.State.CLEARED, o.scope(),
                        o.raisedAt(), Instant.ofEpochMilli(now), Instant.ofEpochMilli(inc.allClearSinceWall),
                        o.summary(), o.evidence(), null, o.sites(), o.flaps());
                context.forward(new Record<>(o.id(), cleared, now));
                incidents.delete(ik);
            }
        }
    }

    private static List<String> due(Map<String, Long> index, long now) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : index.entrySet()) {
            if (e.getValue() <= now) {
                out.add(e.getKey());
            }
        }
        out.sort(null); // deterministic output order
        return out;
    }

    private void publishAlone(String mk, Member m, long now) {
        m.published = true;
        members.put(mk, m);
        holdDownDue.remove(mk);
        emit(m.alarm, Alarm.State.RAISED, null, now);
    }

    private void emit(Alarm a, Alarm.State state, String incidentId, long now) {
        Alarm out = new Alarm(a.id(), a.type(), a.kind(), a.severity(), state, a.scope(), a.raisedAt(),
                Instant.ofEpochMilli(now), state == Alarm.State.CLEARED ? a.clearedAt() : null, a.summary(),
                a.evidence(), incidentId, a.sites(), a.flaps());
        context.forward(new Record<>(a.id(), out, now));
    }

    private static String summary(String type, int sites, String upstream) {
        return type + " at " + sites + " sites behind " + upstream + " (suspected root cause: " + upstream + ")";
    }

    @Override
    public void close() {
        holdDownDue.clear();
        clearDue.clear();
    }
}
