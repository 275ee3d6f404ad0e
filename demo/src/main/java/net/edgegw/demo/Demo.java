package net.edgegw.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.edgegw.core.heartbeat.Heartbeat;
import net.edgegw.core.heartbeat.HeartbeatJson;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.EmbeddedMqtt;
import net.edgegw.testkit.EmbeddedMqttPublisher;
import net.edgegw.testkit.FreePorts;
import net.edgegw.testkit.ProcessRunner;
import net.edgegw.testkit.SyslogSender;
import net.edgegw.testkit.SyslogSender.Transport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The demo: an embedded Kafka broker and an embedded MQTT broker, the packaged gateway (bin/edge-gateway) with
 * syslog TCP and UDP, MQTT and TCP (ndjson) inputs, a simulated site sending syslog (routers), MQTT (sensors, QoS 1)
 * and ndjson (energy meters), an uplink outage in the middle, and a consumer printing what arrives in Kafka; beside it
 * the packaged cloud-aggregator with its dashboard and 12 simulated sites (see {@link AggregatorDemo}).
 * Usage: {@code Demo --dist packaging/target/edge-gateway --aggregator-dist cloud-aggregator/target/cloud-aggregator
 * [--seconds 120] [--linger 0]}.
 */
public final class Demo {

    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SOURCES = List.of("syslog", "mqtt", "tcp");

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path dist = Path.of("packaging/target/edge-gateway");
        Path aggregatorDist = Path.of("cloud-aggregator/target/cloud-aggregator");
        int seconds = 120;
        int linger = 0;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--dist")) {
                dist = Path.of(args[++i]);
            } else if (args[i].equals("--aggregator-dist")) {
                aggregatorDist = Path.of(args[++i]);
            } else if (args[i].equals("--linger")) {
                linger = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--seconds")) {
                seconds = Integer.parseInt(args[++i]);
            }
        }
        Path work = Files.createTempDirectory("edge-demo-");
        say("working directory " + work);
        say("starting an embedded Kafka broker (KRaft, child JVM) ...");
        EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
        say("Kafka up at " + kafka.bootstrapServers());

        say("starting an embedded MQTT broker (HiveMQ CE, in this JVM) ...");
        EmbeddedMqtt mqtt = EmbeddedMqtt.start(work.resolve("mqtt"));
        say("MQTT up at " + mqtt.uri());

        say("starting the cloud-aggregator (packaged, child JVM) on the same Kafka broker ...");
        AggregatorDemo cloud = AggregatorDemo.start(aggregatorDist, work, kafka.bootstrapServers(), Demo::say);
        say("DASHBOARD: " + cloud.url() + "  user: admin  password: " + cloud.password()
                + "  (self-signed certificate: accept it in the browser)");

        int tcp = FreePorts.tcp();
        int udp = FreePorts.udp();
        int ndjson = FreePorts.tcp();
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                site: site-demo
                gateway: gw-1
                dataDir: %s
                tags: {region: demo}
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                  - {type: syslog, name: syslog-udp, protocol: udp, bind: "127.0.0.1:%d"}
                  - {type: mqtt, name: sensors, broker: "%s", topics: ["sensors/#"], qos: 1, hostFrom: "sensors/{device}/temp"}
                  - {type: tcp, name: meters, bind: "127.0.0.1:%d", format: ndjson, hostField: meter}
                buffer: {maxBytes: 256MiB, overflow: drop-oldest}
                uplink: {bootstrapServers: "%s", delivery: exactly-once, compression: zstd}
                heartbeat: {interval: 2s}
                """.formatted(work.resolve("gateway-data"), tcp, udp, mqtt.uri(), ndjson, kafka.bootstrapServers()));
        say("gateway config " + config + ":\n" + Files.readString(config));
        ProcessRunner gw = ProcessRunner.builder(dist.resolve("bin/edge-gateway").toString())
                .args("run", "--config", config.toString()).log(work.resolve("gateway.log")).start();
        gw.waitForLine(Pattern.compile("edge-gateway \\S+ ready"), Duration.ofSeconds(90));
        // the MQTT session (and so the broker's queue for the gateway) exists from the first subscription on:
        // what sensors publish before it goes nowhere, as with any MQTT subscriber
        gw.waitForLine(Pattern.compile("mqtt input 'sensors': connected .* subscribed"), Duration.ofSeconds(60));
        say("gateway running (pid " + gw.pid() + "), syslog on tcp/" + tcp + " and udp/" + udp
                + ", MQTT subscriber on " + mqtt.uri() + " sensors/#, ndjson on tcp/" + ndjson
                + ", log " + work.resolve("gateway.log"));

        Map<String, AtomicInteger> sent = Map.of("syslog", new AtomicInteger(), "mqtt", new AtomicInteger(),
                "tcp", new AtomicInteger());
        Map<String, Set<Integer>> seen = Map.of("syslog", new HashSet<>(), "mqtt", new HashSet<>(), "tcp", new HashSet<>());
        AtomicInteger records = new AtomicInteger();
        Thread consumer = new Thread(() -> consume(kafka.bootstrapServers(), seen, records), "demo-consumer");
        consumer.setDaemon(true);
        consumer.start();
        Thread traffic = new Thread(() -> traffic(tcp, udp, sent.get("syslog")), "demo-syslog");
        traffic.setDaemon(true);
        traffic.start();
        Thread sensors = new Thread(() -> sensors(mqtt.uri(), sent.get("mqtt")), "demo-mqtt");
        sensors.setDaemon(true);
        sensors.start();
        Thread meters = new Thread(() -> meters(ndjson, sent.get("tcp")), "demo-ndjson");
        meters.setDaemon(true);
        meters.start();

        long start = System.currentTimeMillis();
        long outageAt = seconds * 1000L / 3;
        long outageLen = Math.min(15_000, seconds * 1000L / 4);
        boolean outageDone = false;
        double progress = 0;
        while (System.currentTimeMillis() - start < seconds * 1000L) {
            long t = System.currentTimeMillis() - start;
            double now = (double) t / (seconds * 1000L);
            cloud.announce(now, progress);
            progress = now;
            cloud.tick(progress);
            if (!outageDone && t >= outageAt) {
                say(">>> UPLINK OUTAGE: stopping the Kafka broker for " + outageLen / 1000
                        + " s. The gateway keeps accepting syslog, MQTT and ndjson into its durable buffer.");
                kafka.stop();
                Thread.sleep(outageLen);
                kafka.restart();
                say(">>> Kafka is back: the gateway replays its backlog, exactly once.");
                outageDone = true;
                continue;
            }
            Thread.sleep(2000);
            synchronized (seen) {
                StringBuilder sb = new StringBuilder("sent / in Kafka (read_committed, unique):");
                for (String src : SOURCES) {
                    sb.append(String.format("  %s %d / %d", src, sent.get(src).get(), seen.get(src).size()));
                }
                say(sb + String.format("  (%d records)", records.get()));
            }
        }
        RUNNING.set(false);
        traffic.join(5000);
        sensors.join(5000);
        meters.join(5000);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            cloud.tick(1.0); // the simulated sites keep reporting
            synchronized (seen) {
                if (SOURCES.stream().allMatch(src -> seen.get(src).size() >= sent.get(src).get())) {
                    break;
                }
            }
            Thread.sleep(500);
        }
        synchronized (seen) {
            int total = 0;
            int unique = 0;
            for (String src : SOURCES) {
                total += sent.get(src).get();
                unique += seen.get(src).size();
                List<Integer> missing = new java.util.ArrayList<>();
                for (int i = 0; i < sent.get(src).get() && missing.size() < 10; i++) {
                    if (!seen.get(src).contains(i)) {
                        missing.add(i);
                    }
                }
                say(String.format("DONE %s: sent %d, delivered %d unique, %d missing%s", src, sent.get(src).get(),
                        seen.get(src).size(), sent.get(src).get() - seen.get(src).size(),
                        missing.isEmpty() ? "" : " (first: " + missing + ")"));
            }
            say(String.format("DONE: sent %d, delivered %d unique, %d duplicates, %d missing", total, unique,
                    records.get() - unique, total - unique));
        }
        cloud.report();
        if (linger > 0) {
            say("everything keeps running for " + linger + " s more (--linger): DASHBOARD " + cloud.url()
                    + "  user: admin  password: " + cloud.password());
            long until = System.currentTimeMillis() + linger * 1000L;
            while (System.currentTimeMillis() < until) {
                cloud.tick(0.99);
                Thread.sleep(2000);
            }
        }
        say("stopping the gateway (SIGTERM), the aggregator, MQTT and Kafka");
        gw.terminate(Duration.ofSeconds(30));
        cloud.close();
        mqtt.close();
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

    /** Three sensors publishing JSON readings with QoS 1 (acknowledged by the broker before they count as sent). */
    private static void sensors(String uri, AtomicInteger sent) {
        String[] devices = {"pump-1", "pump-2", "chiller-9"};
        int seq = 0;
        EmbeddedMqttPublisher pub = null;
        while (RUNNING.get()) {
            try {
                if (pub == null) {
                    pub = EmbeddedMqttPublisher.connect(uri, true);
                }
                String device = devices[seq % devices.length];
                pub.publish("sensors/" + device + "/temp", String.format(
                        "{\"seq\":%d,\"device\":\"%s\",\"celsius\":%.1f}", seq, device, 20 + (seq % 50) / 10.0), 1);
                sent.incrementAndGet();
                seq++;
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                say("sensor publisher: " + e.getMessage() + " (retrying)");
                pub = null;
                sleepQuietly(1000);
            }
        }
        if (pub != null) {
            pub.close();
        }
    }

    /** Energy meters streaming newline-delimited JSON over one TCP connection. */
    private static void meters(int port, AtomicInteger sent) {
        int seq = 0;
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            while (RUNNING.get()) {
                String line = String.format("{\"seq\":%d,\"meter\":\"m-%d\",\"kwh\":%d.%02d}%n", seq, seq % 4,
                        1000 + seq / 10, seq % 100);
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.flush();
                sent.incrementAndGet();
                seq++;
                Thread.sleep(10);
            }
        } catch (Exception e) {
            if (RUNNING.get()) {
                say("meter stream ended: " + e);
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void consume(String bootstrap, Map<String, Set<Integer>> seen, AtomicInteger records) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "true");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "edge-demo-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "2000");
        Map<String, Integer> printed = new java.util.HashMap<>();
        // a group member re-reads from the last auto-committed offset when it rejoins after the broker outage; those
        // re-reads are this reader's, not copies in Kafka, so each partition offset is counted once
        Set<String> offsetsRead = new java.util.HashSet<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of("telemetry.syslog", "telemetry.mqtt", "telemetry.tcp", "edge.heartbeats"));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.key() == null || !new String(r.key(), StandardCharsets.UTF_8).startsWith("site-demo/")) {
                        continue; // the simulated sites of the aggregator demo write here too
                    }
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    if (r.topic().equals("edge.heartbeats")) {
                        say("heartbeat: " + summarizeHeartbeat(v));
                        continue;
                    }
                    if (!offsetsRead.add(r.topic() + "-" + r.partition() + "@" + r.offset())) {
                        continue;
                    }
                    records.incrementAndGet();
                    String src = r.topic().substring("telemetry.".length());
                    Integer seq = sequenceOf(src, v);
                    if (seq != null) {
                        synchronized (seen) {
                            seen.get(src).add(seq);
                        }
                    }
                    if (printed.merge(src, 1, Integer::sum) <= 2) {
                        say("record in " + r.topic() + " key=" + new String(r.key(), StandardCharsets.UTF_8)
                                + "\n    " + v);
                    }
                }
            }
        }
    }

    private static Integer sequenceOf(String source, String value) {
        if (source.equals("syslog")) {
            java.util.OptionalInt s = SyslogSender.sequenceOf(value);
            return s.isPresent() ? s.getAsInt() : null;
        }
        try {
            JsonNode seq = JSON.readTree(value).path("payload").path("seq");
            return seq.isInt() ? seq.intValue() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String summarizeHeartbeat(String json) {
        try {
            Heartbeat h = HeartbeatJson.parse(json.getBytes(StandardCharsets.UTF_8));
            return String.format("uplink %s, backlog %d records (oldest %d ms), drained %.0f/s, dropped %d",
                    h.uplink().state(), h.backlog().records(), h.backlog().oldestUnsentAgeMs(), h.drainRatePerSec(),
                    h.dropped().total());
        } catch (RuntimeException e) {
            return json;
        }
    }

    private static void say(String s) {
        System.out.println("[demo] " + s);
        System.out.flush();
    }

}
