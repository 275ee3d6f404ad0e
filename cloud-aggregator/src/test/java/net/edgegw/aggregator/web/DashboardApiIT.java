package net.edgegw.aggregator.web;

import net.edgegw.testkit.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.web.LoginThrottle;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard API over HTTPS (generated self-signed certificate) on a real Kafka Streams application holding only
 * the dashboard views, fed through the health topics on an embedded broker: login, rate limit, sessions, CSRF,
 * cookie flags, security headers, no secrets in responses, and every data route.
 */
class DashboardApiIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static AggregatorConfig config;
    static MutableClock clock = MutableClock.startingNow();
    static DashboardServer server;
    static KafkaStreams streams;
    static Instant now = Instant.now();
    static Alarm incident;
    static Alarm linked;
    static Alarm deviceAlarm;
    static Alarm cleared;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.shared();
        AggregatorConfig.Topics topics = TestSupport.topics(kafka, "api");
        config = TestSupport.config(dir.resolve("a"), topics, true, Duration.ofMinutes(15));
        server = DashboardServer.start(config, clock, 2);
        streams = TestSupport.startStreams(config, config.applicationId(), server);
        try (KafkaProducer<String, byte[]> p = TestSupport.producer()) {
            for (int i = 1; i <= 6; i++) {
                SiteState st = i <= 3 ? SiteState.UNREACHABLE : i == 4 ? SiteState.DEGRADED : SiteState.UP;
                TestSupport.send(p, topics, Samples.site("site-000" + i, st, now));
            }
            incident = Samples.incident("agg-north-1", "north", List.of("site-0001", "site-0002", "site-0003"), now,
                    Alarm.State.RAISED);
            TestSupport.send(p, topics, incident);
            linked = Samples.siteAlarm("site-0001", "UNREACHABLE", 1, Alarm.State.RAISED, now, now, incident.id());
            TestSupport.send(p, topics, linked);
            deviceAlarm = Samples.siteAlarm("site-0004", "LINK_DOWN", 3, Alarm.State.RAISED, now, now, null);
            TestSupport.send(p, topics, deviceAlarm);
            cleared = Samples.siteAlarm("site-0005", "TEMPERATURE", 4, Alarm.State.CLEARED, now.minusSeconds(600),
                    now.minusSeconds(60), null);
            TestSupport.send(p, topics, cleared);
            p.flush();
        }
    }

    @AfterAll
    static void stop() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(10));
        }
        if (server != null) {
            server.close();
        }
    }

    private static TestHttp http() {
        return new TestHttp(server.url(), config.stateDir().resolve("dashboard-tls/cert.pem"));
    }

    private static TestHttp loggedIn() {
        TestHttp h = http();
        assertThat(h.login(TestSupport.USER, TestSupport.PASSWORD).statusCode()).isEqualTo(200);
        return h;
    }

    @Test
    void healthNeedsNoLoginAndReportsTheStreamsState() {
        TestHttp h = http();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> r = h.get("/health");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(TestHttp.parse(r).get("streams").asText()).isEqualTo("RUNNING");
        });
        assertThat(h.get("/health").headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void withoutSessionApiIs401JsonAndPagesRedirectToLogin() {
        TestHttp h = http();
        HttpResponse<String> api = h.get("/api/sites");
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(TestHttp.parse(api).get("error").asText()).isEqualTo("login required");
        HttpResponse<String> page = h.get("/");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/login");
        assertThat(h.get("/assets/app.js").statusCode()).isEqualTo(303);
        assertThat(h.get("/login").statusCode()).isEqualTo(200);
        assertThat(h.get("/assets/login.js").statusCode()).isEqualTo(200);
        // a forged cookie is no session
        h.cookie = "__Host-edgegw-session=forged";
        assertThat(h.get("/api/summary").statusCode()).isEqualTo(401);
    }

    @Test
    void loginSetsAStrictSecureHostCookieAndBadPasswordIs401() {
        TestHttp h = http();
        HttpResponse<String> bad = h.login(TestSupport.USER, "wrong-password-123");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(h.login("someone-else", TestSupport.PASSWORD).statusCode()).isEqualTo(401);

        HttpResponse<String> ok = h.login(TestSupport.USER, TestSupport.PASSWORD);
        assertThat(ok.statusCode()).isEqualTo(200);
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("__Host-edgegw-session=").contains("; Path=/", "; HttpOnly",
                "; SameSite=Strict", "; Secure").doesNotContain("Domain=");
        assertThat(h.get("/api/session").statusCode()).isEqualTo(200);
        assertThat(h.get("/").statusCode()).isEqualTo(200);

        // a form post (no JavaScript) gets redirects instead of JSON
        HttpResponse<String> form = h.post("/login", "application/x-www-form-urlencoded",
                "username=" + TestSupport.USER + "&password=nope-nope-nope");
        assertThat(form.statusCode()).isEqualTo(303);
        assertThat(form.headers().firstValue("Location")).hasValue("/login?error=invalid");
    }

    @Test
    void sessionExpiresAfterIdleTimeout() {
        TestHttp h = loggedIn();
        assertThat(h.get("/api/session").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(10));
        assertThat(h.get("/api/session").statusCode()).as("activity keeps it alive").isEqualTo(200);
        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        assertThat(h.get("/api/session").statusCode()).isEqualTo(401);
    }

    @Test
    void logoutNeedsTheCsrfTokenAndEndsTheSession() {
        TestHttp h = loggedIn();
        String csrf = h.json("/api/session").get("csrfToken").asText();
        assertThat(h.post("/logout", "application/x-www-form-urlencoded", "").statusCode()).isEqualTo(403);
        assertThat(h.post("/logout", "application/x-www-form-urlencoded", "", DashboardServer.CSRF_HEADER,
                "x" + csrf.substring(1)).statusCode()).isEqualTo(403);
        assertThat(h.post("/logout", "application/x-www-form-urlencoded", "", DashboardServer.CSRF_HEADER, csrf,
                "Origin", "https://evil.example").statusCode()).as("cross-origin").isEqualTo(403);
        assertThat(h.get("/api/session").statusCode()).as("still logged in").isEqualTo(200);

        HttpResponse<String> out = h.post("/logout", "application/x-www-form-urlencoded", "",
                DashboardServer.CSRF_HEADER, csrf, "Origin", server.url().toString().replaceAll("/$", ""));
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
        assertThat(h.get("/api/session").statusCode()).isEqualTo(401);
    }

    @Test
    void securityHeadersOnEveryAnswer() {
        TestHttp h = loggedIn();
        for (String path : List.of("/", "/api/session", "/login", "/health")) {
            HttpResponse<String> r = h.get(path);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'").contains("default-src 'none'")
                            .doesNotContain("unsafe-inline"));
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).as(path).isPresent();
            assertThat(r.headers().firstValue("Server")).as(path).isEmpty();
        }
        assertThat(h.get("/api/session").headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void oversizedRequestIsRefused() {
        TestHttp h = http();
        HttpResponse<String> r = h.post("/login", "application/x-www-form-urlencoded",
                "username=a&password=" + "x".repeat(20_000));
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void internalRoutesNeedThePeerSignatureNotASession() {
        TestHttp h = loggedIn();
        assertThat(h.get("/internal/sites").statusCode()).isEqualTo(401);
        PeerAuth auth = new PeerAuth(TestSupport.PEER_SECRET.getBytes(), clock);
        String[] headers = auth.sign("GET", "/internal/sites");
        assertThat(h.get("/internal/sites", headers[0], headers[1], headers[2], headers[3], "X-Edgegw-Peer-Auth",
                "AAAA" + headers[5].substring(4)).statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String[] hs = auth.sign("GET", "/internal/sites");
            HttpResponse<String> r = new TestHttp(server.url(), config.stateDir().resolve("dashboard-tls/cert.pem"))
                    .get("/internal/sites", hs);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(auth.verifyResponse(hs[3], r.body().getBytes(), r.headers().firstValue(PeerAuth.H_SIGNATURE)
                    .orElse(null))).isTrue();
            assertThat(TestHttp.parse(r).get("items")).hasSize(6);
        });
    }

    @Test
    void dataRoutesAnswerFromTheStores() {
        TestHttp h = loggedIn();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode s = h.json("/api/summary");
            assertThat(s.get("summary").get("sites").asInt()).isEqualTo(6);
            assertThat(s.get("summary").get("activeAlarms").asInt()).isEqualTo(3);
        });
        JsonNode summary = h.json("/api/summary");
        assertThat(summary.get("partial").asBoolean()).isFalse();
        assertThat(summary.get("missing")).isEmpty();
        assertThat(summary.get("summary").get("byState").get("UNREACHABLE").asInt()).isEqualTo(3);
        assertThat(summary.get("summary").get("byState").get("DEGRADED").asInt()).isEqualTo(1);
        assertThat(summary.get("summary").get("byState").get("UP").asInt()).isEqualTo(2);
        assertThat(summary.get("summary").get("activeIncidents").asInt()).isEqualTo(1);

        JsonNode unreachable = h.json("/api/sites?state=UNREACHABLE");
        assertThat(unreachable.get("sites")).extracting(n -> n.get("site").asText())
                .containsExactly("site-0001", "site-0002", "site-0003");
        assertThat(h.get("/api/sites?state=BROKEN").statusCode()).isEqualTo(400);

        JsonNode detail = h.json("/api/sites/site-0001");
        assertThat(detail.get("site").get("history")).hasSize(30);
        assertThat(detail.get("activeAlarms")).extracting(n -> n.get("id").asText())
                .contains(linked.id(), incident.id());
        assertThat(h.get("/api/sites/site-9999").statusCode()).isEqualTo(404);
        assertThat(h.get("/api/sites/bad%20id").statusCode()).isEqualTo(400);

        JsonNode active = h.json("/api/alarms?active=true");
        assertThat(active.get("alarms")).extracting(n -> n.get("id").asText())
                .containsExactlyInAnyOrder(incident.id(), linked.id(), deviceAlarm.id());
        assertThat(h.json("/api/alarms").get("alarms")).hasSize(4);
        assertThat(h.json("/api/alarms?kind=INCIDENT").get("alarms")).extracting(n -> n.get("id").asText())
                .containsExactly(incident.id());

        JsonNode incidents = h.json("/api/incidents").get("incidents");
        assertThat(incidents).hasSize(1);
        assertThat(incidents.get(0).get("suspectedUpstream").asText()).isEqualTo("agg-north-1");
        assertThat(incidents.get(0).get("affectedSites")).extracting(n -> n.get("state").asText())
                .containsOnly("UNREACHABLE");
        assertThat(incidents.get(0).get("linked")).extracting(n -> n.get("id").asText()).containsExactly(linked.id());

        JsonNode fleet = h.json("/api/fleet").get("gateways");
        assertThat(StreamSupport.stream(fleet.spliterator(), false).map(n -> n.get("site").asText()).distinct())
                .hasSize(6);
        assertThat(fleet.get(0).fieldNames()).toIterable().contains("gateway", "version", "lastSeen",
                "backlogRecords", "droppedTotal", "uplinkState");
    }

    @Test
    void noSecretInAnyResponse() throws IOException {
        TestHttp h = loggedIn();
        h.login(TestSupport.USER, "wrong-password-123");
        h.login(TestSupport.USER, TestSupport.PASSWORD);
        for (String p : List.of("/", "/login", "/health", "/api/session", "/api/summary", "/api/sites", "/api/alarms",
                "/api/incidents", "/api/fleet", "/api/sites/site-0001", "/assets/app.js", "/no-such-route")) {
            h.get(p);
        }
        String hash = Files.readString(config.dashboard().passwordHashFile()).strip();
        String token = h.cookie.substring(h.cookie.indexOf('=') + 1);
        for (HttpResponse<String> r : h.seen) {
            String all = r.headers().map() + "\n" + r.body();
            assertThat(all).as(r.uri().toString()).doesNotContain(TestSupport.PASSWORD).doesNotContain(hash)
                    .doesNotContain(hash.split("\\$")[3]).doesNotContain(TestSupport.PEER_SECRET);
            assertThat(r.body()).as("session token only in Set-Cookie").doesNotContain(token);
        }
    }

    @Test
    void liveUpdateConnectionsAreCapped() throws Exception {
        TestHttp h = loggedIn();
        List<CompletableFuture<HttpResponse<java.io.InputStream>>> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                HttpRequest r = HttpRequest.newBuilder(server.url().resolve("/api/events"))
                        .header("Cookie", h.cookie).header("Accept", "text/event-stream").GET().build();
                CompletableFuture<HttpResponse<java.io.InputStream>> f = h.client.sendAsync(r,
                        HttpResponse.BodyHandlers.ofInputStream());
                assertThat(f.get().statusCode()).isEqualTo(200);
                open.add(f);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                HttpResponse<String> third = h.get("/api/events", "Accept", "text/event-stream");
                assertThat(third.statusCode()).isEqualTo(503);
                assertThat(third.body()).contains("too many live-update connections");
            });
            // the open streams carry "update" events
            java.io.InputStream in = open.get(0).get().body();
            byte[] buf = new byte[65536];
            StringBuilder sb = new StringBuilder();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!sb.toString().contains("\"summary\"") && System.nanoTime() < deadline) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                sb.append(new String(buf, 0, n));
            }
            assertThat(sb.toString()).contains("event: update").contains("\"summary\"");
        } finally {
            for (var f : open) {
                f.get().body().close();
            }
        }
    }

    @Test
    void rateLimitAfterFiveFailuresPerClient() {
        AggregatorConfig other = TestSupport.config(dir.resolve("ratelimit"), config.topics(), false,
                Duration.ofMinutes(5));
        MutableClock c = MutableClock.startingNow();
        try (DashboardServer s = DashboardServer.start(other, c, 2)) {
            TestHttp h = new TestHttp(s.url(), null);
            for (int i = 0; i < LoginThrottle.PER_CLIENT_FAILURES; i++) {
                assertThat(h.login(TestSupport.USER, "bad-password-" + i).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> locked = h.login(TestSupport.USER, TestSupport.PASSWORD);
            assertThat(locked.statusCode()).isEqualTo(429);
            assertThat(locked.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                    assertThat(Integer.parseInt(v)).isBetween(1, 60));
            assertThat(locked.headers().firstValue("Set-Cookie")).isEmpty();
            c.advance(Duration.ofSeconds(61));
            assertThat(h.login(TestSupport.USER, TestSupport.PASSWORD).statusCode()).isEqualTo(200);
            // without TLS the cookie has no __Host- prefix and no Secure flag
            assertThat(h.cookie).startsWith("edgegw-session=");
            // not attached to Kafka Streams: a clear 503
            HttpResponse<String> r = h.get("/api/sites");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(TestHttp.parse(r).get("detail").asText()).contains("not attached");
            assertThat(h.get("/health").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void selfSignedCertificateIsPersistedAndPlainHttpIsRefused() throws Exception {
        String fp = server.tlsFingerprint().orElseThrow();
        assertThat(fp).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        AggregatorConfig again = new AggregatorConfig(config.bootstrapServers(), config.kafka(), "x", config.stateDir(),
                1, config.topics(), config.dedupe(), config.rules(), config.health(), config.correlation(),
                config.dashboard(), null);
        try (DashboardServer second = DashboardServer.start(again)) {
            assertThat(second.tlsFingerprint()).hasValue(fp);
        }
        HttpClient untrusting = HttpClient.newHttpClient();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(server.url().resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
        URI plain = URI.create(server.url().toString().replace("https://", "http://"));
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain.resolve("/health"))
                .build(), HttpResponse.BodyHandlers.ofString())).as("no plain HTTP on the TLS port")
                .isInstanceOf(IOException.class);
    }
}
