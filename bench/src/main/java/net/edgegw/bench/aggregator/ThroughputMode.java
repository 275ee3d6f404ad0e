package net.edgegw.bench.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfig.Topics;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.streams.HealthCounters;
import net.edgegw.aggregator.streams.HealthTopology;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Throughput: pre-produce {@code --count} envelope records (gateway mix over {@code --sites} sites, ~{@code --dup-pct}
 * retries of recent records, ~{@code --mirror-pct} copies on the MirrorMaker 2 topic {@code region-eu.telemetry.syslog})
 * plus heartbeats, then per round: the baseline (a read_committed consumer group decoding every value) with 1 and 2
 * consumers, and the aggregator (one KafkaStreams with the health topology, exactly-once v2) with 1 and 2 stream
 * threads, each reading everything from the beginning under a fresh application id. The aggregator's outcome is
 * verified: the last health.sites snapshot of every site has exactly the unique and duplicate counts produced.
 */
final class ThroughputMode {

    static final String MIRROR_TOPIC = "region-eu.telemetry.syslog";
    static final int PARTITIONS = 4;

    private final Map<String, String> a;
    private final Path out;
    private final int count;
    private final int siteCount;
    private final int rounds;
    private final double dupPct;
    private final double mirrorPct;
    private final List<Integer> threads = new ArrayList<>();
    /** {@code --streams-props k=v,k=v}: extra Kafka Streams properties (AggregatorConfig.kafka), e.g. for an A/B. */
    private final Map<String, String> streamsProps = new TreeMap<>();
    private EmbeddedKafka kafka;

    // expected outcome
    private long[] unique;
    private long[] dups;
    private long envelopes;
    private long heartbeats;

    ThroughputMode(Map<String, String> a, Path out) {
        this.a = a;
        this.out = out;
        this.count = Support.intArg(a, "count", 1_000_000);
        this.siteCount = Support.intArg(a, "sites", 500);
        this.rounds = Support.intArg(a, "rounds", 3);
        this.dupPct = Double.parseDouble(a.getOrDefault("dup-pct", "2"));
        this.mirrorPct = Double.parseDouble(a.getOrDefault("mirror-pct", "1"));
        for (String kv : a.getOrDefault("streams-props", "").split(",")) {
            if (!kv.isBlank()) {
                streamsProps.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        for (String t : a.getOrDefault("threads", "1,2").split(",")) {
            threads.add(Integer.parseInt(t.trim()));
        }
    }

    void run() throws Exception {
        kafka = Support.broker(out.resolve("broker"), a.getOrDefault("broker-heap", "1g"));
        try {
            for (String t : List.of(Headers.TOPIC_SYSLOG, Headers.TOPIC_MQTT, Headers.TOPIC_TCP, MIRROR_TOPIC,
                    Headers.TOPIC_HEARTBEATS)) {
                kafka.createTopic(t, PARTITIONS, false);
            }
            kafka.createTopic(Headers.TOPIC_DEADLETTER, 1, false);
            kafka.createTopic("network.topology", 1, true);
            List<String> sites = Telemetry.siteNames(siteCount);
            Support.loadTopology(kafka, "network.topology", Support.upstreams(sites, 0, new Random(7)));
            produce(sites);
            List<String> summary = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                for (int t : threads) {
                    double base = baseline(r, t);
                    double agg = aggregator(r, t);
                    String line = String.format(Locale.ROOT,
                            "SUMMARY mode=throughput round=%d parallelism=%d baseline_env_per_s=%.0f "
                                    + "aggregator_env_per_s=%.0f ratio=%.3f", r, t, base, agg, agg / base);
                    summary.add(line);
                    Support.result("%s", line);
                }
            }
            summary.forEach(s -> Support.result("%s", s));
        } finally {
            kafka.close();
        }
    }

    // ---- load ---------------------------------------------------------------------------------------------------

    private void produce(List<String> sites) {
        Telemetry gen = new Telemetry(sites, 42, Double.parseDouble(a.getOrDefault("link-share", "0.01")));
        Random rnd = new Random(43);
        dups = new long[sites.size()];
        int virtualRate = 5000; // records per second of event time: N records span N / 5000 s, ending now
        long t0v = System.currentTimeMillis() - (long) count * 1000 / virtualRate;
        Instant started = Instant.ofEpochMilli(t0v - 3_600_000);
        int hbEvery = Math.max(1, 5 * virtualRate / sites.size()); // each site every 5 s of event time
        ProducerRecord<byte[], byte[]>[] ring = newRing(8192);
        int[] ringSite = new int[ring.length];
        int ringN = 0;
        long mirrored = 0;
        long retried = 0;
        long t0 = System.nanoTime();
        Support.log("producing %,d envelope records over %d sites (%.1f%% retries, %.1f%% mirrored) + heartbeats",
                count, sites.size(), dupPct, mirrorPct);
        try (KafkaProducer<byte[], byte[]> tx = Support.producer(kafka.bootstrapServers(), "aggbench-gw", "zstd");
             KafkaProducer<byte[], byte[]> hb = Support.producer(kafka.bootstrapServers(), null, "zstd")) {
            tx.initTransactions();
            tx.beginTransaction();
            long hbIdx = 0;
            for (long i = 0; i < count; i++) {
                long ts = t0v + i * 1000 / virtualRate;
                if (i % hbEvery == 0) {
                    int s = (int) (hbIdx++ % sites.size());
                    // 2% of the sites report a draining backlog (CATCHING_UP), 5% an old constant drop count
                    long backlog = s % 50 == 7 ? 5000 - (i * 4000 / count) : 0;
                    long dropped = s % 20 == 3 ? 17 : 0;
                    hb.send(Telemetry.heartbeatRecord(Headers.TOPIC_HEARTBEATS, sites.get(s),
                            Telemetry.heartbeat(sites.get(s), started, Instant.ofEpochMilli(ts), backlog,
                                    backlog > 0 ? 400.0 : 12.5, dropped, gen.issued(s)), ts));
                    heartbeats++;
                }
                double p = rnd.nextDouble() * 100;
                ProducerRecord<byte[], byte[]> rec;
                int site;
                if (p < dupPct && ringN > 0) { // a retry: the same record again, same topic
                    int k = rnd.nextInt(Math.min(ringN, ring.length));
                    rec = copy(ring[k], ring[k].topic(), ts);
                    site = ringSite[k];
                    dups[site]++;
                    retried++;
                } else if (p < dupPct + mirrorPct && ringN > 0
                        && ring[(ringN - 1) % ring.length].topic().equals(Headers.TOPIC_SYSLOG)) {
                    int k = (ringN - 1) % ring.length; // the newest syslog record also arrives via the mirror
                    rec = copy(ring[k], MIRROR_TOPIC, ts);
                    site = ringSite[k];
                    dups[site]++;
                    mirrored++;
                } else {
                    site = rnd.nextInt(sites.size());
                    Envelope e = gen.next(site, Instant.ofEpochMilli(ts));
                    rec = Telemetry.record(Telemetry.topicOf(e, ""), e, ts);
                    ring[ringN % ring.length] = rec;
                    ringSite[ringN % ring.length] = site;
                    ringN++;
                }
                tx.send(rec);
                envelopes++;
                if ((i + 1) % 10_000 == 0) {
                    tx.commitTransaction();
                    tx.beginTransaction();
                }
            }
            tx.commitTransaction();
            hb.flush();
        }
        unique = new long[sites.size()];
        long u = 0;
        for (int s = 0; s < sites.size(); s++) {
            unique[s] = gen.issued(s);
            u += unique[s];
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Support.result("PRODUCED mode=throughput envelopes=%d unique=%d retries=%d mirrored=%d heartbeats=%d "
                + "sites=%d secs=%.1f rate=%.0f", envelopes, u, retried, mirrored, heartbeats, sites.size(), secs,
                (envelopes + heartbeats) / secs);
    }

    @SuppressWarnings("unchecked")
    private static ProducerRecord<byte[], byte[]>[] newRing(int n) {
        return new ProducerRecord[n];
    }

    private static ProducerRecord<byte[], byte[]> copy(ProducerRecord<byte[], byte[]> r, String topic, long ts) {
        ProducerRecord<byte[], byte[]> c = new ProducerRecord<>(topic, null, ts, r.key(), r.value());
        for (Header h : r.headers()) {
            c.headers().add(h.key(), h.value());
        }
        return c;
    }

    // ---- baseline -----------------------------------------------------------------------------------------------

    /** A read_committed consumer group of {@code consumers} decoding every value; returns envelopes/s. */
    private double baseline(int round, int consumers) throws Exception {
        String group = "baseline-r" + round + "-c" + consumers + "-" + System.nanoTime();
        Pattern heartbeatTopics = Pattern.compile(Topics.DEFAULT_HEARTBEATS);
        Pattern all = Pattern.compile("(" + Topics.DEFAULT_TELEMETRY + ")|(" + Topics.DEFAULT_HEARTBEATS + ")");
        AtomicLong env = new AtomicLong();
        AtomicLong hbs = new AtomicLong();
        AtomicLong firstAt = new AtomicLong();
        AtomicLong sink = new AtomicLong();
        AtomicLong consumerCpuNs = new AtomicLong();
        double cpu0 = Support.processCpuSeconds();
        double bcpu0 = Support.cpuSeconds(kafka.pid());
        long t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            Thread t = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> c = Support.consumer(kafka.bootstrapServers(), group)) {
                    c.subscribe(all);
                    while (env.get() + hbs.get() < envelopes + heartbeats) {
                        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                            firstAt.compareAndSet(0, System.nanoTime());
                            if (heartbeatTopics.matcher(r.topic()).matches()) {
                                sink.addAndGet(HealthJson.MAPPER.readTree(r.value()).size());
                                hbs.incrementAndGet();
                            } else {
                                Envelope e = EnvelopeJson.decode(r.value());
                                sink.addAndGet(e.id().length() + e.receivedAt().getNano());
                                env.incrementAndGet();
                            }
                        }
                        if (System.nanoTime() - t0 > Duration.ofMinutes(20).toNanos()) {
                            throw new IllegalStateException("baseline did not finish within 20 minutes");
                        }
                    }
                    consumerCpuNs.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "baseline-consumer-" + i);
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            t.join();
        }
        long t1 = System.nanoTime();
        double secs = (t1 - t0) / 1e9;
        double fromFirst = (t1 - firstAt.get()) / 1e9;
        double rate = env.get() / fromFirst;
        Support.result("RESULT mode=throughput round=%d run=baseline consumers=%d envelopes=%d heartbeats=%d "
                        + "secs=%.2f secs_from_first=%.2f env_per_s=%.0f env_per_s_incl_start=%.0f cpu_s=%.1f "
                        + "broker_cpu_s=%.1f consumer_threads_cpu_s=%.1f load=%s", round, consumers, env.get(), hbs.get(),
                secs, fromFirst, rate, env.get() / secs, Support.processCpuSeconds() - cpu0,
                Support.cpuSeconds(kafka.pid()) - bcpu0, consumerCpuNs.get() / 1e9, Support.loadAvg());
        return rate;
    }

    // ---- aggregator ---------------------------------------------------------------------------------------------

    /** The health topology in one KafkaStreams with {@code threads} stream threads; returns envelopes/s. */
    private double aggregator(int round, int threads) throws Exception {
        String appId = "aggbench-tp-r" + round + "-t" + threads;
        Topics topics = Support.topics("health.alarms." + appId, "health.sites." + appId);
        kafka.createTopic(topics.alarms(), PARTITIONS, false);
        kafka.createTopic(topics.sites(), PARTITIONS, true);
        Path state = out.resolve("state").resolve(appId);
        Support.deleteTree(state);
        AggregatorConfig cfg = Support.config(kafka.bootstrapServers(), appId, state, threads, topics,
                Support.correlation(Support.DEFAULT_HOLD_DOWN), streamsProps);
        HealthCounters counters = new HealthCounters();
        StreamsBuilder b = new StreamsBuilder();
        HealthTopology.addTo(b, cfg, counters);
        KafkaStreams streams = new KafkaStreams(b.build(), HealthTopology.streamsProperties(cfg, counters));
        double cpu0 = Support.processCpuSeconds();
        double bcpu0 = Support.cpuSeconds(kafka.pid());
        Map<String, Long> th0 = Support.threadCpuMs();
        long t0 = System.nanoTime();
        long running = 0;
        long first = 0;
        long lastProgress = t0;
        long lastN = -1;
        streams.start();
        long n = 0;
        boolean timedOut = false;
        while (n < envelopes) {
            Support.sleep(20);
            long now = System.nanoTime();
            if (running == 0 && streams.state() == KafkaStreams.State.RUNNING) {
                running = now;
            }
            n = processed(counters);
            if (n > 0 && first == 0) {
                first = now;
            }
            if (n != lastN) {
                lastN = n;
                lastProgress = now;
            } else if (now - lastProgress > Duration.ofSeconds(120).toNanos()) {
                timedOut = true;
                break;
            }
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("aggregator " + appId + " stopped: " + streams.state());
            }
        }
        long t1 = System.nanoTime();
        double cpu = Support.processCpuSeconds() - cpu0;
        double bcpu = Support.cpuSeconds(kafka.pid()) - bcpu0;
        String hot = Support.topDelta(th0, Support.threadCpuMs(), 8);
        double secs = (t1 - t0) / 1e9;
        double fromFirst = (t1 - first) / 1e9;
        double rate = n / fromFirst;
        String load = Support.loadAvg();

        // verification (not timed): final snapshots carry exactly the counts produced
        Verification v = verify(topics, Duration.ofSeconds(90));
        Map<String, Long> lag;
        try (Admin admin = kafka.admin()) {
            lag = Support.lag(admin, appId);
        }
        long stateBytes = Support.sizeOf(state);
        streams.close(Duration.ofSeconds(60));
        Map<String, Long> onDisk = topicBytes(appId);
        Map<String, Integer> alarms = alarmSummary(topics.alarms());
        Support.result("RESULT mode=throughput round=%d run=aggregator threads=%d streams_props=%s envelopes=%d processed=%d "
                        + "secs=%.2f secs_to_running=%.2f secs_from_first=%.2f env_per_s=%.0f env_per_s_incl_start=%.0f "
                        + "cpu_s=%.1f broker_cpu_s=%.1f verified=%s sites_ok=%d/%d unique=%d/%d duplicates=%d/%d "
                        + "counters=%s alarms=%s lag_after=%s state_mb=%.1f broker_mb_on_disk=%s timed_out=%s "
                        + "threads_cpu_ms=%s load=%s",
                round, threads, nospace(streamsProps), envelopes, n, secs, running == 0 ? -1 : (running - t0) / 1e9, fromFirst, rate,
                n / secs, cpu, bcpu, v.ok && !timedOut ? "yes" : "NO", v.sitesOk, siteCount, v.unique, sum(unique),
                v.dups, sum(dups), compact(counters.snapshot()), nospace(alarms), nospace(lag), stateBytes / 1048576.0, nospace(onDisk), timedOut, hot,
                load);
        Support.deleteTree(state);
        return rate;
    }

    /** MiB of log segments on the broker: the input topics, and this application's internal topics by kind. */
    private Map<String, Long> topicBytes(String appId) throws java.io.IOException {
        Map<String, Long> out = new TreeMap<>();
        try (var dirs = java.nio.file.Files.list(kafka.dir().resolve("data"))) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString().replaceAll("-\\d+$", "");
                String kind;
                if (name.startsWith(appId + "-")) {
                    kind = name.substring(appId.length() + 1);
                } else if (name.contains("telemetry.") || name.endsWith("edge.heartbeats")) {
                    kind = "input";
                } else {
                    continue;
                }
                try (var files = java.nio.file.Files.list(d)) { // segments only: index files are preallocated
                    for (Path f : files.filter(x -> x.toString().endsWith(".log")).toList()) {
                        out.merge(kind, java.nio.file.Files.size(f), Long::sum);
                    }
                }
            }
        }
        out.replaceAll((k, v) -> v / 1048576);
        return out;
    }

    static long processed(HealthCounters c) {
        return c.get(HealthCounters.UNIQUE) + c.get(HealthCounters.DUPLICATES)
                + c.get(HealthCounters.TELEMETRY_UNDECODABLE) + c.get(HealthCounters.SITE_MISMATCH);
    }

    private record Verification(boolean ok, int sitesOk, long unique, long dups) {
    }

    /** Waits (up to {@code max}) until every site's newest snapshot has exactly the expected counts. */
    private Verification verify(Topics topics, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        var de = HealthJson.serde(SiteSnapshot.class).deserializer();
        Verification v = null;
        while (System.nanoTime() < deadline) {
            Map<String, SiteSnapshot> latest = new HashMap<>();
            Support.readToEnd(kafka.bootstrapServers(), topics.sites(), r ->
                    latest.put(new String(r.key(), StandardCharsets.UTF_8), de.deserialize(r.topic(), r.value())));
            int ok = 0;
            long u = 0;
            long d = 0;
            for (int s = 0; s < siteCount; s++) {
                SiteSnapshot snap = latest.get(String.format(Locale.ROOT, "site-%05d", s));
                if (snap == null) {
                    continue;
                }
                u += snap.records();
                d += snap.duplicates();
                if (snap.records() == unique[s] && snap.duplicates() == dups[s]) {
                    ok++;
                }
            }
            v = new Verification(ok == siteCount, ok, u, d);
            if (v.ok) {
                return v;
            }
            Support.sleep(2000);
        }
        return v;
    }

    /** kind/type/state -> count of the alarm records published. */
    private Map<String, Integer> alarmSummary(String topic) {
        Map<String, Integer> out = new TreeMap<>();
        var de = HealthJson.serde(Alarm.class).deserializer();
        Support.readToEnd(kafka.bootstrapServers(), topic, r -> {
            Alarm al = de.deserialize(topic, r.value());
            out.merge(al.kind() + "/" + al.type() + "/" + al.state(), 1, Integer::sum);
        });
        return out;
    }

    static String nospace(Object o) {
        return String.valueOf(o).replace(" ", "");
    }

    static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += x;
        }
        return s;
    }

    /** Non-zero counters only, as {name=value,...} without spaces. */
    static String compact(Map<String, Long> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> {
            if (v != 0) {
                sb.append(sb.length() > 1 ? "," : "").append(k).append('=').append(v);
            }
        });
        return sb.append('}').toString();
    }
}
