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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's web API against the packaged program with real traffic (docs/web.md): the no-password state, 401 and
 * 303 for every protected route, CSRF, validate with three mistakes, a live apply that opens a TCP input in the same
 * process while a syslog stream keeps flowing (0 lost, 0 duplicated, read_committed), removal, rollback, SIGHUP,
 * history, events, live tail, and a scan of every answer and the whole log for the one secret of the config.
 */
class GatewayWebIT {

    static final String SECRET = "s3cret-KEY-pw-7731";
    static final String MQTT_SECRET = "mqtt-s3cret-4471";
    static final String TYPED_SECRET = "N3w-s3cret-5501";
    static final int MQTT_PORT = FreePorts.tcp(); // nobody listens: the MQTT input only holds a password here
    static final String PASSWORD = "correct horse battery staple";

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

    static String config(int syslogPort, int webPort, String extraInput) {
        return """
                site: site-web
                gateway: gw-web
                dataDir: data
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                  - {type: mqtt, name: sensors, broker: "tcp://127.0.0.1:%d", topics: ["s/#"], username: gw, password: "%s"}
                %s
                buffer: {maxBytes: 64MiB}
                uplink:
                  bootstrapServers: "%s"
                  properties: {ssl.key.password: "%s"}
                heartbeat: {interval: 1s}
                web: {bind: "127.0.0.1:%d", metricsTokenFile: metrics-token}
                """.formatted(syslogPort, MQTT_PORT, MQTT_SECRET, extraInput, kafka.bootstrapServers(), SECRET,
                webPort);
    }

    @Test
    void technicianConfiguresALiveGatewayWithoutLosingARecord() throws Exception {
        int syslog = FreePorts.tcp();
        int web = FreePorts.tcp();
        int collector = FreePorts.tcp();
        String tcpInput = "  - {type: tcp, name: collector, bind: \"127.0.0.1:%d\", format: ndjson}".formatted(collector);
        Path config = E2E.writeConfig(tmp.resolve("gw"), config(syslog, web, ""));
        Files.writeString(tmp.resolve("gw/metrics-token"), "scrape-token-5150\n");
        Path log = tmp.resolve("gw/gateway.log");
        try (ProcessRunner gw = E2E.startGateway(config, log)) {
            long pid = gw.pid();
            gw.waitForLine(Pattern.compile("web UI listening on https://127.0.0.1:" + web), Duration.ofSeconds(30));
            WebClient http = new WebClient(URI.create("https://127.0.0.1:" + web + "/"),
                    tmp.resolve("gw/data/web-tls/cert.pem"));

            // no password yet: only /health answers; everything else says how to set one
            assertThat(http.get("/health").statusCode()).isEqualTo(200);
            HttpResponse<String> noPassword = http.get("/api/status");
            assertThat(noPassword.statusCode()).isEqualTo(503);
            assertThat(noPassword.body()).contains("set-password");
            HttpResponse<String> setupPage = http.get("/", "Accept", "text/html");
            assertThat(setupPage.statusCode()).isEqualTo(503);
            assertThat(setupPage.body()).contains("edge-gateway set-password");
            setPassword(config);

            // every protected route: 401 for the API, 303 to /login for pages
            for (String path : List.of("/api/status", "/api/config", "/api/config/history", "/api/events",
                    "/api/config/history/1", "/api/tail", "/metrics")) {
                HttpResponse<String> r = http.get(path);
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(WebClient.parse(r).get("error").asText()).as(path).isNotBlank();
            }
            for (String path : List.of("/", "/config", "/tail", "/events")) {
                HttpResponse<String> r = http.get(path, "Accept", "text/html");
                assertThat(r.statusCode()).as(path).isEqualTo(303);
                assertThat(r.headers().firstValue("Location")).as(path).hasValueSatisfying(l -> assertThat(l)
                        .contains("/login"));
            }
            assertThat(http.put("/api/config", "text/yaml", "site: x").statusCode()).isEqualTo(401);
            assertThat(http.post("/api/config/rollback", "application/json", "{}").statusCode()).isEqualTo(401);
            assertThat(http.login("admin", "wrong password").statusCode()).isEqualTo(401);
            assertThat(http.login("admin", PASSWORD).statusCode()).isEqualTo(200);

            // CSRF: a logged-in state change without the token is refused
            String original = http.json("/api/config").get("yaml").asText();
            assertThat(original).contains("\"********\"").doesNotContain(SECRET, MQTT_SECRET);
            assertThat(http.put("/api/config", "text/yaml", original).statusCode()).isEqualTo(403);
            assertThat(http.post("/api/config/validate", "text/yaml", original).statusCode()).isEqualTo(403);

            // a config may be large (comments and all), other bodies may not
            HttpResponse<String> big = http.postCsrf("/api/config/validate", "text/yaml",
                    original + "# " + "x".repeat(200_000) + "\n");
            assertThat(big.statusCode()).as(big.body()).isEqualTo(200);
            assertThat(http.postCsrf("/api/config/rollback", "application/json",
                    "{\"version\": 1, \"pad\": \"" + "x".repeat(20_000) + "\"}").statusCode()).isEqualTo(413);

            // a syslog stream flows through everything below
            int total = 6000;
            int streamed = total;
            CompletableFuture<Long> stream = CompletableFuture.supplyAsync(() -> SyslogSender.to("127.0.0.1", syslog)
                    .transport(Transport.TCP_OCTET_COUNTING).hostname("r1").appName("live").messageSize(200)
                    .ratePerSecond(300).build().send(0, streamed));

            // validate with three mistakes: three key+line messages, nothing changed
            String broken = original.replace("maxBytes: 64MiB", "maxBytes: lots")
                    .replace("interval: 1s", "interval: soon")
                    .replace("protocol: tcp", "protocol: carrier-pigeon");
            HttpResponse<String> invalid = http.postCsrf("/api/config/validate", "text/yaml", broken);
            assertThat(invalid.statusCode()).isEqualTo(422);
            JsonNode errors = WebClient.parse(invalid).get("errors");
            assertThat(errors).hasSize(3);
            for (JsonNode e : errors) {
                assertThat(e.get("line").asInt()).isPositive();
                assertThat(e.get("key").asText()).isNotBlank();
            }
            assertThat(errors.toString()).contains("buffer.maxBytes", "heartbeat.interval", "protocol");
            assertThat(http.json("/api/config").get("version").asInt()).isEqualTo(1);

            // a change that needs a restart is refused with the reason
            HttpResponse<String> restart = http.putCsrf("/api/config", "text/yaml",
                    original.replace("dataDir: data", "dataDir: elsewhere"));
            assertThat(restart.statusCode()).isEqualTo(409);
            assertThat(restart.body()).contains("dataDir", "restart");

            // a masked secret is never sent to a new place; a syntax error never echoes the line it is on
            HttpResponse<String> moved = http.putCsrf("/api/config", "text/yaml", original.replace(
                    "tcp://127.0.0.1:" + MQTT_PORT, "tcp://elsewhere.example:1883"));
            assertThat(moved.statusCode()).isEqualTo(422);
            assertThat(moved.body()).contains("inputs[sensors].password", "enter the value again");
            HttpResponse<String> typo = http.putCsrf("/api/config", "text/yaml", original.replace(
                    "ssl.key.password: \"********\"", "ssl.key.password: \"" + TYPED_SECRET + "\" oops\""));
            assertThat(typo.statusCode()).isEqualTo(422);
            assertThat(typo.body()).contains("not valid YAML").doesNotContain(TYPED_SECRET);

            // producer settings Kafka refuses (SASL without a JAAS config): refused, nothing changed
            // (a new security.protocol is a new destination: the secret is typed again, as the UI asks)
            HttpResponse<String> badUplink = http.putCsrf("/api/config", "text/yaml", original.replace(
                    "properties: {ssl.key.password: \"********\"",
                    "properties: {security.protocol: SASL_PLAINTEXT, ssl.key.password: \"" + SECRET + "\""));
            assertThat(badUplink.statusCode()).as(badUplink.body()).isEqualTo(409);
            assertThat(WebClient.parse(badUplink).get("detail").asText()).contains("cannot be used",
                    "nothing was changed");

            // an input that cannot start (its port is the web UI's own): refused, nothing changed, file as before
            String fileBefore = Files.readString(config);
            HttpResponse<String> failed = http.putCsrf("/api/config", "text/yaml", original.replace("\n\nbuffer:",
                    "\n  - {type: tcp, name: clash, bind: \"127.0.0.1:" + web + "\", format: ndjson}\nbuffer:"));
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(409);
            assertThat(WebClient.parse(failed).get("detail").asText()).contains("clash", "nothing was changed");
            assertThat(Files.readString(config)).isEqualTo(fileBefore);
            assertThat(http.json("/api/config").get("version").asInt()).isEqualTo(1);
            assertThat(http.json("/api/status").get("inputs").findValuesAsText("name")).containsExactly("syslog-tcp", "sensors");

            // apply: add a TCP input; its port opens in this very process, the masked secret keeps its value
            String withTcp = original.replace("\n\nbuffer:", "\n" + tcpInput + "\nbuffer:");
            assertThat(withTcp).contains("collector");
            HttpResponse<String> applied = http.putCsrf("/api/config", "text/yaml", withTcp);
            assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
            assertThat(WebClient.parse(applied).get("applied").asBoolean()).isTrue();
            int withTcpVersion = WebClient.parse(applied).get("version").asInt();
            await().atMost(Duration.ofSeconds(5)).until(() -> listening(collector));
            assertThat(gw.pid()).isEqualTo(pid);
            assertThat(gw.isAlive()).isTrue();
            assertThat(Files.readString(config)).contains(SECRET, "collector");
            try (Socket s = new Socket("127.0.0.1", collector); OutputStream out = s.getOutputStream()) {
                for (int i = 0; i < 5; i++) {
                    out.write(("{\"meter\":" + i + ",\"kWh\":1.5}\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            JsonNode status = http.json("/api/status");
            assertThat(status.get("inputs").findValuesAsText("name")).contains("syslog-tcp", "collector");
            // a change of the collector together with an input that cannot bind: the collector keeps its settings
            HttpResponse<String> clash = http.putCsrf("/api/config", "text/yaml", withTcp.replace(
                    "format: ndjson}", "format: lines}\n  - {type: tcp, name: clash, bind: \"127.0.0.1:" + web
                            + "\", format: ndjson}"));
            assertThat(clash.statusCode()).as(clash.body()).isEqualTo(409);
            assertThat(WebClient.parse(clash).get("detail").asText()).contains("nothing was changed");
            await().atMost(Duration.ofSeconds(5)).until(() -> listening(collector));
            assertThat(http.json("/api/config").get("yaml").asText()).contains("format: ndjson}");

            // the heartbeat carries the new config's hash
            String appliedHash = WebClient.parse(applied).get("hash").asText();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                JsonNode hb = E2E.latestHeartbeat(kafka.bootstrapServers(), "gw-web", java.time.Instant.EPOCH);
                return hb != null && appliedHash.equals(hb.path("configHash").asText());
            });

            // the uplink's producers replaced (bandwidth cap, batch size) while the stream flows
            HttpResponse<String> uplink = http.putCsrf("/api/config", "text/yaml", withTcp.replace(
                    "  bootstrapServers:", "  bandwidth: 2MiB\n  batchMaxRecords: 500\n  bootstrapServers:"));
            assertThat(uplink.statusCode()).as(uplink.body()).isEqualTo(200);
            assertThat(WebClient.parse(uplink).get("changes").toString()).contains("uplink changed", "bandwidth");

            // remove it again: the port closes, its records are kept and delivered
            HttpResponse<String> removed = http.putCsrf("/api/config", "text/yaml", original);
            assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> !listening(collector));
            KafkaReader.readCommitted(kafka.bootstrapServers()).waitForCount("telemetry.tcp", 5, Duration.ofSeconds(60));

            // rollback to the version with the TCP input
            HttpResponse<String> rolledBack = http.postCsrf("/api/config/rollback", "application/json",
                    "{\"version\": " + withTcpVersion + "}");
            assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> listening(collector));

            // SIGHUP: the file edited on disk, re-read through the same apply
            Files.writeString(config, Files.readString(config).replace(tcpInput + "\n", ""));
            new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> !listening(collector));
            assertThat(gw.pid()).isEqualTo(pid);

            JsonNode history = http.json("/api/config/history");
            assertThat(history.get("versions").findValuesAsText("source"))
                    .containsSubsequence("sighup", "rollback", "web", "web", "web", "startup");
            assertThat(http.json("/api/config/history/" + withTcpVersion).get("yaml").asText())
                    .contains("collector", "\"********\"").doesNotContain(SECRET);

            // events: logins, the failed one, the applies, the rollback
            JsonNode events = http.json("/api/events?limit=500").get("events");
            assertThat(events.findValuesAsText("type")).contains("login", "login.failed", "config.applied",
                    "config.rollback", "config.rejected", "input.started", "input.stopped");

            // Prometheus scrape with the bearer token of web.metricsTokenFile
            HttpResponse<String> wrongToken = http.get("/metrics", "Authorization", "Bearer nope");
            assertThat(wrongToken.statusCode()).isEqualTo(401);
            WebClient scraper = new WebClient(http.base, tmp.resolve("gw/data/web-tls/cert.pem"));
            HttpResponse<String> scrape = scraper.get("/metrics", "Authorization", "Bearer scrape-token-5150");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/plain"));
            assertThat(scrape.body()).contains("# TYPE edge_gateway_input_accepted_total counter",
                    "edge_gateway_input_accepted_total{input=\"syslog-tcp\"}");
            assertThat(scrape.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()))
                    .allSatisfy(l -> assertThat(l).matches("edge_gateway_[a-z0-9_]+(\\{[^}]*\\})? \\S+"));

            // the syslog stream went through all of it
            assertThat(stream.get(120, TimeUnit.SECONDS)).isEqualTo(streamed);

            // live tail with a filter: only matching records (host r2), while r1 and r2 both send
            CompletableFuture<List<JsonNode>> tailed = CompletableFuture.supplyAsync(() -> tail(http, "host:r2", 5));
            int extra = 0;
            while (!tailed.isDone() && extra < 200) {
                SyslogSender.to("127.0.0.1", syslog).transport(Transport.TCP_OCTET_COUNTING).hostname(
                        extra % 2 == 0 ? "r1" : "r2").appName("tail").messageSize(200).build().send(total + extra, 1);
                extra++;
                Thread.sleep(100);
            }
            assertThat(tailed.get(30, TimeUnit.SECONDS)).hasSize(5)
                    .allSatisfy(r -> assertThat(r.get("host").asText()).isEqualTo("r2"));
            total += extra;

            // every record exactly once
            E2E.awaitCommitted(kafka.bootstrapServers(), "telemetry.syslog", total, Duration.ofSeconds(90), gw);
            List<ConsumerRecord<byte[], byte[]>> records = KafkaReader.readCommitted(kafka.bootstrapServers())
                    .readAll("telemetry.syslog", Duration.ofSeconds(2));
            Map<Integer, Integer> seq = E2E.seqCounts(records);
            assertThat(seq).hasSize(total);
            assertThat(seq.values()).containsOnly(1);

            // no secret anywhere: not in an answer, not in the log
            synchronized (http.seen) {
                for (HttpResponse<String> r : http.seen) {
                    assertThat(r.body()).as(r.uri().toString()).doesNotContain(SECRET, MQTT_SECRET, TYPED_SECRET);
                }
            }
            assertThat(gw.terminate()).isTrue();
        }
        assertThat(Files.readString(log)).doesNotContain(SECRET, MQTT_SECRET, TYPED_SECRET);
    }

    static void setPassword(Path config) throws Exception {
        Process p = new ProcessBuilder(E2E.launcher().toString(), "set-password", "--config", config.toString(),
                "--stdin").redirectErrorStream(true).start();
        p.getOutputStream().write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads {@code n} record events of {@code GET /api/tail?filter=...}. */
    static List<JsonNode> tail(WebClient http, String filter, int n) {
        try {
            return tailOrThrow(http, filter, n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> tailOrThrow(WebClient http, String filter, int n) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(http.base.resolve("/api/tail?filter="
                        + java.net.URLEncoder.encode(filter, StandardCharsets.UTF_8)))
                .header("Cookie", http.cookie).header("Accept", "text/event-stream").GET().build();
        HttpResponse<java.io.InputStream> resp = http.client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.statusCode()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        Pattern data = Pattern.compile("^data: ?(.*)$");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String event = null;
            String line;
            while (out.size() < n && (line = r.readLine()) != null) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else {
                    var m = data.matcher(line);
                    if (m.matches() && "record".equals(event)) {
                        out.add(E2E.JSON.readTree(m.group(1)));
                    }
                }
            }
        }
        return out;
    }
}
