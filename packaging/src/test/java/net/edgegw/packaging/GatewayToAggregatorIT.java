package net.edgegw.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.FreePorts;
import net.edgegw.testkit.KafkaReader;
import net.edgegw.testkit.ProcessRunner;
import net.edgegw.testkit.SyslogSender;
import net.edgegw.testkit.SyslogSender.Transport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The two products together, as shipped: the packaged gateway replicates syslog to Kafka; the packaged
 * cloud-aggregator (topology loaded with its CLI, password set with its CLI, {@code run}) counts every record once,
 * raises the link-down alarm from the starter rule, shows the site on its HTTPS dashboard after a login, and stops
 * cleanly on SIGTERM.
 */
class GatewayToAggregatorIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path tmp;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static Path aggregatorLauncher() {
        Path p = Path.of(System.getProperty("aggregator.dist", "../cloud-aggregator/target/cloud-aggregator"))
                .resolve("bin/cloud-aggregator");
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException("no packaged cloud-aggregator at " + p + ": run mvn package first");
        }
        return p;
    }

    @Test
    void gatewayRecordsReachTheAggregatorOnceAndRaiseTheRuleAlarm() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("agg"));
        String bin = aggregatorLauncher().toString();
        Path topology = dir.resolve("sites.csv");
        Files.writeString(topology, "site,region,upstream,tags\nsite-e2e,north,agg-north-1,tier=gold\n");
        ProcessRunner load = ProcessRunner.builder(bin).args("topology", "load", topology.toString(),
                "--bootstrap-servers", kafka.bootstrapServers()).log(dir.resolve("load.log")).start();
        assertThat(load.waitFor(Duration.ofSeconds(90))).hasValue(0);

        Path config = dir.resolve("cloud-aggregator.yaml");
        Files.writeString(config, """
                bootstrapServers: "%s"
                applicationId: e2e-aggregator
                stateDir: "%s"
                streamThreads: 1
                rules:
                  - name: cisco-link-updown
                    signal: LINK_DOWN
                    severity: 3
                    match: {source: syslog, message: '%%LINK-3-UPDOWN: Interface (?<ifname>[^,]+), changed state to down'}
                    clear: {source: syslog, message: '%%LINK-3-UPDOWN: Interface (?<ifname>[^,]+), changed state to up'}
                    key: ifname
                health: {snapshotInterval: 1s}
                correlation: {holdDown: 1s}
                dashboard: {bind: "127.0.0.1:%d", username: noc}
                """.formatted(kafka.bootstrapServers(), dir.resolve("state"), FreePorts.tcp()));
        String password = "e2e-password-" + Long.toHexString(new SecureRandom().nextLong());
        Process setPassword = new ProcessBuilder(bin, "set-password", "--config", config.toString(), "--stdin")
                .redirectErrorStream(true).redirectOutput(dir.resolve("set-password.log").toFile()).start();
        try (OutputStream in = setPassword.getOutputStream()) {
            in.write((password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(setPassword.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(setPassword.exitValue()).isZero();

        int tcp = FreePorts.tcp();
        Path gwConfig = E2E.writeConfig(tmp.resolve("gw"), """
                site: site-e2e
                gateway: gw-1
                dataDir: data
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                uplink: {bootstrapServers: "%s"}
                heartbeat: {interval: 1s}
                """.formatted(tcp, kafka.bootstrapServers()));

        try (ProcessRunner agg = ProcessRunner.builder(bin).args("run", "--config", config.toString())
                .log(dir.resolve("aggregator.log")).start();
             ProcessRunner gw = E2E.startGateway(gwConfig, tmp.resolve("gw/gateway.log"))) {
            String ready = agg.waitForLine(Pattern.compile("cloud-aggregator \\S+ ready: dashboard https://\\S+"),
                    Duration.ofSeconds(120));
            Matcher m = Pattern.compile("dashboard (https://\\S+)").matcher(ready);
            assertThat(m.find()).isTrue();
            URI dashboard = URI.create(m.group(1));

            SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_OCTET_COUNTING).hostname("router-1")
                    .appName("ifmgr").messageSize(200).build().send(0, 1000);
            try (SyslogSender.Connection c = SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_LF)
                    .hostname("router-9").appName("ios").build().connect()) {
                c.send("<187>1 2026-11-24T10:00:00Z router-9 ios - - - "
                        + "%LINK-3-UPDOWN: Interface GigabitEthernet0/3, changed state to down");
            }

            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                JsonNode site = latest("health.sites").get("site-e2e");
                assertThat(site).isNotNull();
                assertThat(site.get("records").asLong()).isEqualTo(1001);
            });
            JsonNode site = latest("health.sites").get("site-e2e");
            assertThat(site.get("duplicates").asLong()).isZero();
            assertThat(site.get("state").asText()).isIn("UP", "DEGRADED");
            assertThat(site.get("upstream").asText()).isEqualTo("agg-north-1");
            assertThat(site.get("gateways").get("gw-1").get("version").asText()).isNotBlank();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(alarms())
                    .anySatisfy(a -> {
                        assertThat(a.get("type").asText()).isEqualTo("LINK_DOWN");
                        assertThat(a.get("kind").asText()).isEqualTo("DEVICE");
                        assertThat(a.get("state").asText()).isEqualTo("RAISED");
                        assertThat(a.get("scope").get("host").asText()).isEqualTo("router-9");
                        assertThat(a.get("id").asText()).contains("GigabitEthernet0/3");
                    }));

            // the dashboard: a login, then the site through the API
            HttpClient http = trustingClient();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(dashboard.resolve("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("username=noc&password="
                            + URLEncoder.encode(password, StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> api = http.send(HttpRequest.newBuilder(dashboard.resolve("/api/sites/site-e2e"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(api.statusCode()).isEqualTo(200);
                assertThat(api.body()).contains("\"site-e2e\"").contains("agg-north-1").doesNotContain(password);
            });

            assertThat(agg.terminate(Duration.ofSeconds(60))).as("aggregator stops on SIGTERM").isTrue();
            assertThat(agg.exitCode()).hasValue(0);
        }
    }

    private static Map<String, JsonNode> latest(String topic) {
        Map<String, JsonNode> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaReader.readCommitted(kafka.bootstrapServers())
                .readAll(topic, Duration.ofMillis(500))) {
            out.put(KafkaReader.key(r), E2E.json(r));
        }
        return out;
    }

    private static List<JsonNode> alarms() {
        return KafkaReader.readCommitted(kafka.bootstrapServers()).readAll("health.alarms", Duration.ofMillis(500))
                .stream().map(E2E::json).toList();
    }

    /** The dashboard's certificate is generated and self-signed: this test client trusts any (loopback only). */
    private static HttpClient trustingClient() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return HttpClient.newBuilder().sslContext(ssl).cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
