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

    static final String USAGE = """
            usage: Demo [--seconds N] [--linger N] [--dist DIR] [--aggregator-dist DIR]
              --seconds N            how long the simulated site sends, with an uplink outage in the middle (default 120)
              --linger N             keep everything running N seconds more to look at the dashboard; an upstream
                                     router fails again so that an incident is open while you look (default 0)
              --dist DIR             the packaged gateway (default packaging/target/edge-gateway)
              --aggregator-dist DIR  the packaged cloud-aggregator (default cloud-aggregator/target/cloud-aggregator)
            """;

    public static void main(String[] args) throws Exception {
        Path dist = Path.of("packaging/target/edge-gateway");
        Path aggregatorDist = Path.of("cloud-aggregator/target/cloud-aggregator");
        int seconds = 120;
        int linger = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(USAGE);
                return;
            }
            if (i + 1 >= args.length || !List.of("--dist", "--aggregator-dist", "--linger", "--seconds").contains(a)) {
                System.err.print("unknown option or missing value: " + a + "\n" + USAGE);
                System.exit(2);
            }
            String v = args[++i];
            switch (a) {
                case "--dist" -> dist = Path.of(v);
                case "--aggregator-dist" -> aggregatorDist = Path.of(v);
                case "--linger" -> linger = Integer.parseInt(v);
                default -> seconds = Integer.parseInt(v);
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
        say("DASHBOARD: " + cloud.url() + "  user: " + AggregatorDemo.USER + "  password: " + cloud.password()
                + "  (self-signed certificate: accept it in the browser)");

        int tcp = FreePorts.tcp();
        int udp = FreePorts.udp();
        int ndjson = FreePorts.tcp();
        int webPort = FreePorts.tcp();
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
                web: {bind: "127.0.0.1:%d"}
                """.formatted(work.resolve("gateway-data"), tcp, udp, mqtt.uri(), ndjson, kafka.bootstrapServers(),
                webPort));
        say("gateway config " + config + ":\n" + Files.readString(config));
        String gwPassword = AggregatorDemo.randomPassword();
        setGatewayPassword(dist, config, gwPassword, work);
        ProcessRunner gw = ProcessRunner.builder(dist.resolve("bin/edge-gateway").toString())
                .args("run", "--config", config.toString()).log(work.resolve("gateway.log")).start();
        gw.waitForLine(Pattern.compile("edge-gateway \\S+ ready"), Duration.ofSeconds(90));
        // the MQTT session (and so the broker's queue for the gateway) exists from the first subscription on:
        // what sensors publish before it goes nowhere, as with any MQTT subscriber
        gw.waitForLine(Pattern.compile("mqtt input 'sensors': connected .* subscribed"), Duration.ofSeconds(60));
        say("gateway running (pid " + gw.pid() + "), syslog on tcp/" + tcp + " and udp/" + udp
                + ", MQTT subscriber on " + mqtt.uri() + " sensors/#, ndjson on tcp/" + ndjson
                + ", log " + work.resolve("gateway.log"));
        gw.waitForLine(Pattern.compile("web UI listening on"), Duration.ofSeconds(60));
        say("GATEWAY UI: https://127.0.0.1:" + webPort + "/  user: admin  password: " + gwPassword
                + "  (status, live configuration, tail, events; self-signed certificate)");

        Tally tally = new Tally(SOURCES);
        startDaemon("demo-consumer", () -> consume(kafka.bootstrapServers(), tally));
        Thread traffic = startDaemon("demo-syslog", () -> traffic(tcp, udp, tally.sent("syslog")));
        Thread sensors = startDaemon("demo-mqtt", () -> sensors(mqtt.uri(), tally.sent("mqtt")));
        Thread meters = startDaemon("demo-ndjson", () -> meters(ndjson, tally.sent("tcp")));
        say("progress every 2 s: " + Tally.LEGEND);

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
            say(String.format("t+%3ds  %s", (System.currentTimeMillis() - start) / 1000, tally.progress()));
        }
        RUNNING.set(false);
        traffic.join(5000);
        sensors.join(5000);
        meters.join(5000);
        say("the devices stopped sending; waiting until everything sent is in Kafka (at most 60 s) ...");
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && !tally.complete()) {
            cloud.tick(1.0); // the simulated sites keep reporting
            Thread.sleep(500);
        }
        tally.done().forEach(Demo::say);
        cloud.report();
        if (linger > 0) {
            cloud.linger(linger);
        }
        say("stopping the gateway (SIGTERM), the aggregator, MQTT and Kafka");
        gw.terminate(Duration.ofSeconds(30));
        cloud.close();
        mqtt.close();
        kafka.close();
        say("demo files kept in " + work);
        System.exit(0);
    }

    /** {@code edge-gateway set-password --stdin}, before the gateway starts (its web UI asks for nothing else). */
    private static void setGatewayPassword(Path dist, Path config, String password, Path work) throws Exception {
        Process p = new ProcessBuilder(dist.resolve("bin/edge-gateway").toString(), "set-password", "--config",
                config.toString(), "--stdin").redirectErrorStream(true)
                .redirectOutput(work.resolve("gateway-set-password.log").toFile()).start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write((password + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("edge-gateway set-password failed: "
                    + Files.readString(work.resolve("gateway-set-password.log")));
        }
    }

    private static Thread startDaemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Syslog from a router over TCP (octet counting) and a switch over UDP, about 400 messages/s over one connection
     * each; a sequence number counts as sent before its message is written (see {@link Tally}).
     */
    private static void traffic(int tcp, int udp, AtomicInteger sent) {
        SyslogSender tcpSender = SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_OCTET_COUNTING)
                .hostname("router-7").appName("bgpd").messageSize(180).build();
        SyslogSender udpSender = SyslogSender.to("127.0.0.1", udp).transport(Transport.UDP)
                .hostname("switch-3").appName("ifmgr").messageSize(150).build();
        try (SyslogSender.Connection router = tcpSender.connect(); SyslogSender.Connection sw = udpSender.connect()) {
            while (RUNNING.get()) {
                for (int i = 0; i < 3; i++) {
                    router.sendSeq(sent.getAndIncrement());
                }
                router.flush();
                sw.sendSeq(sent.getAndIncrement());
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (RUNNING.get()) {
                say("syslog stream ended: " + e);
            }
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
                sent.set(seq + 1); // counted before it is published; a failed publish is retried with this number
                pub.publish("sensors/" + device + "/temp", String.format(
                        "{\"seq\":%d,\"device\":\"%s\",\"celsius\":%.1f}", seq, device, 20 + (seq % 50) / 10.0), 1);
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
                sent.incrementAndGet(); // counted before it is written
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.flush();
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

    private static void consume(String bootstrap, Tally tally) {
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
                    String src = r.topic().substring("telemetry.".length());
                    tally.read(src, sequenceOf(src, v));
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
