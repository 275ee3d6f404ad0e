package net.edgegw.demo;

import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.FreePorts;
import net.edgegw.testkit.ProcessRunner;
import net.edgegw.testkit.SyslogSender;
import net.edgegw.testkit.SyslogSender.Transport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The demo: an embedded Kafka broker, the packaged gateway (bin/edge-gateway) with a syslog TCP and UDP input,
 * simulated routers sending syslog, an uplink outage in the middle, and a consumer printing what arrives in Kafka.
 * Usage: {@code Demo --dist packaging/target/edge-gateway [--seconds 60]}.
 */
public final class Demo {

    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path dist = Path.of("packaging/target/edge-gateway");
        int seconds = 60;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--dist")) {
                dist = Path.of(args[++i]);
            } else if (args[i].equals("--seconds")) {
                seconds = Integer.parseInt(args[++i]);
            }
        }
        Path work = Files.createTempDirectory("edge-demo-");
        say("working directory " + work);
        say("starting an embedded Kafka broker (KRaft, child JVM) ...");
        EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
        say("Kafka up at " + kafka.bootstrapServers());

        int tcp = FreePorts.tcp();
        int udp = FreePorts.udp();
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                site: site-demo
                gateway: gw-1
                dataDir: %s
                tags: {region: demo}
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                  - {type: syslog, name: syslog-udp, protocol: udp, bind: "127.0.0.1:%d"}
                buffer: {maxBytes: 256MiB, overflow: drop-oldest}
                uplink: {bootstrapServers: "%s", delivery: exactly-once, compression: zstd}
                heartbeat: {interval: 2s}
                """.formatted(work.resolve("gateway-data"), tcp, udp, kafka.bootstrapServers()));
        say("gateway config " + config + ":\n" + Files.readString(config));
        ProcessRunner gw = ProcessRunner.builder(dist.resolve("bin/edge-gateway").toString())
                .args("run", "--config", config.toString()).log(work.resolve("gateway.log")).start();
        gw.waitForLine(Pattern.compile("edge-gateway \\S+ ready"), Duration.ofSeconds(90));
        say("gateway running (pid " + gw.pid() + "), syslog on tcp/" + tcp + " and udp/" + udp
                + ", log " + work.resolve("gateway.log"));

        AtomicInteger sent = new AtomicInteger();
        Set<Integer> seen = new HashSet<>();
        AtomicInteger records = new AtomicInteger();
        Thread consumer = new Thread(() -> consume(kafka.bootstrapServers(), seen, records), "demo-consumer");
        consumer.setDaemon(true);
        consumer.start();
        Thread traffic = new Thread(() -> traffic(tcp, udp, sent), "demo-traffic");
        traffic.setDaemon(true);
        traffic.start();

        long start = System.currentTimeMillis();
        long outageAt = seconds * 1000L / 3;
        long outageLen = Math.min(15_000, seconds * 1000L / 4);
        boolean outageDone = false;
        while (System.currentTimeMillis() - start < seconds * 1000L) {
            long t = System.currentTimeMillis() - start;
            if (!outageDone && t >= outageAt) {
                say(">>> UPLINK OUTAGE: stopping the Kafka broker for " + outageLen / 1000
                        + " s. The gateway keeps accepting syslog into its durable buffer.");
                kafka.stop();
                Thread.sleep(outageLen);
                kafka.restart();
                say(">>> Kafka is back: the gateway replays its backlog, exactly once.");
                outageDone = true;
                continue;
            }
            Thread.sleep(2000);
            synchronized (seen) {
                say(String.format("sent %d syslog messages; in Kafka (read_committed): %d records, %d unique",
                        sent.get(), records.get(), seen.size()));
            }
        }
        RUNNING.set(false);
        traffic.join(5000);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            synchronized (seen) {
                if (seen.size() >= sent.get()) {
                    break;
                }
            }
            Thread.sleep(500);
        }
        synchronized (seen) {
            say(String.format("DONE: sent %d, delivered %d unique, %d duplicates, %d missing", sent.get(), seen.size(),
                    records.get() - seen.size(), sent.get() - seen.size()));
        }
        say("stopping the gateway (SIGTERM) and Kafka");
        gw.terminate(Duration.ofSeconds(30));
        kafka.close();
        say("demo files kept in " + work);
        System.exit(0);
    }

    private static void traffic(int tcp, int udp, AtomicInteger sent) {
        int seq = 0;
        SyslogSender tcpSender = SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_OCTET_COUNTING)
                .hostname("router-7").appName("bgpd").messageSize(180).ratePerSecond(500).build();
        SyslogSender udpSender = SyslogSender.to("127.0.0.1", udp).transport(Transport.UDP)
                .hostname("switch-3").appName("ifmgr").messageSize(150).ratePerSecond(200).build();
        while (RUNNING.get()) {
            sent.addAndGet((int) tcpSender.send(seq, 500));
            seq += 500;
            sent.addAndGet((int) udpSender.send(seq, 100));
            seq += 100;
        }
    }

    private static void consume(String bootstrap, Set<Integer> seen, AtomicInteger records) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "true");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "edge-demo-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "2000");
        int printed = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of("telemetry.syslog", "edge.heartbeats"));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    if (r.topic().equals("edge.heartbeats")) {
                        say("heartbeat: " + summarizeHeartbeat(v));
                        continue;
                    }
                    records.incrementAndGet();
                    SyslogSender.sequenceOf(v).ifPresent(s -> {
                        synchronized (seen) {
                            seen.add(s);
                        }
                    });
                    if (printed < 3) {
                        printed++;
                        say("record in " + r.topic() + " key=" + new String(r.key(), StandardCharsets.UTF_8)
                                + "\n    " + v);
                    }
                }
            }
        }
    }

    private static String summarizeHeartbeat(String json) {
        try {
            var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            return String.format("uplink %s, backlog %d records (oldest %d ms), drained %.0f/s, dropped %d",
                    n.path("uplink").path("state").asText(), n.path("backlog").path("records").asLong(),
                    n.path("backlog").path("oldestUnsentAgeMs").asLong(), n.path("drainRatePerSec").asDouble(),
                    n.path("dropped").path("total").asLong());
        } catch (Exception e) {
            return json;
        }
    }

    private static void say(String s) {
        System.out.println("[demo] " + s);
        System.out.flush();
    }

}
