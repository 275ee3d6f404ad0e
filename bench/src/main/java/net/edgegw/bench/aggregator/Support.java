package net.edgegw.bench.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfig.Correlation;
import net.edgegw.aggregator.config.AggregatorConfig.Dashboard;
import net.edgegw.aggregator.config.AggregatorConfig.Dedupe;
import net.edgegw.aggregator.config.AggregatorConfig.Health;
import net.edgegw.aggregator.config.AggregatorConfig.Match;
import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.RuleScope;
import net.edgegw.aggregator.config.AggregatorConfig.Threshold;
import net.edgegw.aggregator.config.AggregatorConfig.Topics;
import net.edgegw.aggregator.config.AggregatorConfig.Window;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.core.Headers;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.io.Writer;
import java.io.InputStreamReader;
import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Shared pieces of the aggregator benchmark: arguments, broker, configuration, clients, measurements. */
final class Support {

    private Support() {
    }

    // ---- arguments ----------------------------------------------------------------------------------------------

    /** {@code --key value} pairs after the mode. */
    static Map<String, String> args(String[] argv, int from) {
        Map<String, String> m = new HashMap<>();
        for (int i = from; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --key value, got " + argv[i]);
            }
            m.put(argv[i].substring(2), argv[++i]);
        }
        return m;
    }

    static int intArg(Map<String, String> a, String k, int def) {
        return a.containsKey(k) ? Integer.parseInt(a.get(k).replace("_", "").replace(",", "")) : def;
    }

    static void log(String fmt, Object... args) {
        System.err.printf(Locale.ROOT, "%tT %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, fmt, args));
    }

    /** One machine-readable line on stdout. */
    static void result(String fmt, Object... args) {
        System.out.printf(Locale.ROOT, fmt + "%n", args);
        System.out.flush();
    }

    // ---- broker -------------------------------------------------------------------------------------------------

    /** A fresh KRaft broker in a child JVM (C2 on: this is a throughput run), in {@code dir}. */
    static EmbeddedKafka broker(Path dir, String heap) throws IOException {
        if (Files.exists(dir)) {
            deleteTree(dir);
        }
        log("starting the embedded KRaft broker in %s (heap %s)", dir, heap);
        EmbeddedKafka k = EmbeddedKafka.builder(dir)
                .jvmOptions(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC", "-XX:-UsePerfData",
                        "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true"))
                .brokerProperty("num.io.threads", "4")
                .brokerProperty("num.network.threads", "3")
                .brokerProperty("log.segment.bytes", String.valueOf(256 * 1024 * 1024))
                .brokerProperty("transaction.state.log.num.partitions", "4")
                .brokerProperty("offsets.topic.num.partitions", "4")
                .startTimeout(Duration.ofMinutes(3))
                .start();
        log("broker ready at %s (pid %d, %d ms)", k.bootstrapServers(), k.pid(), k.lastStartDuration().toMillis());
        return k;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static long sizeOf(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        long[] sum = {0};
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                try {
                    sum[0] += Files.size(p);
                } catch (IOException ignored) {
                    // deleted meanwhile (RocksDB compaction)
                }
            });
        }
        return sum[0];
    }

    // ---- aggregator configuration -------------------------------------------------------------------------------

    static final Rule CISCO_LINK = new Rule("cisco-link-down", "LINK_DOWN", 3, RuleScope.DEVICE,
            msg("syslog", "%LINK-3-UPDOWN: Interface (?<interface>\\S+), changed state to down"),
            msg("syslog", "%LINK-3-UPDOWN: Interface (?<interface>\\S+), changed state to up"), null, null,
            "interface");
    static final Rule BGP = new Rule("bgp-neighbor-down", "BGP_NEIGHBOR_DOWN", 2, RuleScope.DEVICE,
            msg("syslog", "%BGP-5-ADJCHANGE: neighbor (?<peer>\\S+).* Down"),
            msg("syslog", "%BGP-5-ADJCHANGE: neighbor (?<peer>\\S+).* Up"), null, null, "peer");
    static final Rule HOT = new Rule("cabinet-temperature", "TEMPERATURE_HIGH", 2, RuleScope.DEVICE,
            new Match("mqtt", null, null, "sensors/+/temperature", null, null, null), null,
            new Threshold("payload.value", 80.0, null, Duration.ofSeconds(60)), null, null);
    static final Rule ERROR_RATE = new Rule("site-error-rate", "ERROR_RATE", 3, RuleScope.SITE,
            new Match("syslog", null, null, null, null, 3, null), null, null,
            new Window(Duration.ofMinutes(5), 100), null);

    /** The rules of docs/aggregator-health.md's examples: event (2), threshold, sliding window. */
    static List<Rule> rules() {
        return List.of(CISCO_LINK, BGP, HOT, ERROR_RATE);
    }

    private static Match msg(String source, String regex) {
        return new Match(source, null, null, null, regex, null, null);
    }

    /** The loader's defaults (AggregatorConfigLoader): 30 s / 10 s / 1000 / 3 / 1 s / 60 s / 5 s. */
    static Health defaultHealth() {
        return new Health(Duration.ofSeconds(30), Duration.ofSeconds(10), 1000, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(5));
    }

    /** The loader's defaults with another hold-down: minSites 3, window 2 min, clearAfter 60 s. */
    static Correlation correlation(Duration holdDown) {
        return new Correlation(3, Duration.ofMinutes(2), holdDown, Duration.ofSeconds(60));
    }

    static final Duration DEFAULT_HOLD_DOWN = Duration.ofSeconds(20);

    static AggregatorConfig config(String bootstrap, String appId, Path stateDir, int threads, Topics topics,
                                   Correlation correlation, Map<String, String> kafka) {
        return new AggregatorConfig(bootstrap, kafka, appId, stateDir, threads, topics,
                new Dedupe(Duration.ofHours(24)), rules(), defaultHealth(), correlation,
                new Dashboard(new InetSocketAddress("127.0.0.1", 0), null, "admin", null, null, null, null, false,
                        Duration.ofHours(1)), null);
    }

    /** Default input patterns, network.topology, and output topics named by {@code suffix}. */
    static Topics topics(String alarms, String sites) {
        return new Topics(Topics.DEFAULT_TELEMETRY, Topics.DEFAULT_HEARTBEATS, "network.topology", alarms, sites);
    }

    // ---- topology -----------------------------------------------------------------------------------------------

    /**
     * Upstreams of 20-50 sites over {@code sites}, in order; the first group is exactly {@code firstSize} sites when
     * that is positive. Returns site -> upstream.
     */
    static Map<String, String> upstreams(List<String> sites, int firstSize, Random rnd) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int u = 0;
        while (i < sites.size()) {
            int size = (u == 0 && firstSize > 0) ? firstSize : 20 + rnd.nextInt(31);
            String up = String.format(Locale.ROOT, "agg-%03d", u++);
            for (int j = 0; j < size && i < sites.size(); j++) {
                out.put(sites.get(i++), up);
            }
        }
        return out;
    }

    /** The sites whose upstream in {@code upstreamOf} is {@code upstream}. */
    static Set<String> sitesBehind(Map<String, String> upstreamOf, String upstream) {
        Set<String> out = new HashSet<>();
        upstreamOf.forEach((site, u) -> {
            if (u.equals(upstream)) {
                out.add(site);
            }
        });
        return out;
    }

        static void loadTopology(EmbeddedKafka kafka, String topic, Map<String, String> upstreamOf) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer(kafka.bootstrapServers(), null, "lz4")) {
            for (Map.Entry<String, String> e : upstreamOf.entrySet()) {
                String region = (e.getValue().hashCode() & 1) == 0 ? "north" : "south";
                byte[] v = HealthJson.MAPPER.writeValueAsBytes(new TopologyEntry(e.getKey(), region, e.getValue(),
                        Map.of("tier", "standard")));
                p.send(new ProducerRecord<>(topic, e.getKey().getBytes(StandardCharsets.UTF_8), v));
            }
            p.flush();
        }
    }

    // ---- clients ------------------------------------------------------------------------------------------------

    /** An idempotent producer (acks=all); transactional when {@code txId} is set. */
    static KafkaProducer<byte[], byte[]> producer(String bootstrap, String txId, String compression) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L * 1024 * 1024));
        if (txId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId);
        }
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        } else {
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        }
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Assigns every partition of {@code topic} to {@code c}, positioned at the beginning; returns them. */
    static List<TopicPartition> assignFromStart(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> tps = new ArrayList<>();
        for (PartitionInfo pi : c.partitionsFor(topic)) {
            tps.add(new TopicPartition(topic, pi.partition()));
        }
        c.assign(tps);
        c.seekToBeginning(tps);
        return tps;
    }

    /** Reads {@code topic} read_committed from the beginning to its current end; returns the record count. */
    static long readToEnd(String bootstrap, String topic, Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, null)) {
            List<TopicPartition> tps = assignFromStart(c, topic);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long n = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                boolean done = true;
                for (TopicPartition tp : tps) {
                    if (c.position(tp) < end.get(tp)) {
                        done = false;
                        break;
                    }
                }
                if (done) {
                    return n;
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    visitor.accept(r);
                    n++;
                }
            }
            throw new IllegalStateException("could not read " + topic + " to its end within 2 minutes");
        }
    }

    /**
     * Consumer-group lag of {@code group}: committed offsets against the read_committed end offsets, summed per
     * topic (topics the group commits for: sources and repartition topics).
     */
    static Map<String, Long> lag(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        for (TopicPartition tp : committed.keySet()) {
            req.put(tp, OffsetSpec.latest());
        }
        Map<String, Long> out = new TreeMap<>();
        if (req.isEmpty()) {
            return out;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(req,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        committed.forEach((tp, om) -> {
            long end = ends.get(tp).offset();
            long lag = om == null ? end : Math.max(0, end - om.offset());
            out.merge(tp.topic(), lag, Long::sum);
        });
        return out;
    }

    // ---- process measurements -----------------------------------------------------------------------------------

    /** CPU seconds (user + system) of a process from /proc, or -1. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime (fields 14, 15); CLK_TCK 100
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** VmRSS and VmHWM in MiB from /proc/pid/status, as "rss/hwm". */
    static long[] rssKb(long pid) {
        long rss = -1;
        long hwm = -1;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    rss = Long.parseLong(l.replaceAll("\\D", ""));
                } else if (l.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // gone
        }
        return new long[] {rss, hwm};
    }

    /** Per-thread CPU of this JVM (ms) by thread name with digits folded, from ThreadMXBean. */
    static Map<String, Long> threadCpuMs() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            ThreadInfo ti = mx.getThreadInfo(id);
            long cpu = mx.getThreadCpuTime(id);
            if (ti == null || cpu < 0) {
                continue;
            }
            out.merge(fold(ti.getThreadName()), cpu / 1_000_000, Long::sum);
        }
        return out;
    }

    /** Thread names with UUIDs and numbers folded, so that per-run thread names group. */
    static String fold(String name) {
        return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "*")
                .replaceAll("aggbench-[A-Za-z0-9-]+?-(StreamThread|GlobalStream|producer|consumer|admin)", "$1")
                .replaceAll("\\d+", "N");
    }

    /** The {@code top} largest deltas of two {@link #threadCpuMs} snapshots, as "name=ms,...". */
    static String topDelta(Map<String, Long> before, Map<String, Long> after, int top) {
        List<Map.Entry<String, Long>> d = new ArrayList<>();
        after.forEach((k, v) -> d.add(Map.entry(k, v - before.getOrDefault(k, 0L))));
        d.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(top, d.size()); i++) {
            if (d.get(i).getValue() <= 0) {
                break;
            }
            sb.append(i == 0 ? "" : ",").append(d.get(i).getKey().replace(' ', '_')).append('=')
                    .append(d.get(i).getValue());
        }
        return sb.toString();
    }

    static double processCpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return -1;
    }

    static String loadAvg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The gateway input topics, {@code health.alarms}, compacted {@code health.sites} and {@code network.topology}. */
    static void createHealthTopics(EmbeddedKafka kafka) {
        for (String t : List.of(Headers.TOPIC_SYSLOG, Headers.TOPIC_MQTT, Headers.TOPIC_TCP,
                Headers.TOPIC_HEARTBEATS, "health.alarms")) {
            kafka.createTopic(t, ThroughputMode.PARTITIONS, false);
        }
        kafka.createTopic("health.sites", ThroughputMode.PARTITIONS, true);
        kafka.createTopic("network.topology", 1, true);
    }

    // ---- background threads and the aggregator child JVM ----------------------------------------------------

    /** Starts a daemon thread. */
    static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Reads {@code topic} from the beginning (read_committed, no group) until {@code stop}, record by record. */
    static void readFromStart(String bootstrap, String topic, AtomicBoolean stop,
                              Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, null)) {
            assignFromStart(c, topic);
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    visitor.accept(r);
                }
            }
        }
    }

    /** The child JVM's stdout lines, as they come (see {@link AggregatorChild}). */
    static BlockingQueue<String> pump(Process child) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        daemon("child-pump", () -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    q.add(l);
                }
            } catch (Exception ignored) {
                // child gone
            }
        });
        return q;
    }

    /** Sends a command line to the child and waits (120 s at most) for its answer line starting with {@code answer}. */
    static String command(Writer toChild, BlockingQueue<String> childOut, String cmd, String answer)
            throws Exception {
        toChild.write(cmd + "\n");
        toChild.flush();
        return expect(childOut, answer, 120);
    }

    /** The next child line starting with {@code prefix}, waiting at most {@code seconds}. */
    static String expect(BlockingQueue<String> q, String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String l = q.poll(1, TimeUnit.SECONDS);
            if (l != null && l.startsWith(prefix)) {
                return l;
            }
        }
        throw new IllegalStateException("the aggregator child did not answer '" + prefix + "' within " + seconds
                + " s (see child.err)");
    }
}
