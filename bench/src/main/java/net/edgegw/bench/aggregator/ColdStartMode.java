package net.edgegw.bench.aggregator;

import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.core.Envelope;
import net.edgegw.core.Headers;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Cold start with a backlog: the aggregator starts (fresh application, child JVM) only after {@code --backlog}
 * seconds (default 300) of history from {@code --sites} sites (2,000, behind upstreams of 50) are already on the
 * input topics, and live load keeps coming while it catches up. Every site heartbeats every 5 s of simulated time
 * ({@code sentAt} and the record timestamp = the simulated send time), plus {@code --telemetry-rate} envelopes per
 * simulated second in the backlog ({@code receivedAt} the same) and {@code --live-rate} per second live (also for
 * the simulated time that producing the backlog took, between its end and the wall clock). The 50 sites
 * behind {@code agg-000} stop {@code --silent} seconds (120) before the end of the backlog: they really are silent.
 * Measured: time to catch up (consumer lag of the application's group), which sites got a SITE UNREACHABLE (the 50
 * silent ones vs any other: a false alarm raised while their newer heartbeats were still queued), the incidents, and
 * when the silent sites were reported. Runs until caught up + {@code --after} seconds (90), at most {@code --max-run}
 * seconds (600) after the aggregator started.
 */
final class ColdStartMode {

    static final String VICTIM = "agg-000";
    static final int SITES_PER_UPSTREAM = 50;
    private static final List<String> SOURCES = List.of(Headers.TOPIC_SYSLOG, Headers.TOPIC_MQTT, Headers.TOPIC_TCP,
            Headers.TOPIC_HEARTBEATS);

    private final Map<String, String> a;
    private final Path out;
    private EmbeddedKafka kafka;

    ColdStartMode(Map<String, String> a, Path out) {
        this.a = a;
        this.out = out;
    }

    private record Arrival(Alarm alarm, long at) {
    }

    /** What the load thread has produced so far; written by it, read by the main thread. */
    private static final class Load {
        final AtomicLong heartbeats = new AtomicLong();
        final AtomicLong envelopes = new AtomicLong();
        /** wall ms at which the simulated clock caught up with the wall clock (backlog done), 0 before. */
        final AtomicLong liveSince = new AtomicLong();
        /** newest simulated heartbeat time of any silent site. */
        final AtomicLong victimsLastBeat = new AtomicLong();
    }

    void run() throws Exception {
        int siteCount = Support.intArg(a, "sites", 2000);
        int backlogS = Support.intArg(a, "backlog", 300);
        int silentS = Support.intArg(a, "silent", 120);
        int backlogRate = Support.intArg(a, "telemetry-rate", 2000);
        int liveRate = Support.intArg(a, "live-rate", backlogRate);
        int threads = Support.intArg(a, "threads", 2);
        int holdDownS = Support.intArg(a, "hold-down", 20);
        int afterS = Support.intArg(a, "after", 90);
        int maxRunS = Support.intArg(a, "max-run", 600);
        String appId = "aggbench-coldstart";
        kafka = Support.broker(out.resolve("broker"), a.getOrDefault("broker-heap", "1g"));
        Child child = null;
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> bg = new ArrayList<>();
        try {
            Support.createHealthTopics(kafka);
            List<String> sites = Telemetry.siteNames(siteCount);
            // fixed groups of 50, so that every upstream has as many sites as the silent one
            Map<String, String> up = new LinkedHashMap<>();
            for (int i = 0; i < siteCount; i++) {
                up.put(sites.get(i), String.format(Locale.ROOT, "agg-%03d", i / SITES_PER_UPSTREAM));
            }
            Support.loadTopology(kafka, "network.topology", up);
            Set<String> victims = Support.sitesBehind(up, VICTIM);
            Support.result("TOPOLOGY mode=coldstart sites=%d upstreams=%d victim=%s victim_sites=%d backlog_s=%d "
                            + "silent_s=%d backlog_env_per_s=%d live_env_per_s=%d", siteCount,
                    new HashSet<>(up.values()).size(), VICTIM, victims.size(), backlogS, silentS, backlogRate,
                    liveRate);

            // the alarms from the very beginning, read_committed (the aggregator writes them in transactions)
            List<Arrival> alarms = new CopyOnWriteArrayList<>();
            var alarmDe = HealthJson.serde(Alarm.class).deserializer();
            bg.add(Support.daemon("alarm-reader", () -> Support.readFromStart(kafka.bootstrapServers(),
                    "health.alarms", stop, r -> alarms.add(new Arrival(
                    alarmDe.deserialize("health.alarms", r.value()), System.currentTimeMillis())))));

            // the history, produced as fast as the broker takes it, then live load at the wall clock
            long produceStart = System.currentTimeMillis();
            long simStart = produceStart - backlogS * 1000L;
            long victimsStopAt = produceStart - silentS * 1000L;
            Load load = new Load();
            bg.add(Support.daemon("load", () -> load(sites, victims, simStart, backlogS * 1000L, victimsStopAt,
                    backlogRate, liveRate, stop, load)));
            while (load.liveSince.get() == 0) {
                Support.sleep(200);
            }
            long liveSince = load.liveSince.get();
            Support.result("RESULT mode=coldstart phase=backlog produce_s=%.1f heartbeats=%d envelopes=%d "
                            + "history_s=%.1f victims_last_beat_before_live_s=%.1f load=%s",
                    (liveSince - produceStart) / 1000.0, load.heartbeats.get(), load.envelopes.get(),
                    (liveSince - simStart) / 1000.0,
                    load.victimsLastBeat.get() == 0 ? -1 : (liveSince - load.victimsLastBeat.get()) / 1000.0,
                    Support.loadAvg());

            // the aggregator, alone in its JVM, fresh state: it starts behind by the whole history
            Path state = out.resolve("state");
            long launchAt = System.currentTimeMillis();
            child = Child.start(a, kafka, out, state, appId, threads, holdDownS);
            long readyAt = System.currentTimeMillis();
            Support.log("aggregator child JVM running (pid %d, %d stream threads, hold-down %d s), %.1f s after "
                            + "launch; oldest unread record %.0f s old", child.pid(), threads, holdDownS,
                    (readyAt - launchAt) / 1000.0, (readyAt - simStart) / 1000.0);

            // until caught up + afterS: caught up = the group's lag (sources + repartitions) is at most one second
            // of live input
            long caughtUpLag = liveRate + siteCount / 5;
            long caughtUpAt = 0;
            long lagMax = 0;
            long lagAtStart = -1;
            List<String> lagSamples = new ArrayList<>();
            long nextSample = readyAt;
            try (Admin admin = kafka.admin()) {
                while (true) {
                    long now = System.currentTimeMillis();
                    if (caughtUpAt > 0 && now - caughtUpAt >= afterS * 1000L) {
                        break;
                    }
                    if (now - readyAt >= maxRunS * 1000L) {
                        Support.log("stopping at the cap of %d s: not caught up", maxRunS);
                        break;
                    }
                    long[] lag = lag(admin, appId);
                    long total = lag[0] + lag[1];
                    lagMax = Math.max(lagMax, total);
                    if (lagAtStart < 0) {
                        lagAtStart = total;
                    }
                    if (caughtUpAt == 0 && total <= caughtUpLag) {
                        caughtUpAt = System.currentTimeMillis();
                        Support.log("caught up %.1f s after start (lag %d + %d)", (caughtUpAt - readyAt) / 1000.0,
                                lag[0], lag[1]);
                    }
                    if (now >= nextSample) {
                        nextSample += 10_000;
                        lagSamples.add(lag[0] + "/" + lag[1]);
                        Counts c = count(alarms, victims);
                        Support.log("%4.0f s: source lag %d, repartition lag %d, UNREACHABLE sites: %d silent, "
                                        + "%d other; incidents %d", (now - readyAt) / 1000.0, lag[0], lag[1],
                                c.trueSites.size(), c.falseSites.size(), c.incidents.size());
                    }
                    Support.sleep(500);
                }
            }
            String counters = child.command("counters", "CHILD COUNTERS");

            // every alarm of the run
            Counts c = count(alarms, victims);
            Map<String, Integer> kinds = new TreeMap<>();
            for (Arrival x : alarms) {
                kinds.merge(x.alarm.kind() + "/" + x.alarm.type() + "/" + x.alarm.state(), 1, Integer::sum);
            }
            List<Long> trueAt = new ArrayList<>(c.trueSites.values());
            trueAt.sort(null);
            List<Long> falseAt = new ArrayList<>(c.falseSites.values());
            falseAt.sort(null);
            Set<String> falseUpstreams = new TreeSet<>();
            c.falseSites.keySet().forEach(s -> falseUpstreams.add(up.get(s)));
            Map<String, String> incidentAt = new TreeMap<>();
            c.incidents.forEach((id, at) -> incidentAt.put(id.replaceFirst(":UNREACHABLE:\\d+$", ""),
                    secs(at - readyAt)));
            double catchUp = caughtUpAt == 0 ? -1 : (caughtUpAt - readyAt) / 1000.0;
            Support.result("RESULT mode=coldstart phase=run caught_up=%s catch_up_s=%.1f behind_at_start_s=%.0f "
                            + "lag_at_start=%d lag_max=%d lag_samples=%s true_unreachable_sites=%d/%d "
                            + "true_first_s=%s true_median_s=%s true_last_s=%s false_unreachable_sites=%d "
                            + "false_upstreams=%d false_first_s=%s false_last_s=%s incidents=%d "
                            + "incident_upstreams_first_s=%s alarm_records=%s run_s=%.0f child_counters=%s load=%s",
                    caughtUpAt > 0 ? "yes" : "NO", catchUp, (readyAt - simStart) / 1000.0, lagAtStart, lagMax,
                    String.join(",", lagSamples), c.trueSites.size(), victims.size(), at(trueAt, 0, readyAt),
                    at(trueAt, trueAt.size() / 2, readyAt), at(trueAt, trueAt.size() - 1, readyAt),
                    c.falseSites.size(), falseUpstreams.size(), at(falseAt, 0, readyAt),
                    at(falseAt, falseAt.size() - 1, readyAt), c.incidents.size(), ThroughputMode.nospace(incidentAt),
                    ThroughputMode.nospace(kinds), (System.currentTimeMillis() - readyAt) / 1000.0,
                    counters.replace("CHILD COUNTERS ", "").replace(' ', '_'), Support.loadAvg());
            Support.result("SUMMARY mode=coldstart sites=%d backlog_s=%d backlog_env_per_s=%d catch_up_s=%.1f "
                            + "false_unreachable_sites=%d true_unreachable_sites=%d/%d true_reported_s=%s..%s "
                            + "incidents=%d incident_upstreams=%s",
                    siteCount, backlogS, backlogRate, catchUp, c.falseSites.size(), c.trueSites.size(),
                    victims.size(), at(trueAt, 0, readyAt), at(trueAt, trueAt.size() - 1, readyAt),
                    c.incidents.size(), ThroughputMode.nospace(incidentAt.keySet()).replace("upstream:", ""));
            child.command("quit", "CHILD CLOSED");
        } finally {
            stop.set(true);
            for (Thread t : bg) {
                t.join(30_000);
            }
            if (child != null) {
                child.close();
            }
            kafka.close();
        }
    }

    /** SITE UNREACHABLE RAISED: site -> first arrival, for the silent sites and the others; INCIDENT id -> first. */
    private record Counts(Map<String, Long> trueSites, Map<String, Long> falseSites, Map<String, Long> incidents) {
    }

    private static Counts count(List<Arrival> alarms, Set<String> victims) {
        Counts c = new Counts(new HashMap<>(), new HashMap<>(), new TreeMap<>());
        for (Arrival x : alarms) {
            Alarm al = x.alarm;
            if (al.kind() == Alarm.Kind.SITE && "UNREACHABLE".equals(al.type()) && al.state() == Alarm.State.RAISED) {
                (victims.contains(al.scope().site()) ? c.trueSites : c.falseSites).putIfAbsent(al.scope().site(),
                        x.at);
            } else if (al.kind() == Alarm.Kind.INCIDENT) {
                c.incidents.putIfAbsent(al.id(), x.at);
            }
        }
        return c;
    }

    private static String at(List<Long> sorted, int i, long t0) {
        return sorted.isEmpty() ? "-" : secs(sorted.get(i) - t0);
    }

    private static String secs(long ms) {
        return String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    /**
     * {source lag, repartition lag} of the application's group: read_committed end offsets against committed
     * offsets, a source partition without a committed offset counting whole (Support.lag only sees partitions the
     * group has committed, which right after the start would look like no lag at all).
     */
    private long[] lag(Admin admin, String appId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        for (String t : SOURCES) {
            for (int p = 0; p < ThroughputMode.PARTITIONS; p++) {
                req.put(new TopicPartition(t, p), OffsetSpec.latest());
            }
        }
        for (TopicPartition tp : committed.keySet()) {
            req.put(tp, OffsetSpec.latest());
        }
        var ends = admin.listOffsets(req, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        long src = 0;
        long rep = 0;
        for (TopicPartition tp : req.keySet()) {
            OffsetAndMetadata om = committed.get(tp);
            long lag = Math.max(0, ends.get(tp).offset() - (om == null ? 0 : om.offset()));
            if (tp.topic().startsWith(appId)) {
                rep += lag;
            } else {
                src += lag;
            }
        }
        return new long[] {src, rep};
    }

    /**
     * 10 ms ticks of a simulated clock from {@code simStart}: not paced while it is behind the wall clock (the
     * backlog), paced by the wall clock once it has caught up (live). Each site heartbeats in its slot of 5 s exactly
     * as in the fleet mode, with sentAt and the record timestamp = the simulated time; telemetry over random
     * sites that are not silent. The silent sites send nothing from {@code victimsStopAt} on.
     */
    private void load(List<String> sites, Set<String> victims, long simStart, long backlogMs, long victimsStopAt,
                      int backlogRate, int liveRate, AtomicBoolean stop, Load load) {
        Telemetry gen = new Telemetry(sites, 5, 0.0);
        Random rnd = new Random(9);
        Instant started = Instant.ofEpochMilli(simStart).minusSeconds(86_400);
        boolean[] victim = new boolean[sites.size()];
        for (int i = 0; i < sites.size(); i++) {
            victim[i] = victims.contains(sites.get(i));
        }
        int slots = 500; // 10 ms slots in 5 s
        double due = 0;
        long envelopes = 0;
        try (KafkaProducer<byte[], byte[]> p = Support.producer(kafka.bootstrapServers(), null, "zstd")) {
            long tick = 0;
            while (!stop.get()) {
                long sim = simStart + tick * 10;
                long wait = sim - System.currentTimeMillis();
                if (wait > 0) {
                    if (load.liveSince.get() == 0) {
                        p.flush(); // the whole backlog is on the broker before the aggregator starts
                        load.liveSince.set(System.currentTimeMillis());
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
                }
                Instant at = Instant.ofEpochMilli(sim);
                boolean vs = sim >= victimsStopAt;
                int slot = (int) (tick % slots);
                for (int i = slot; i < sites.size(); i += slots) {
                    if (vs && victim[i]) {
                        continue;
                    }
                    // as in the fleet mode: 1% of the sites drain a backlog, 5% report an old constant drop count
                    long backlog = i % 100 == 5 ? 5000 + (tick / 100) % 3000 : 0;
                    long dropped = i % 20 == 3 ? 17 : 0;
                    p.send(Telemetry.heartbeatRecord(Headers.TOPIC_HEARTBEATS, sites.get(i),
                            Telemetry.heartbeat(sites.get(i), started, at, backlog, backlog > 0 ? 350.0 : 12.5,
                                    dropped, gen.issued(i)), sim));
                    if (victim[i]) {
                        load.victimsLastBeat.accumulateAndGet(sim, Math::max);
                    }
                    load.heartbeats.incrementAndGet();
                }
                // the backlog rate for BACKLOG_SECONDS of history; the time its production took is filled at the
                // live rate (with a backlog rate above what the broker takes, the simulated clock would never catch up)
                due += (sim < simStart + backlogMs ? backlogRate : liveRate) / 100.0;
                while (envelopes < due) {
                    int s = rnd.nextInt(sites.size());
                    if (vs && victim[s]) {
                        continue;
                    }
                    Envelope e = gen.next(s, at);
                    p.send(Telemetry.record(Telemetry.topicOf(e, ""), e, sim));
                    envelopes++;
                    load.envelopes.incrementAndGet();
                }
                tick++;
            }
        }
    }

}
