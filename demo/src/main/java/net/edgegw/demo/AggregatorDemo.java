package net.edgegw.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import net.edgegw.core.SourceKind;
import net.edgegw.core.SyslogFields;
import net.edgegw.testkit.FreePorts;
import net.edgegw.testkit.KafkaReader;
import net.edgegw.testkit.ProcessRunner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The cloud half of the demo: loads a network topology (the demo site plus 12 simulated sites behind three upstream
 * routers), sets the dashboard password, starts the packaged {@code cloud-aggregator} on the demo's Kafka broker, and
 * runs the simulated sites' gateways (heartbeats and syslog written straight to Kafka in the gateway's formats) through
 * a scripted day: a link that goes down and up, a site catching up on a backlog, a site losing data at the edge, and
 * an upstream router failure that cuts off five sites at once (one incident, not five alarms).
 */
final class AggregatorDemo implements AutoCloseable {

    /** What happens when, as fractions of the demo's run time. */
    static final double LINK_DOWN_AT = 0.15;
    static final double LINK_UP_AT = 0.55;
    static final double DATA_LOSS_AT = 0.30;
    static final double UPSTREAM_FAILS_AT = 0.25;
    static final double UPSTREAM_BACK_AT = 0.85;
    static final String FAILING_UPSTREAM = "agg-north-1";
    static final String USER = "admin";
    /** While lingering: how long the upstream stays down, then up, then down again ... */
    static final int LINGER_DOWN_S = 150;
    static final int LINGER_UP_S = 45;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String[]> SITES = sites();

    private final String bootstrap;
    private final ProcessRunner aggregator;
    private final String url;
    private final String password;
    private final Path tlsCert;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Consumer<String> say;
    private final Instant startedAt = Instant.now();
    private long seq;

    private AggregatorDemo(String bootstrap, ProcessRunner aggregator, String url, String password, Path tlsCert,
                           Consumer<String> say) {
        this.bootstrap = bootstrap;
        this.tlsCert = tlsCert;
        this.aggregator = aggregator;
        this.url = url;
        this.password = password;
        this.say = say;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** site -> {region, upstream}: the demo site and 12 simulated ones. */
    private static Map<String, String[]> sites() {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("site-demo", new String[]{"west", "agg-west-1"});
        for (int i = 1; i <= 5; i++) {
            m.put(String.format("north-%02d", i), new String[]{"north", FAILING_UPSTREAM});
        }
        for (int i = 1; i <= 4; i++) {
            m.put(String.format("south-%02d", i), new String[]{"south", "agg-south-1"});
        }
        for (int i = 1; i <= 3; i++) {
            m.put(String.format("west-%02d", i), new String[]{"west", "agg-west-1"});
        }
        return m;
    }

    /** Loads the topology, sets the password, starts {@code bin/cloud-aggregator run} and waits until it is ready. */
    static AggregatorDemo start(Path dist, Path work, String bootstrap, Consumer<String> say) throws Exception {
        Path dir = Files.createDirectories(work.resolve("aggregator"));
        String bin = dist.resolve("bin/cloud-aggregator").toString();

        StringBuilder csv = new StringBuilder("site,region,upstream,tags\n");
        SITES.forEach((site, ru) -> csv.append(site).append(',').append(ru[0]).append(',').append(ru[1])
                .append(",tier=").append(site.equals("site-demo") ? "gold" : "standard").append('\n'));
        Path topology = dir.resolve("topology.csv");
        Files.writeString(topology, csv);
        run(ProcessRunner.builder(bin).args("topology", "load", topology.toString(), "--bootstrap-servers", bootstrap)
                .log(dir.resolve("topology-load.log")).start(), "topology load");
        say.accept("topology loaded into network.topology: " + SITES.size() + " sites behind 3 upstream routers ("
                + topology + ")");

        int port = FreePorts.tcp();
        Path config = dir.resolve("cloud-aggregator.yaml");
        Files.writeString(config, """
                bootstrapServers: "%s"
                applicationId: demo-aggregator
                stateDir: "%s"
                streamThreads: 1
                rules:
                  - name: cisco-link-updown
                    signal: LINK_DOWN
                    severity: 3
                    match: {source: syslog, message: '%%LINK-3-UPDOWN: Interface (?<ifname>[^,]+), changed state to down'}
                    clear: {source: syslog, message: '%%LINK-3-UPDOWN: Interface (?<ifname>[^,]+), changed state to up'}
                    key: ifname
                  - name: cisco-bgp-neighbour
                    signal: BGP_NEIGHBOR_DOWN
                    severity: 2
                    match: {source: syslog, message: '%%BGP-5-ADJCHANGE: neighbor (?<peer>\\S+) Down'}
                    clear: {source: syslog, message: '%%BGP-5-ADJCHANGE: neighbor (?<peer>\\S+) Up'}
                    key: peer
                health: {unreachableAfter: 30s, recoverAfter: 4s, checkInterval: 1s, clearAfter: 10s, snapshotInterval: 2s}
                correlation: {minSites: 3, window: 2m, holdDown: 5s, clearAfter: 10s}
                dashboard: {bind: "127.0.0.1:%d", username: %s, tls: true}
                """.formatted(bootstrap, dir.resolve("state"), port, USER));

        String password = randomPassword();
        Process setPassword = new ProcessBuilder(bin, "set-password", "--config", config.toString(), "--stdin")
                .redirectErrorStream(true).redirectOutput(dir.resolve("set-password.log").toFile()).start();
        try (OutputStream in = setPassword.getOutputStream()) {
            in.write((password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!setPassword.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || setPassword.exitValue() != 0) {
            throw new IllegalStateException("cloud-aggregator set-password failed: "
                    + Files.readString(dir.resolve("set-password.log")));
        }

        ProcessRunner agg = ProcessRunner.builder(bin).args("run", "--config", config.toString())
                .log(work.resolve("aggregator.log")).start();
        String ready = agg.waitForLine(Pattern.compile("cloud-aggregator \\S+ ready: dashboard"), Duration.ofSeconds(120));
        java.util.regex.Matcher m = Pattern.compile("dashboard (\\S+)").matcher(ready);
        String url = m.find() ? m.group(1) : "https://127.0.0.1:" + port + "/";
        say.accept("cloud-aggregator running (pid " + agg.pid() + "), config " + config + ", log "
                + work.resolve("aggregator.log"));
        return new AggregatorDemo(bootstrap, agg, url, password, dir.resolve("state/dashboard-tls/cert.pem"), say);
    }

    String url() {
        return url;
    }

    String password() {
        return password;
    }

    /** One tick (call every ~2 s): heartbeats and some syslog from every simulated site, following the script. */
    void tick(double progress) {
        tick(progress, progress >= UPSTREAM_FAILS_AT && progress < UPSTREAM_BACK_AT);
    }

    private void tick(double progress, boolean upstreamDown) {
        Instant now = Instant.now();
        for (Map.Entry<String, String[]> e : SITES.entrySet()) {
            String site = e.getKey();
            if (site.equals("site-demo") || (upstreamDown && e.getValue()[1].equals(FAILING_UPSTREAM))) {
                continue; // the demo site has the real gateway; the failed router's sites are cut off
            }
            long backlog = site.equals("south-04") && progress < 0.5 ? (long) (60_000 * (1 - progress * 2)) : 0;
            long dropped = site.equals("west-03") && progress >= DATA_LOSS_AT ? 1_250 : 0;
            send(Headers.TOPIC_HEARTBEATS, site + "/gw-1", heartbeat(site, now, backlog, dropped), null);
            for (int i = 0; i < 5; i++) {
                syslog(site, "rtr-1", 6, "%SYS-6-LOGGINGHOST_STARTSTOP: interface counters sample " + seq, now);
            }
        }
        script(progress, now);
        producer.flush();
    }

    private boolean linkDownSent;
    private boolean linkUpSent;

    private void script(double progress, Instant now) {
        if (!linkDownSent && progress >= LINK_DOWN_AT) {
            linkDownSent = true;
            syslog("south-02", "rtr-1", 3, "%LINK-3-UPDOWN: Interface GigabitEthernet0/2, changed state to down", now);
            say.accept(">>> south-02: rtr-1 reports GigabitEthernet0/2 down (a LINK_DOWN alarm follows after the 5 s"
                    + " hold-down)");
        }
        if (!linkUpSent && progress >= LINK_UP_AT) {
            linkUpSent = true;
            syslog("south-02", "rtr-1", 5, "%LINK-3-UPDOWN: Interface GigabitEthernet0/2, changed state to up", now);
            say.accept(">>> south-02: GigabitEthernet0/2 is up again (the alarm clears after 10 s of stability)");
        }
    }

    /** Narrates the scripted events once, when they start. */
    void announce(double progress, double previous) {
        if (previous < DATA_LOSS_AT && progress >= DATA_LOSS_AT) {
            say.accept(">>> west-03: its gateway's buffer overflowed and dropped 1,250 records: a DATA_LOSS alarm");
        }
        if (previous < UPSTREAM_FAILS_AT && progress >= UPSTREAM_FAILS_AT) {
            say.accept(">>> upstream router " + FAILING_UPSTREAM + " fails: its 5 sites go silent. After 30 s they are"
                    + " UNREACHABLE and the aggregator raises ONE incident naming " + FAILING_UPSTREAM + ".");
        }
        if (previous < UPSTREAM_BACK_AT && progress >= UPSTREAM_BACK_AT) {
            say.accept(">>> " + FAILING_UPSTREAM + " is back: the sites report again; alarms and the incident clear.");
        }
    }

    /**
     * Keeps everything running {@code seconds} more with the upstream router failing again (down
     * {@value #LINGER_DOWN_S} s, up {@value #LINGER_UP_S} s, and so on), so that the dashboard has an open incident to
     * show; says when the dashboard shows it (asked through its API, as the browser does) and when it will clear.
     */
    void linger(int seconds) throws InterruptedException {
        long start = System.currentTimeMillis();
        long end = start + seconds * 1000L;
        DashboardClient dashboard = new DashboardClient(java.net.URI.create(url), tlsCert, USER, password);
        say.accept("LINGER: everything keeps running " + seconds + " s more. DASHBOARD " + url + "  user: " + USER
                + "  password: " + password);
        boolean down = false;
        boolean shown = false;
        long nextChange = start;
        long downSince = start;
        String lastError = null;
        while (System.currentTimeMillis() < end) {
            long now = System.currentTimeMillis();
            if (now >= nextChange) {
                if (down && !shown) {
                    say.accept("the dashboard has not shown the incident yet: the aggregator may be behind (see its"
                            + " log, aggregator.log in the working directory)");
                }
                down = !down;
                shown = false;
                nextChange = Math.min(end, now + (down ? LINGER_DOWN_S : LINGER_UP_S) * 1000L);
                if (down) {
                    downSince = now;
                    say.accept(">>> LINGER: upstream router " + FAILING_UPSTREAM + " fails again: its 5 sites go silent,"
                            + " turn UNREACHABLE after 30 s and the aggregator opens ONE incident (in about 40 s;"
                            + " a line here says when). It stays down " + (nextChange - now) / 1000 + " s.");
                } else {
                    say.accept(">>> LINGER: " + FAILING_UPSTREAM + " is back: the incident clears in about 10 s; it"
                            + " fails again in " + LINGER_UP_S + " s.");
                }
            }
            tick(0.99, down);
            if (down && !shown) {
                try {
                    for (DashboardClient.Incident i : dashboard.openIncidents()) {
                        if (i.upstream().equals(FAILING_UPSTREAM) && i.raisedAt().toEpochMilli() >= downSince) {
                            shown = true;
                            say.accept(String.format("INCIDENT OPEN NOW at %s#/incidents: upstream %s, %d sites %s;"
                                    + " open for %d s more (until the router is back)", url, i.upstream(),
                                    i.sites().size(), i.sites(), (nextChange - System.currentTimeMillis()) / 1000));
                        }
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    if (!String.valueOf(e.getMessage()).equals(lastError)) {
                        lastError = String.valueOf(e.getMessage());
                        say.accept("cannot ask the dashboard yet: " + lastError);
                    }
                }
            }
            Thread.sleep(2000);
        }
    }

    /** Reads health.alarms and health.sites (read_committed) and prints what the aggregator concluded. */
    void report() {
        Map<String, List<String>> history = new LinkedHashMap<>();
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaReader.readCommitted(bootstrap)
                .readAll("health.alarms", Duration.ofSeconds(1))) {
            JsonNode a = parse(r.value());
            if (a != null) {
                history.computeIfAbsent(a.path("id").asText(), k -> new ArrayList<>()).add(a.path("state").asText());
                latest.put(a.path("id").asText(), a);
            }
        }
        say.accept("aggregator alarms on health.alarms (" + latest.size() + "):");
        latest.forEach((id, a) -> say.accept(String.format("    %-8s %-18s %-40s %s%s", a.path("kind").asText(),
                a.path("type").asText(), a.path("summary").asText(), history.get(id),
                a.path("incidentId").isTextual() ? " linked to " + a.path("incidentId").asText() : "")));
        Map<String, String> states = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaReader.readCommitted(bootstrap)
                .readAll("health.sites", Duration.ofSeconds(1))) {
            JsonNode s = parse(r.value());
            if (s != null) {
                states.put(s.path("site").asText(), s.path("state").asText() + " (" + s.path("records").asLong()
                        + " records, " + s.path("duplicates").asLong() + " duplicates)");
            }
        }
        say.accept("site states on health.sites:");
        states.forEach((site, st) -> say.accept(String.format("    %-10s %s", site, st)));
    }

    private static JsonNode parse(byte[] v) {
        try {
            return v == null ? null : JSON.readTree(v);
        } catch (IOException e) {
            return null;
        }
    }

    private void syslog(String site, String host, int severity, String msg, Instant at) {
        long s = seq++;
        Envelope e = new Envelope(Envelope.recordId(site, "gw-1", "default", s), site, "gw-1", "syslog-udp",
                SourceKind.SYSLOG, at, at, host, severity, msg, Map.of(),
                new SyslogFields(23, severity, 0, at.toString(), host, null, null, null, Map.of(), msg), null, null);
        send(Headers.TOPIC_SYSLOG, e.key(), EnvelopeJson.encode(e), e);
    }

    private byte[] heartbeat(String site, Instant now, long backlog, long dropped) {
        var hb = JSON.createObjectNode();
        hb.put("type", "heartbeat").put("site", site).put("gateway", "gw-1")
                .put("version", site.startsWith("south") ? "0.0.9" : "0.1.0-SNAPSHOT")
                .put("startedAt", startedAt.toString()).put("sentAt", now.toString())
                .put("uptimeSeconds", Duration.between(startedAt, now).toSeconds()).put("configHash", "demo");
        var lane = JSON.createObjectNode().put("records", backlog).put("bytes", backlog * 300)
                .put("oldestUnsentAgeMs", backlog > 0 ? 60_000 : 0).put("droppedOverflow", dropped)
                .put("droppedExpired", 0);
        hb.putObject("backlog").put("records", backlog).put("bytes", backlog * 300)
                .put("oldestUnsentAgeMs", backlog > 0 ? 60_000 : 0).putObject("lanes").set("default", lane);
        hb.put("drainRatePerSec", backlog > 0 ? 1_000.0 : 5.0);
        hb.putObject("dropped").put("overflow", dropped).put("expired", 0).put("bufferFull", 0).put("total", dropped);
        hb.putObject("uplink").put("state", "UP").putNull("lastError").put("recordsSent", seq);
        try {
            return JSON.writeValueAsBytes(hb);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void send(String topic, String key, byte[] value, Envelope e) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        if (e != null) {
            r.headers().add(Headers.ID, e.id().getBytes(StandardCharsets.UTF_8));
            r.headers().add(Headers.SITE, e.site().getBytes(StandardCharsets.UTF_8));
            r.headers().add(Headers.SOURCE, e.source().wireName().getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(r);
        } catch (RuntimeException ex) { // broker down (the outage): the site's gateway would retry; we skip a beat
            say.accept("simulated site " + key + ": " + ex.getMessage());
        }
    }

    private static void run(ProcessRunner p, String what) {
        int code = p.waitFor(Duration.ofSeconds(120)).orElse(-1);
        if (code != 0) {
            throw new IllegalStateException("cloud-aggregator " + what + " failed (exit " + code + "): " + p.tail(20));
        }
    }

    static String randomPassword() {
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        aggregator.terminate(Duration.ofSeconds(30));
    }
}
