package net.edgegw.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end load tool for the gateway's syslog TCP input.
 *
 * <p>Sends {@code --count} RFC 5424 messages of {@code --size} bytes (without framing) over ONE TCP connection with
 * RFC 6587 octet-counted framing, at {@code --rate} msgs/s or {@code max}. Each message carries
 * loggen's {@code seq: <10 digits>, thread: 0, runid: <RUNID>} at the start of MSG (so the harness's kcount.sh counts
 * them too). In {@code e2e} mode a {@code read_committed} consumer
 * (started before the first send) reads {@code --topic} from the beginning until every sequence number of this run
 * was seen or nothing new arrived for {@code --idle-s} seconds, then prints one {@code LOADTOOL} line:
 * end-to-end msgs/s and MB/s (first send to the last record's broker timestamp, and to the consume time), the
 * sender's ingest rate, missing, duplicates, and the latency percentiles from send time (the moment the message is
 * handed to the socket's 64 KiB buffer) to the broker timestamp (LogAppendTime on the harness broker).
 * In {@code send} mode it only sends and prints the sender's rate (the script counts what the gateway accepted).
 *
 * <pre>
 * java -cp "bench/target/bench.jar:bench/target/lib/*" net.edgegw.bench.LoadTool \
 *   --port 29516 --count 300000 --size 200 --rate max --bootstrap 127.0.0.1:29092 --topic telemetry.syslog
 * </pre>
 */
public final class LoadTool {
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private LoadTool() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        String mode = a.getOrDefault("mode", "e2e");
        String host = a.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(req(a, "port"));
        int count = Integer.parseInt(a.getOrDefault("count", "300000"));
        int size = Integer.parseInt(a.getOrDefault("size", "200"));
        String rateS = a.getOrDefault("rate", "max");
        long rate = "max".equals(rateS) ? 0 : Long.parseLong(rateS);
        String bootstrap = a.getOrDefault("bootstrap", "127.0.0.1:29092");
        String topic = a.getOrDefault("topic", "telemetry.syslog");
        int idleS = Integer.parseInt(a.getOrDefault("idle-s", "60"));
        String runId = a.getOrDefault("run-id",
                Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 1_000_000_000L)));

        long[] sendMs = new long[count];
        Collector collector = null;
        Thread consumerThread = null;
        if (mode.equals("e2e")) {
            collector = new Collector(bootstrap, topic, runId, count, idleS);
            consumerThread = new Thread(collector, "loadtool-consumer");
            consumerThread.start();
            collector.awaitAssigned();
        } else if (!mode.equals("send")) {
            throw new IllegalArgumentException("--mode e2e|send");
        }

        long t0 = System.currentTimeMillis();
        long t0n = System.nanoTime();
        send(host, port, count, size, rate, runId, sendMs);
        long sendNanos = System.nanoTime() - t0n;
        double sendS = sendNanos / 1e9;
        double ingest = count / sendS;
        double mb = (double) count * size / 1e6;
        if (collector == null) {
            System.out.printf(Locale.ROOT,
                    "LOADTOOL mode=send run=%s count=%d size=%d rate=%s send_s=%.3f ingest_msgs_per_s=%.0f ingest_mb_per_s=%.1f%n",
                    runId, count, size, rateS, sendS, ingest, mb / sendS);
            return;
        }
        consumerThread.join();
        Collector c = collector;
        double e2eAppendS = (c.maxTs - t0) / 1000.0;
        double e2eConsumeS = (c.lastNewAtMs - t0) / 1000.0;
        Histogram h = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
        long negative = 0;
        for (int s = c.seen.nextSetBit(0); s >= 0; s = c.seen.nextSetBit(s + 1)) {
            long lat = c.tsOf[s] - sendMs[s];
            if (lat < 0) {
                negative++;
                lat = 0;
            }
            h.recordValue(Math.min(lat, h.getHighestTrackableValue()));
        }
        int unique = c.seen.cardinality();
        System.out.printf(Locale.ROOT,
                "LOADTOOL mode=e2e run=%s count=%d size=%d rate=%s unique=%d missing=%d dup=%d other_records=%d "
                        + "send_s=%.3f ingest_msgs_per_s=%.0f e2e_s=%.3f e2e_msgs_per_s=%.0f e2e_mb_per_s=%.1f "
                        + "e2e_consume_s=%.3f e2e_consume_msgs_per_s=%.0f ts_type=%s "
                        + "lat_ms_p50=%d lat_ms_p90=%d lat_ms_p99=%d lat_ms_max=%d lat_negative=%d complete=%s%n",
                runId, count, size, rateS, unique, count - unique, c.dup, c.other, sendS, ingest,
                e2eAppendS, unique / e2eAppendS, unique * (double) size / 1e6 / e2eAppendS,
                e2eConsumeS, unique / e2eConsumeS, c.tsType,
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getMaxValue(),
                negative, unique == count ? "yes" : "no");
    }

    /** Writes COUNT octet-counted messages over one connection; records each message's send time in ms. */
    static void send(String host, int port, int count, int size, long rate, String runId, long[] sendMs)
            throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSendBufferSize(1 << 20);
            s.connect(new InetSocketAddress(host, port), 10_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            String ts = TS.format(Instant.now());
            // loggen's sequence format, so that the harness's kcount.sh can count our records too
            byte[] pre = ("<134>1 " + ts + " loadtool bench - - - seq: ").getBytes(StandardCharsets.US_ASCII);
            byte[] post = (", thread: 0, runid: " + runId + " ").getBytes(StandardCharsets.US_ASCII);
            int padLen = Math.max(0, size - pre.length - 10 - post.length);
            byte[] msg = new byte[pre.length + 10 + post.length + padLen];
            System.arraycopy(pre, 0, msg, 0, pre.length);
            System.arraycopy(post, 0, msg, pre.length + 10, post.length);
            for (int i = pre.length + 10 + post.length; i < msg.length; i++) {
                msg[i] = 'x';
            }
            byte[] frame = (msg.length + " ").getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            long nowMs = System.currentTimeMillis();
            for (int i = 0; i < count; i++) {
                if (rate > 0) {
                    long due = start + (long) (i * (1e9 / rate));
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        out.flush();
                        LockSupport.parkNanos(wait);
                    }
                }
                int v = i;
                for (int d = pre.length + 9; d >= pre.length; d--) {
                    msg[d] = (byte) ('0' + v % 10);
                    v /= 10;
                }
                if ((i & 63) == 0) {
                    nowMs = System.currentTimeMillis();
                }
                sendMs[i] = nowMs;
                out.write(frame);
                out.write(msg);
            }
            out.flush();
            s.shutdownOutput();
        }
    }

    /** Consumes the topic (read_committed) and tracks this run's sequence numbers and broker timestamps. */
    static final class Collector implements Runnable {
        final String bootstrap;
        final String topic;
        final byte[] marker;
        final int count;
        final int idleS;
        final BitSet seen;
        final long[] tsOf;
        final AtomicBoolean assigned = new AtomicBoolean();
        long dup;
        long other;
        long maxTs;
        long lastNewAtMs;
        String tsType = "?";

        Collector(String bootstrap, String topic, String runId, int count, int idleS) {
            this.bootstrap = bootstrap;
            this.topic = topic;
            this.marker = (", thread: 0, runid: " + runId + " ").getBytes(StandardCharsets.US_ASCII);
            this.count = count;
            this.idleS = idleS;
            this.seen = new BitSet(count);
            this.tsOf = new long[count];
        }

        void awaitAssigned() throws InterruptedException {
            while (!assigned.get()) {
                Thread.sleep(10);
            }
        }

        @Override
        public void run() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
            try (KafkaConsumer<byte[], byte[]> c =
                         new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> tps = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 10_000;
                while (tps.isEmpty() && System.currentTimeMillis() < deadline) {
                    List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(2));
                    if (parts != null) {
                        for (PartitionInfo pi : parts) {
                            tps.add(new TopicPartition(pi.topic(), pi.partition()));
                        }
                    }
                }
                if (tps.isEmpty()) {
                    // topic not there yet (auto-created by the first produce): assume one partition
                    tps.add(new TopicPartition(topic, 0));
                }
                c.assign(tps);
                c.seekToBeginning(tps);
                assigned.set(true);
                lastNewAtMs = System.currentTimeMillis();
                long lastProgress = System.currentTimeMillis();
                while (seen.cardinality() < count) {
                    ConsumerRecords<byte[], byte[]> recs = c.poll(Duration.ofMillis(200));
                    boolean progress = false;
                    for (ConsumerRecord<byte[], byte[]> r : recs) {
                        int seq = seqOf(r.value());
                        if (seq < 0 || seq >= count) {
                            other++;
                            continue;
                        }
                        if (seen.get(seq)) {
                            dup++;
                        } else {
                            seen.set(seq);
                            tsOf[seq] = r.timestamp();
                            maxTs = Math.max(maxTs, r.timestamp());
                            progress = true;
                            if (r.timestampType() == TimestampType.LOG_APPEND_TIME) {
                                tsType = "LogAppendTime";
                            } else if (!"LogAppendTime".equals(tsType)) {
                                tsType = r.timestampType().toString();
                            }
                        }
                    }
                    long now = System.currentTimeMillis();
                    if (progress) {
                        lastNewAtMs = now;
                        lastProgress = now;
                    } else if (now - lastProgress > idleS * 1000L) {
                        break;
                    }
                }
                // a short grace poll to catch duplicates written right after the last unique record
                long end = System.currentTimeMillis() + 1000;
                while (System.currentTimeMillis() < end) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        int seq = seqOf(r.value());
                        if (seq >= 0 && seq < count && seen.get(seq)) {
                            dup++;
                        }
                    }
                }
            }
        }

        /** The 10-digit sequence number just before this run's marker in the record value, or -1. */
        int seqOf(byte[] v) {
            if (v == null) {
                return -1;
            }
            outer:
            for (int i = 10; i <= v.length - marker.length; i++) {
                for (int j = 0; j < marker.length; j++) {
                    if (v[i + j] != marker[j]) {
                        continue outer;
                    }
                }
                int n = 0;
                for (int k = i - 10; k < i; k++) {
                    int d = v[k] - '0';
                    if (d < 0 || d > 9) {
                        return -1;
                    }
                    n = n * 10 + d;
                }
                return n;
            }
            return -1;
        }
    }

    private static String req(Map<String, String> a, String k) {
        String v = a.get(k);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + k);
        }
        return v;
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("usage: --port P [--mode e2e|send] [--count N] [--size B] "
                        + "[--rate N|max] [--bootstrap H:P] [--topic T] [--idle-s S] [--host H] [--run-id ID]");
            }
            m.put(argv[i].substring(2), argv[++i]);
        }
        return m;
    }
}
