package net.edgegw.bench.aggregator;

import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.core.Envelope;
import net.edgegw.core.Headers;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Fleet: {@code --sites} sites (default 10,000), one gateway each heartbeating every 5 s (staggered), plus
 * {@code --telemetry-rate} envelopes/s; the topology on network.topology puts the sites behind upstreams of 20-50
 * sites, the first ({@code agg-000}) with exactly 50. The aggregator runs alone in a child JVM. After warm-up and
 * {@code --seconds} of steady state (lag, health.sites records/s, CPU, heap after GC, RSS, state dir), the 50 sites
 * behind agg-000 stop heartbeating (and sending); measured: time to the INCIDENT alarm, and that exactly one
 * incident and 50 linked UNREACHABLE site alarms arrive, and no other alarm during the whole run.
 */
final class FleetMode {

    static final String VICTIM = "agg-000";
    static final int VICTIMS = 50;

    private final Map<String, String> a;
    private final Path out;
    private EmbeddedKafka kafka;

    FleetMode(Map<String, String> a, Path out) {
        this.a = a;
        this.out = out;
    }

    private record Arrival(Alarm alarm, long at) {
    }

    void run() throws Exception {
        int siteCount = Support.intArg(a, "sites", 10_000);
        int seconds = Support.intArg(a, "seconds", 180);
        int warmupMin = Support.intArg(a, "warmup", 60);
        int telemetryRate = Support.intArg(a, "telemetry-rate", 1000);
        int threads = Support.intArg(a, "threads", 2);
        int holdDownS = Support.intArg(a, "hold-down", 20);
        String appId = "aggbench-fleet";
        kafka = Support.broker(out.resolve("broker"), a.getOrDefault("broker-heap", "1g"));
        Child child = null;
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> bg = new ArrayList<>();
        try {
            Support.createHealthTopics(kafka);
            List<String> sites = Telemetry.siteNames(siteCount);
            Map<String, String> up = Support.upstreams(sites, VICTIMS, new Random(7));
            Support.loadTopology(kafka, "network.topology", up);
            Set<String> victims = Support.sitesBehind(up, VICTIM);
            Support.result("TOPOLOGY mode=fleet sites=%d upstreams=%d victim=%s victim_sites=%d", siteCount,
                    new HashSet<>(up.values()).size(), VICTIM, victims.size());

            // the aggregator, alone in its JVM
            Path state = out.resolve("state");
            child = Child.start(a, kafka, out, state, appId, threads, holdDownS);
            long childPid = child.pid();
            Support.log("aggregator child JVM running (pid %d, %d stream threads, hold-down %d s)", childPid, threads,
                    holdDownS);

            // readers
            List<Arrival> alarms = new CopyOnWriteArrayList<>();
            AtomicLong snapshots = new AtomicLong();
            Map<String, SiteSnapshot.SiteState> siteStates = new ConcurrentHashMap<>();
            bg.add(Support.daemon("alarm-reader", () -> Support.readFromStart(kafka.bootstrapServers(),
                    "health.alarms", stop, r -> alarms.add(new Arrival(
                    HealthJson.serde(Alarm.class).deserializer().deserialize("health.alarms", r.value()),
                    System.currentTimeMillis())))));
            var snapDe = HealthJson.serde(SiteSnapshot.class).deserializer();
            bg.add(Support.daemon("sites-reader", () -> Support.readFromStart(kafka.bootstrapServers(),
                    "health.sites", stop, r -> {
                snapshots.incrementAndGet();
                siteStates.put(new String(r.key(), StandardCharsets.UTF_8),
                        snapDe.deserialize("health.sites", r.value()).state());
            })));

            // the fleet
            AtomicBoolean victimsStopped = new AtomicBoolean();
            AtomicLongArray lastHb = new AtomicLongArray(siteCount);
            long[] sent = new long[2];
            bg.add(Support.daemon("fleet",
                    () -> fleet(sites, victims, telemetryRate, stop, victimsStopped, lastHb, sent)));

            // warm-up: every site seen and reported, at least warmupMin seconds
            long t0 = System.nanoTime();
            while (true) {
                long upCount = siteStates.values().stream().filter(s -> s == SiteSnapshot.SiteState.UP
                        || s == SiteSnapshot.SiteState.CATCHING_UP).count();
                double el = (System.nanoTime() - t0) / 1e9;
                if (upCount >= siteCount && el >= warmupMin) {
                    Support.log("warm-up done after %.0f s: %d sites UP/CATCHING_UP, %d snapshots so far", el,
                            upCount, snapshots.get());
                    break;
                }
                if (el > warmupMin + 300) {
                    throw new IllegalStateException("warm-up: only " + upCount + " sites UP after " + el + " s");
                }
                Support.sleep(1000);
            }

            // steady state
            Map<String, Long> th0 = threads(child);
            double cpu0 = Support.cpuSeconds(childPid);
            double bcpu0 = Support.cpuSeconds(kafka.pid());
            long snap0 = snapshots.get();
            long sent0 = sent[0];
            long hb0 = sent[1];
            long s0 = System.nanoTime();
            long srcLagMax = 0;
            long repLagMax = 0;
            long rssMax = 0;
            List<String> lagSamples = new ArrayList<>();
            try (Admin admin = kafka.admin()) {
                while (System.nanoTime() - s0 < TimeUnit.SECONDS.toNanos(seconds)) {
                    Support.sleep(10_000);
                    long[] lag = lagSplit(admin, appId);
                    srcLagMax = Math.max(srcLagMax, lag[0]);
                    repLagMax = Math.max(repLagMax, lag[1]);
                    lagSamples.add(lag[0] + "/" + lag[1]);
                    rssMax = Math.max(rssMax, Support.rssKb(childPid)[0]);
                    Support.log("steady %3.0f s: source lag %d, repartition lag %d, snapshots %d, child RSS %d MiB",
                            (System.nanoTime() - s0) / 1e9, lag[0], lag[1], snapshots.get() - snap0,
                            Support.rssKb(childPid)[0] / 1024);
                }
                double steady = (System.nanoTime() - s0) / 1e9;
                double cpu = Support.cpuSeconds(childPid) - cpu0;
                double bcpu = Support.cpuSeconds(kafka.pid()) - bcpu0;
                long snaps = snapshots.get() - snap0;
                Map<String, Long> th1 = threads(child);
                String heap = child.command("gc", "CHILD HEAP");
                long[] rss = Support.rssKb(childPid);
                long stateBytes = Support.sizeOf(state);
                String counters = child.command("counters", "CHILD COUNTERS");
                Support.result("RESULT mode=fleet phase=steady sites=%d threads=%d steady_s=%.0f "
                                + "heartbeats_per_s=%.0f envelopes_per_s=%.0f health_sites_per_s=%.1f "
                                + "source_lag_max=%d repartition_lag_max=%d lag_samples=%s child_cpu_pct=%.0f "
                                + "broker_cpu_pct=%.0f child_rss_mb=%d child_rss_max_mb=%d child_hwm_mb=%d "
                                + "child_heap_after_gc_mb=%.1f heap_line=\"%s\" state_dir_mb=%.1f child_counters=%s "
                                + "child_threads_cpu_ms=%s load=%s",
                        siteCount, threads, steady, (sent[1] - hb0) / steady, (sent[0] - sent0) / steady,
                        snaps / steady, srcLagMax, repLagMax, String.join(",", lagSamples), 100 * cpu / steady,
                        100 * bcpu / steady, rss[0] / 1024, rssMax / 1024, rss[1] / 1024,
                        heapUsed(heap) / 1048576.0, heap, stateBytes / 1048576.0,
                        counters.replace("CHILD COUNTERS ", "").replace(' ', '_'),
                        Support.topDelta(th0, th1, 8), Support.loadAvg());

                // the upstream fails
                victimsStopped.set(true);
                long stopAt = System.currentTimeMillis();
                long lastBeat = 0;
                List<Long> victimsLast = new ArrayList<>();
                for (int i = 0; i < siteCount; i++) {
                    if (victims.contains(sites.get(i))) {
                        victimsLast.add(lastHb.get(i));
                        lastBeat = Math.max(lastBeat, lastHb.get(i));
                    }
                }
                Collections.sort(victimsLast);
                long thirdSilentDue = victimsLast.get(2) + 30_000; // unreachableAfter after the 3rd-earliest beat
                Support.log("agg-000's %d sites stopped (their last heartbeats %d..%d ms before)", victims.size(),
                        stopAt - victimsLast.get(victimsLast.size() - 1), stopAt - victimsLast.get(0));
                long incidentAt = 0;
                String incidentId = null;
                long deadline = System.currentTimeMillis() + 30_000 + holdDownS * 1000L + 120_000;
                long doneAt = 0;
                long lagDetectMax = 0;
                long lastLag = 0;
                while (System.currentTimeMillis() < deadline) {
                    for (Arrival x : alarms) {
                        if (incidentId == null && x.alarm.kind() == Alarm.Kind.INCIDENT
                                && x.alarm.state() == Alarm.State.RAISED && x.at >= stopAt) {
                            incidentId = x.alarm.id();
                            incidentAt = x.at;
                        }
                    }
                    if (System.currentTimeMillis() - lastLag > 5000) {
                        lastLag = System.currentTimeMillis();
                        lagDetectMax = Math.max(lagDetectMax, lagSplit(admin, appId)[0]);
                    }
                    if (incidentId != null && linkedSites(alarms, incidentId).size() >= victims.size()) {
                        if (doneAt == 0) {
                            doneAt = System.currentTimeMillis();
                        } else if (System.currentTimeMillis() - doneAt > 15_000) {
                            break; // 15 s more to see anything that should not come
                        }
                    }
                    Support.sleep(100);
                }
                // verification over every alarm of the run
                Map<String, List<String>> byId = new TreeMap<>();
                Map<String, Integer> kinds = new TreeMap<>();
                boolean allLinked = true;
                Set<String> siteAlarmSites = new HashSet<>();
                for (Arrival x : alarms) {
                    Alarm al = x.alarm;
                    byId.computeIfAbsent(al.id(), k -> new ArrayList<>()).add(al.state().name());
                    kinds.merge(al.kind() + "/" + al.type() + "/" + al.state(), 1, Integer::sum);
                    if (al.kind() == Alarm.Kind.SITE) {
                        siteAlarmSites.add(al.scope().site());
                        allLinked &= incidentId != null && incidentId.equals(al.incidentId());
                    }
                }
                long incidents = byId.keySet().stream().filter(id -> id.startsWith("upstream:")).count();
                long siteIds = byId.keySet().stream().filter(id -> id.startsWith("site:")).count();
                long others = byId.size() - incidents - siteIds;
                boolean unreachableOnly = byId.keySet().stream().allMatch(id -> id.contains(":UNREACHABLE:"));
                boolean ok = incidentId != null && incidents == 1 && incidentId.startsWith("upstream:" + VICTIM + ":")
                        && siteIds == victims.size() && siteAlarmSites.equals(victims) && allLinked && others == 0
                        && unreachableOnly;
                long[] rssEnd = Support.rssKb(childPid);
                Support.result("RESULT mode=fleet phase=outage verified=%s incident=%s incident_after_stop_s=%.1f "
                                + "incident_after_third_silent_due_s=%.1f all_linked_after_stop_s=%.1f incidents=%d "
                                + "site_alarm_ids=%d linked_sites=%d other_alarm_ids=%d all_linked=%s "
                                + "alarm_records=%s source_lag_max_during=%d child_rss_mb=%d child_hwm_mb=%d "
                                + "state_dir_mb=%.1f load=%s",
                        ok ? "yes" : "NO", incidentId, incidentAt == 0 ? -1 : (incidentAt - stopAt) / 1000.0,
                        incidentAt == 0 ? -1 : (incidentAt - thirdSilentDue) / 1000.0,
                        doneAt == 0 ? -1 : (doneAt - stopAt) / 1000.0, incidents, siteIds,
                        incidentId == null ? 0 : linkedSites(alarms, incidentId).size(), others, allLinked,
                        ThroughputMode.nospace(kinds), lagDetectMax, rssEnd[0] / 1024, rssEnd[1] / 1024,
                        Support.sizeOf(state) / 1048576.0, Support.loadAvg());
            }
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

    private static Set<String> linkedSites(List<Arrival> alarms, String incidentId) {
        Set<String> out = new HashSet<>();
        for (Arrival x : alarms) {
            if (x.alarm.kind() == Alarm.Kind.SITE && incidentId.equals(x.alarm.incidentId())) {
                out.add(x.alarm.scope().site());
            }
        }
        return out;
    }

    /** {source lag, repartition lag} of the application's group. */
    private static long[] lagSplit(Admin admin, String appId) throws Exception {
        long src = 0;
        long rep = 0;
        for (Map.Entry<String, Long> e : Support.lag(admin, appId).entrySet()) {
            if (e.getKey().startsWith(appId)) {
                rep += e.getValue();
            } else {
                src += e.getValue();
            }
        }
        return new long[] {src, rep};
    }

    /** 10 ms ticks: each site heartbeats in its slot of 5 s; telemetry at the given rate over random live sites. */
    private void fleet(List<String> sites, Set<String> victims, int rate, AtomicBoolean stop,
                       AtomicBoolean victimsStopped, AtomicLongArray lastHb, long[] sent) {
        Telemetry gen = new Telemetry(sites, 5, 0.0);
        Random rnd = new Random(9);
        Instant started = Instant.now().minusSeconds(86_400);
        boolean[] victim = new boolean[sites.size()];
        for (int i = 0; i < sites.size(); i++) {
            victim[i] = victims.contains(sites.get(i));
        }
        int slots = 500; // 10 ms slots in 5 s
        try (KafkaProducer<byte[], byte[]> p = Support.producer(kafka.bootstrapServers(), null, "zstd")) {
            long t0 = System.nanoTime();
            long tick = 0;
            while (!stop.get()) {
                long due = t0 + tick * 10_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long wall = System.currentTimeMillis();
                Instant at = Instant.ofEpochMilli(wall);
                int slot = (int) (tick % slots);
                boolean vs = victimsStopped.get();
                for (int i = slot; i < sites.size(); i += slots) {
                    if (vs && victim[i]) {
                        continue;
                    }
                    // 1% of the sites drain a backlog (CATCHING_UP), 5% report an old constant drop count
                    long backlog = i % 100 == 5 ? 5000 + (tick / 100) % 3000 : 0;
                    long dropped = i % 20 == 3 ? 17 : 0;
                    p.send(Telemetry.heartbeatRecord(Headers.TOPIC_HEARTBEATS, sites.get(i),
                            Telemetry.heartbeat(sites.get(i), started, at, backlog, backlog > 0 ? 350.0 : 12.5,
                                    dropped, gen.issued(i)), wall));
                    lastHb.set(i, wall);
                    sent[1]++;
                }
                long target = (tick + 1) * rate / 100;
                while (sent[0] < target) {
                    int s = rnd.nextInt(sites.size());
                    if (vs && victim[s]) {
                        continue;
                    }
                    Envelope e = gen.next(s, at);
                    p.send(Telemetry.record(Telemetry.topicOf(e, ""), e, wall));
                    sent[0]++;
                }
                tick++;
            }
        }
    }

    private static Map<String, Long> threads(Child child) throws Exception {
        String l = child.command("threads", "CHILD THREADS");
        Map<String, Long> m = new HashMap<>();
        String body = l.substring("CHILD THREADS".length()).trim();
        if (!body.isEmpty()) {
            for (String kv : body.split(",")) {
                int i = kv.lastIndexOf('=');
                m.put(kv.substring(0, i), Long.parseLong(kv.substring(i + 1)));
            }
        }
        return m;
    }

    private static long heapUsed(String heapLine) {
        for (String f : heapLine.split(" ")) {
            if (f.startsWith("used=")) {
                return Long.parseLong(f.substring(5));
            }
        }
        return -1;
    }

}
