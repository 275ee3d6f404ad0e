package net.edgegw.bench.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfig.Topics;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.streams.HealthCounters;
import net.edgegw.aggregator.streams.HealthTopology;
import net.edgegw.core.Envelope;
import net.edgegw.testkit.EmbeddedKafka;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency: live gateway traffic at {@code --rate} envelopes/s over {@code --sites} sites (heartbeats every 5 s) into
 * a running aggregator; after {@code --warmup} seconds, every {@code --trigger-ms} a {@code %LINK-3-UPDOWN ... down}
 * on a new interface of a varying site (its {@code up} 2 s later). Event-to-alarm latency = the moment a
 * read_committed consumer of health.alarms returns the RAISED alarm of that interface minus the moment the trigger
 * was handed to the producer. One run per {@code --hold-downs} value (seconds), each with its own topics and
 * application id on the same broker.
 */
final class LatencyMode {

    private final Map<String, String> a;
    private final Path out;
    private EmbeddedKafka kafka;

    LatencyMode(Map<String, String> a, Path out) {
        this.a = a;
        this.out = out;
    }

    void run() throws Exception {
        kafka = Support.broker(out.resolve("broker"), a.getOrDefault("broker-heap", "1g"));
        try {
            kafka.createTopic("network.topology", 1, true);
            List<String> sites = Telemetry.siteNames(Support.intArg(a, "sites", 500));
            Support.loadTopology(kafka, "network.topology", Support.upstreams(sites, 0, new Random(7)));
            List<String> summary = new ArrayList<>();
            for (String h : a.getOrDefault("hold-downs", "0,20").split(",")) {
                summary.add(variant(sites, Integer.parseInt(h.trim())));
            }
            summary.forEach(s -> Support.result("%s", s));
        } finally {
            kafka.close();
        }
    }

    private String variant(List<String> sites, int holdDownS) throws Exception {
        int rate = Support.intArg(a, "rate", 5000);
        int seconds = Support.intArg(a, "seconds", 60);
        int warmup = Support.intArg(a, "warmup", 20);
        int triggerMs = Support.intArg(a, "trigger-ms", 100);
        int threads = Support.intArg(a, "threads", 2);
        String commitMs = a.getOrDefault("commit-ms", "100");
        String prefix = "lat-h" + holdDownS;
        String appId = "aggbench-" + prefix;
        String esc = prefix.replace("-", "\\-");
        Topics topics = new Topics("^" + esc + "\\.telemetry\\.(?!deadletter$)[A-Za-z0-9_-]+$",
                "^" + esc + "\\.edge\\.heartbeats$", "network.topology", "health.alarms." + prefix,
                "health.sites." + prefix);
        for (String t : List.of("telemetry.syslog", "telemetry.mqtt", "telemetry.tcp", "edge.heartbeats")) {
            kafka.createTopic(prefix + "." + t, ThroughputMode.PARTITIONS, false);
        }
        kafka.createTopic(topics.alarms(), ThroughputMode.PARTITIONS, false);
        kafka.createTopic(topics.sites(), ThroughputMode.PARTITIONS, true);
        Path state = out.resolve("state").resolve(appId);
        Support.deleteTree(state);
        AggregatorConfig cfg = Support.config(kafka.bootstrapServers(), appId, state, threads, topics,
                Support.correlation(Duration.ofSeconds(holdDownS)),
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs));
        HealthCounters counters = new HealthCounters();
        StreamsBuilder b = new StreamsBuilder();
        HealthTopology.addTo(b, cfg, counters);
        KafkaStreams streams = new KafkaStreams(b.build(), HealthTopology.streamsProperties(cfg, counters));
        streams.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("aggregator not RUNNING after 120 s: " + streams.state());
            }
            Support.sleep(50);
        }
        Support.log("latency hold-down %d s: aggregator running (%d stream threads, commit.interval.ms %s)",
                holdDownS, threads, commitMs);

        // alarms as they become readable
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<long[]> arrivals = new ConcurrentLinkedQueue<>(); // {trigger, arrivalMs, linked}
        Map<String, Integer> other = new ConcurrentHashMap<>();
        Thread reader = new Thread(() -> readAlarms(topics.alarms(), stop, arrivals, other), "alarm-reader");
        reader.start();

        // live load
        int triggers = seconds * 1000 / triggerMs;
        AtomicLongArray sentAt = new AtomicLongArray(triggers);
        AtomicBoolean loadStop = new AtomicBoolean();
        long[] sent = new long[3]; // envelopes, heartbeats, triggers
        Thread load = new Thread(() -> load(sites, prefix, rate, warmup, triggerMs, triggers, sentAt, sent, loadStop),
                "load");
        double cpu0 = Support.processCpuSeconds();
        double bcpu0 = Support.cpuSeconds(kafka.pid());
        Map<String, Long> th0 = Support.threadCpuMs();
        long t0 = System.nanoTime();
        load.start();

        // wait until every trigger's RAISED is readable (or hold-down + 60 s after the last trigger)
        long end = t0 + TimeUnit.SECONDS.toNanos(warmup + seconds + holdDownS + 60L);
        Histogram all = new Histogram(TimeUnit.MINUTES.toMillis(10), 3);
        Histogram alone = new Histogram(TimeUnit.MINUTES.toMillis(10), 3);
        Histogram linked = new Histogram(TimeUnit.MINUTES.toMillis(10), 3);
        Histogram secondHalf = new Histogram(TimeUnit.MINUTES.toMillis(10), 3); // triggers of the last half
        boolean[] got = new boolean[triggers];
        int received = 0;
        long lagMax = 0;
        long lastLag = System.nanoTime();
        List<String> lags = new ArrayList<>();
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() < end && received < triggers) {
                long[] x;
                while ((x = arrivals.poll()) != null) {
                    int k = (int) x[0];
                    if (k >= 0 && k < triggers && !got[k] && sentAt.get(k) > 0) {
                        got[k] = true;
                        received++;
                        long lat = Math.max(0, x[1] - sentAt.get(k));
                        all.recordValue(lat);
                        (x[2] == 1 ? linked : alone).recordValue(lat);
                        if (k >= triggers / 2) {
                            secondHalf.recordValue(lat);
                        }
                    }
                }
                if (System.nanoTime() - lastLag > TimeUnit.SECONDS.toNanos(10)) {
                    lastLag = System.nanoTime();
                    Map<String, Long> l = Support.lag(admin, appId);
                    long src = l.entrySet().stream().filter(e -> !e.getKey().startsWith(appId))
                            .mapToLong(Map.Entry::getValue).sum();
                    lagMax = Math.max(lagMax, src);
                    lags.add(String.valueOf(src));
                }
                Support.sleep(20);
            }
        }
        loadStop.set(true);
        load.join();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpu = Support.processCpuSeconds() - cpu0;
        double bcpu = Support.cpuSeconds(kafka.pid()) - bcpu0;
        String hot = Support.topDelta(th0, Support.threadCpuMs(), 8);
        Support.sleep(1000);
        stop.set(true);
        reader.join();
        streams.close(Duration.ofSeconds(60));
        String line = String.format(Locale.ROOT,
                "RESULT mode=latency hold_down_s=%d commit_interval_ms=%s threads=%d rate=%d sites=%d triggers=%d "
                        + "raised=%d missing=%d lat_ms_p50=%d lat_ms_p90=%d lat_ms_p99=%d lat_ms_max=%d "
                        + "alone=%d alone_p50=%d alone_p99=%d alone_max=%d linked=%d linked_p50=%d linked_p99=%d "
                        + "linked_max=%d second_half=%d second_half_p50=%d second_half_p90=%d second_half_p99=%d "
                        + "second_half_max=%d envelopes_sent=%d heartbeats_sent=%d send_rate=%.0f source_lag_max=%d "
                        + "lag_samples=%s other_alarms=%s counters=%s cpu_s=%.1f broker_cpu_s=%.1f elapsed_s=%.0f "
                        + "threads_cpu_ms=%s load=%s",
                holdDownS, commitMs, threads, rate, sites.size(), triggers, received, triggers - received,
                p(all, 50), p(all, 90), p(all, 99), all.getMaxValue(), alone.getTotalCount(), p(alone, 50),
                p(alone, 99), alone.getMaxValue(), linked.getTotalCount(), p(linked, 50), p(linked, 99),
                linked.getMaxValue(), secondHalf.getTotalCount(), p(secondHalf, 50), p(secondHalf, 90),
                p(secondHalf, 99), secondHalf.getMaxValue(), sent[0], sent[1], sent[0] / elapsed, lagMax, String.join(",", lags),
                ThroughputMode.nospace(new TreeMap<>(other)), ThroughputMode.compact(counters.snapshot()), cpu, bcpu,
                elapsed, hot, Support.loadAvg());
        Support.result("%s", line);
        Support.deleteTree(state);
        return line;
    }

    private static long p(Histogram h, double q) {
        return h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(q);
    }

    private void load(List<String> sites, String prefix, int rate, int warmup, int triggerMs, int triggers,
                      AtomicLongArray sentAt, long[] sent, AtomicBoolean stop) {
        Telemetry gen = new Telemetry(sites, 11, 0.0); // no random link events: only the triggers raise alarms
        Instant started = Instant.now().minusSeconds(3600);
        ArrayDeque<long[]> ups = new ArrayDeque<>(); // {trigger, due ms}
        try (KafkaProducer<byte[], byte[]> p = Support.producer(kafka.bootstrapServers(), null, "zstd")) {
            long t0 = System.nanoTime();
            long hbPerS = Math.max(1, sites.size() / 5);
            int k = 0;
            while (!stop.get()) {
                long now = System.nanoTime();
                double el = (now - t0) / 1e9;
                long wall = System.currentTimeMillis();
                Instant at = Instant.ofEpochMilli(wall);
                while (sent[1] < (long) (hbPerS * el) + 1) {
                    int s = (int) (sent[1] % sites.size());
                    p.send(Telemetry.heartbeatRecord(prefix + ".edge.heartbeats", sites.get(s),
                            Telemetry.heartbeat(sites.get(s), started, at, 0, 12.5, 0, gen.issued(s)), wall));
                    sent[1]++;
                }
                while (sent[0] < (long) (rate * el)) {
                    Envelope e = gen.next(at);
                    p.send(Telemetry.record(Telemetry.topicOf(e, prefix + "."), e, wall));
                    sent[0]++;
                }
                while (k < triggers && el >= warmup + (double) k * triggerMs / 1000) {
                    int s = (int) ((k * 7919L) % sites.size());
                    Envelope e = gen.link(s, Instant.ofEpochMilli(System.currentTimeMillis()), "Gi9/" + k, true);
                    long ts = System.currentTimeMillis();
                    sentAt.set(k, ts);
                    p.send(Telemetry.record(Telemetry.topicOf(e, prefix + "."), e, ts));
                    ups.add(new long[] {k, ts + 2000});
                    k++;
                    sent[2]++;
                }
                while (!ups.isEmpty() && ups.peek()[1] <= wall) {
                    int t = (int) ups.poll()[0];
                    int s = (int) ((t * 7919L) % sites.size());
                    Envelope e = gen.link(s, at, "Gi9/" + t, false);
                    p.send(Telemetry.record(Telemetry.topicOf(e, prefix + "."), e, wall));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }
    }

    private void readAlarms(String topic, AtomicBoolean stop, ConcurrentLinkedQueue<long[]> arrivals,
                            Map<String, Integer> other) {
        var de = HealthJson.serde(Alarm.class).deserializer();
        try (KafkaConsumer<byte[], byte[]> c = Support.consumer(kafka.bootstrapServers(), null)) {
            Support.assignFromStart(c, topic);
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
                    long arrival = System.currentTimeMillis();
                    Alarm al = de.deserialize(topic, r.value());
                    int i = al.id().indexOf("#Gi9/");
                    if (al.kind() == Alarm.Kind.DEVICE && al.type().equals("LINK_DOWN") && i > 0) {
                        if (al.state() == Alarm.State.RAISED) {
                            int k = Integer.parseInt(al.id().substring(i + 5, al.id().indexOf(':', i)));
                            arrivals.add(new long[] {k, arrival, al.incidentId() == null ? 0 : 1});
                        }
                    } else {
                        other.merge(al.kind() + "/" + al.type() + "/" + al.state(), 1, Integer::sum);
                    }
                }
            }
        }
    }
}
