package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.aggregator.rules.InstanceStates;
import net.edgegw.aggregator.rules.RecordView;
import net.edgegw.aggregator.rules.RuleEngine;
import net.edgegw.aggregator.rules.RuleInstance;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The per-site processor after the {@code by-site} repartition: every envelope and heartbeat of a site meets
 * here, in one task. Dedupes envelopes by {@code id} (window store, retention {@code dedupe.retention}, by wall
 * clock of arrival), runs the rules, tracks heartbeats and the site state, and forwards two kinds of values:
 * {@link SiteSnapshot} (key = site, to {@code health.sites}) and {@link Alarm} candidates (key = correlation key,
 * see {@link #correlationKey}). Timeouts are evaluated by wall-clock punctuation every {@code checkInterval}.
 * Not thread-safe: Kafka Streams creates one instance per task.
 */
final class SiteProcessor implements Processor<String, byte[], String, Object> {

    /** Site states kept deserialized in memory (write-through: the store always has the latest). */
    static final int CACHE_SITES = 4096;
    /** How often idle rule instances are purged. */
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(SiteProcessor.class);
    private static final RateLimitedLog WARN = new RateLimitedLog(LOG, 60, TimeUnit.SECONDS);

    private final AggregatorConfig cfg;
    private final RuleEngine engine;
    private final SiteHealth health;
    private final HealthCounters counters;
    private final long retentionMs;
    private final long idleRuleMs;
    private final Map<String, SiteState> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SiteState> eldest) {
            return size() > CACHE_SITES;
        }
    };
    /** site -> wall-clock ms of its next deadline (see {@link SiteHealth#nextDeadline}). */
    private final Map<String, Long> due = new HashMap<>();

    private ProcessorContext<String, Object> context;
    private WindowStore<String, Long> dedupe;
    private KeyValueStore<String, SiteState> sites;
    private KeyValueStore<String, RuleInstance> ruleStates;
    private KeyValueStore<String, Object> topology;
    private long taskStart;
    /** See {@link SiteHealth.Progress}. */
    private long dataTime = -1;
    private long lastReadAt;

    SiteProcessor(AggregatorConfig cfg, RuleEngine engine, HealthCounters counters) {
        this.cfg = cfg;
        this.engine = engine;
        this.health = new SiteHealth(cfg.health(), counters);
        this.counters = counters;
        this.retentionMs = cfg.dedupe().retention().toMillis();
        long longest = 0;
        for (AggregatorConfig.Rule r : cfg.rules()) {
            if (r.threshold() != null && r.threshold().hold() != null) {
                longest = Math.max(longest, r.threshold().hold().toMillis());
            }
            if (r.window() != null) {
                longest = Math.max(longest, r.window().size().toMillis());
            }
        }
        this.idleRuleMs = Math.max(Duration.ofHours(1).toMillis(), 2 * longest);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.dedupe = context.getStateStore(HealthTopology.DEDUPE_STORE);
        this.sites = context.getStateStore(HealthTopology.SITE_STORE);
        this.ruleStates = context.getStateStore(HealthTopology.RULE_STORE);
        this.topology = context.getStateStore(HealthTopology.TOPOLOGY_STORE);
        this.taskStart = context.currentSystemTimeMs();
        this.dataTime = -1;
        this.lastReadAt = taskStart;
        cache.clear();
        due.clear();
        try (KeyValueIterator<String, SiteState> it = sites.all()) {
            while (it.hasNext()) {
                KeyValue<String, SiteState> kv = it.next();
                schedule(kv.key, kv.value);
            }
        }
        context.schedule(cfg.health().checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
        context.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::purgeIdleRules);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        lastReadAt = context.currentSystemTimeMs();
        byte[] v = record.value();
        if (record.key() == null || v == null || v.length < 2) {
            counters.inc(HealthCounters.UNROUTABLE);
            return;
        }
        byte[] body = Arrays.copyOfRange(v, 1, v.length);
        if (v[0] == SiteRouter.ENVELOPE) {
            onEnvelope(record.key(), body);
        } else if (v[0] == SiteRouter.HEARTBEAT) {
            onHeartbeat(record.key(), body);
        } else {
            counters.inc(HealthCounters.UNROUTABLE);
        }
    }

    private void onEnvelope(String site, byte[] body) {
        Envelope e;
        try {
            e = EnvelopeJson.decode(body);
        } catch (RuntimeException ex) { // IllegalArgumentException, DateTimeParseException: the record is bad
            counters.inc(HealthCounters.TELEMETRY_UNDECODABLE);
            WARN.warn("envelope", "skipped a telemetry record of site {} that does not decode: {}", site,
                    ex.getMessage());
            return;
        }
        if (!site.equals(e.site())) {
            counters.inc(HealthCounters.SITE_MISMATCH);
            WARN.warn("mismatch", "skipped record {}: its site '{}' differs from its key/header site '{}'", e.id(),
                    e.site(), site);
            return;
        }
        long now = context.currentSystemTimeMs();
        SiteHealth.Changes ch = new SiteHealth.Changes(now, this::topology);
        SiteState s = load(site, ch);
        if (e.id() != null) {
            if (seen(e.id(), now)) {
                counters.inc(HealthCounters.DUPLICATES);
                health.countDuplicate(s);
                finish(s, ch);
                return;
            }
            dedupe.put(e.id(), now, now);
        } else {
            counters.inc(HealthCounters.WITHOUT_ID);
        }
        counters.inc(HealthCounters.UNIQUE);
        read(e.receivedAt(), now);
        health.countRecord(s, e, now);
        engine.onRecord(new RecordView(e), states(site), now, t -> health.apply(s, t, ch));
        health.advance(s, progress(), ch);
        finish(s, ch);
    }

    private boolean seen(String id, long now) {
        try (WindowStoreIterator<Long> it = dedupe.fetch(id, now - retentionMs, now)) {
            return it.hasNext();
        }
    }

    private void onHeartbeat(String site, byte[] body) {
        Heartbeat hb;
        try {
            hb = Heartbeat.parse(body);
        } catch (IllegalArgumentException ex) {
            counters.inc(HealthCounters.HEARTBEATS_UNDECODABLE);
            WARN.warn("heartbeat", "skipped a heartbeat of site {} that does not decode: {}", site, ex.getMessage());
            return;
        }
        if (!site.equals(hb.site())) {
            counters.inc(HealthCounters.SITE_MISMATCH);
            WARN.warn("mismatch", "skipped a heartbeat of gateway {}: its site '{}' differs from its key site '{}'",
                    hb.gateway(), hb.site(), site);
            return;
        }
        long now = context.currentSystemTimeMs();
        SiteHealth.Changes ch = new SiteHealth.Changes(now, this::topology);
        SiteState s = load(site, ch);
        read(hb.sentAt(), now);
        health.onHeartbeat(s, hb, ch);
        health.advance(s, progress(), ch);
        finish(s, ch);
    }

    private void tick(long ignoredTimestamp) {
        long now = context.currentSystemTimeMs();
        List<String> dueNow = new ArrayList<>();
        for (Map.Entry<String, Long> d : due.entrySet()) {
            if (d.getValue() <= now) {
                dueNow.add(d.getKey());
            }
        }
        dueNow.sort(null); // deterministic output order
        for (String site : dueNow) {
            SiteState s = cache.get(site);
            if (s == null) {
                s = sites.get(site);
            }
            if (s == null) {
                due.remove(site);
                continue;
            }
            SiteHealth.Progress p = progress();
            if (health.otherDeadline(s) > now && health.awaitingData(s, p, now)) {
                // behind on the input: nothing to decide yet; look again next interval without rewriting the state
                due.put(site, now + cfg.health().checkInterval().toMillis());
                continue;
            }
            SiteHealth.Changes ch = new SiteHealth.Changes(now, this::topology);
            health.advance(s, p, ch);
            finish(s, ch);
        }
    }

    /** Notes that the task has read input up to {@code t} (capped at the wall clock). */
    private void read(Instant t, long now) {
        if (t != null) {
            dataTime = Math.max(dataTime, Math.min(t.toEpochMilli(), now));
        }
    }

    private SiteHealth.Progress progress() {
        return new SiteHealth.Progress(taskStart, dataTime, lastReadAt);
    }

    private SiteState load(String site, SiteHealth.Changes ch) {
        SiteState s = cache.get(site);
        if (s == null) {
            s = sites.get(site);
        }
        if (s == null) {
            s = health.create(site, ch.now);
            ch.structural = true;
        }
        return s;
    }

    /** Stores the state, forwards alarms and (if due) the snapshot, and reschedules the site. */
    private void finish(SiteState s, SiteHealth.Changes ch) {
        for (Alarm a : ch.alarms) {
            context.forward(new Record<>(correlationKey(a), a, ch.now));
        }
        if (health.shouldPublish(s, ch)) {
            SiteSnapshot snap = health.snapshot(s, topology(s.site), ch.now);
            s.dirty = false;
            s.lastPublishedWall = ch.now;
            context.forward(new Record<>(s.site, snap, ch.now));
        }
        sites.put(s.site, s);
        cache.put(s.site, s);
        schedule(s.site, s);
    }

    private void schedule(String site, SiteState s) {
        long d = health.nextDeadline(s, progress(), context.currentSystemTimeMs());
        if (d == Long.MAX_VALUE) {
            due.remove(site);
        } else {
            due.put(site, d);
        }
    }

    /**
     * The key of an alarm candidate on the {@code by-upstream} repartition: {@code u:<upstream>} when the site
     * had an upstream when the alarm was raised (so every version of an alarm meets its incident), else
     * {@code s:<site>} (no correlation).
     */
    static String correlationKey(Alarm a) {
        return a.scope().upstream() != null ? "u:" + a.scope().upstream() : "s:" + a.scope().site();
    }

    private TopologyEntry topology(String site) {
        try {
            Object v = topology.get(site);
            if (v instanceof ValueAndTimestamp<?> vt) {
                v = vt.value();
            }
            return v instanceof TopologyEntry t ? t : null;
        } catch (SerializationException e) {
            counters.inc(HealthCounters.TOPOLOGY_UNDECODABLE);
            return null;
        }
    }

    private InstanceStates states(String site) {
        return new InstanceStates() {
            @Override
            public RuleInstance get(String key) {
                return ruleStates.get(site + '|' + key);
            }

            @Override
            public void put(String key, RuleInstance value) {
                ruleStates.put(site + '|' + key, value);
            }
        };
    }

    /** Deletes threshold and window instances that were not updated for a long time and hold no raised condition. */
    private void purgeIdleRules(long ignoredTimestamp) {
        long now = context.currentSystemTimeMs();
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, RuleInstance> it = ruleStates.all()) {
            while (it.hasNext()) {
                KeyValue<String, RuleInstance> kv = it.next();
                if (!kv.value.active && now - kv.value.touchedWall > idleRuleMs) {
                    idle.add(kv.key);
                }
            }
        }
        for (String k : idle) {
            ruleStates.delete(k);
        }
    }

    @Override
    public void close() {
        cache.clear();
        due.clear();
    }
}
