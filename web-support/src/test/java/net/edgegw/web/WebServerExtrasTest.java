package net.edgegw.web;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.expositionformats.generated.Metrics;
import net.edgegw.core.security.PasswordHash;
import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional parts of {@link WebServer}, on a real server on 127.0.0.1 driven over HTTP with {@link HttpClient}:
 * {@code GET /metrics} (bearer token, session, 401 shape, Prometheus text and protobuf), the allow-list, the
 * setup-required state and the auth events.
 */
class WebServerExtrasTest {

    private static final String USER = "admin";
    private static final String PASSWORD = "correct-horse-battery-staple";
    private static final String TOKEN = "s3cr3t-scrape-token-0123456789";
    private static final String PROTOBUF =
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.startingNow();
    private final MetricRegistry registry = new MetricRegistry();
    private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
    private WebServer server;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String cookie;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Consumer<WebServer.Builder> extra) throws Exception {
        Path hashFile = dir.resolve("password");
        Files.writeString(hashFile, PasswordHash.hash(PASSWORD.toCharArray(), new SecureRandom()));
        WebServer.Builder b = WebServer.builder("web").bind(new InetSocketAddress("127.0.0.1", 0))
                .login(USER, PasswordFile.require("web", hashFile, "test set-password")).clock(clock)
                .access(AccessRule.publicGets("/health", "/login", "/assets/app.css"))
                .onAuthEvent(events::add)
                .routes(r -> {
                    r.get("/health", ctx -> server.json().send(ctx, 200, Map.of("status", "UP")));
                    r.get("/", ctx -> ctx.html("<h1>home</h1>"));
                    r.get("/assets/app.css", ctx -> ctx.contentType("text/css").result("body{}"));
                    r.get("/api/who", ctx -> server.json().send(ctx, 200,
                            Map.of("user", WebServer.session(ctx).username())));
                });
        extra.accept(b);
        server = b.start();
    }

    private void startWithMetrics() throws Exception {
        registry.meter("input.syslog-tcp.accepted").mark(3);
        registry.counter("input.syslog-tcp.rejected.malformed").inc(2);
        registry.counter("input.site.a.rejected.too-long").inc(7); // input names may contain dots
        registry.counter("input.syslog-tcp.connections").inc(5);
        registry.register("buffer.default.oldestAgeMs", (com.codahale.metrics.Gauge<Long>) () -> 1500L);
        registry.timer("uplink.batch.latency").update(Duration.ofMillis(250));
        registry.counter("odd.camelCaseName").inc();
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        start(b -> b.metrics(registry, "edge_gateway", dir.resolve("token"), List.of(
                MetricMapping.of("input.*.accepted", "input_accepted", "records written to the buffer")
                        .label("input", "${0}"),
                MetricMapping.counter("input.*.rejected.*", "input_rejected", "records rejected, by reason")
                        .label("input", "${0}").label("reason", "${1}"),
                MetricMapping.gauge("input.*.connections", "input_connections", "open connections")
                        .label("input", "${0}"),
                MetricMapping.gauge("buffer.*.oldestAgeMs", "buffer_oldest_unsent_age_seconds",
                        "age of the oldest unsent record").label("lane", "${0}").scaled(0.001),
                MetricMapping.of("uplink.batch.latency", "uplink_batch_latency_seconds", "poll to commit"))));
    }

    private HttpResponse<byte[]> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.url().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/x-www-form-urlencoded");
        }
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        if (headers.length > 0) {
            r.headers(headers);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        return send("GET", path, null, headers);
    }

    private HttpResponse<byte[]> login(String user, String password) throws Exception {
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = send("POST", "/login", form, "Accept", "application/json");
        r.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
        return r;
    }

    private String csrf() throws Exception {
        String body = text(get("/api/session"));
        int i = body.indexOf("\"csrfToken\":\"") + 13;
        return body.substring(i, body.indexOf('"', i));
    }

    @Test
    void metricsNeedASessionOrTheBearerToken() throws Exception {
        startWithMetrics();
        HttpResponse<byte[]> none = get("/metrics");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                assertThat(v).startsWith("application/json"));
        assertThat(text(none)).startsWith("{\"error\":\"authentication required\",\"detail\":\"");

        HttpResponse<byte[]> wrong = get("/metrics", "Authorization", "Bearer " + TOKEN + "x");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).startsWith("Bearer"));
        assertThat(text(wrong)).doesNotContain(TOKEN);
        assertThat(get("/metrics", "Authorization", "Basic " + TOKEN).statusCode()).isEqualTo(401);
        assertThat(get("/api/who", "Authorization", "Bearer " + TOKEN).statusCode())
                .as("the token opens /metrics only").isEqualTo(401);

        HttpResponse<byte[]> ok = get("/metrics", "Authorization", "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(get("/metrics", "Authorization", "bearer " + TOKEN).statusCode()).as("scheme is case-insensitive")
                .isEqualTo(200);

        login(USER, PASSWORD);
        assertThat(get("/metrics").statusCode()).as("a session is enough").isEqualTo(200);
        assertThat(get("/metrics", "Authorization", "Bearer nope").statusCode())
                .as("a wrong token is refused even with a session").isEqualTo(401);
        cookie = null;

        // rotation: the file is read again when it changes
        Path token = dir.resolve("token");
        Files.writeString(token, "rotated-token-abcdefghijklmnop");
        Files.setLastModifiedTime(token, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(get("/metrics", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Authorization", "Bearer rotated-token-abcdefghijklmnop").statusCode())
                .isEqualTo(200);

        // no file: bearer off, sessions still work
        Files.delete(token);
        assertThat(get("/metrics", "Authorization", "Bearer rotated-token-abcdefghijklmnop").statusCode())
                .isEqualTo(401);
        login(USER, PASSWORD);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAreValidPrometheusTextAndProtobuf() throws Exception {
        startWithMetrics();
        String body = text(get("/metrics", "Authorization", "Bearer " + TOKEN));
        List<PrometheusTextGrammar.Sample> samples = PrometheusTextGrammar.parse(body);
        Map<String, PrometheusTextGrammar.Sample> byKey = new HashMap<>();
        for (PrometheusTextGrammar.Sample s : samples) {
            byKey.put(s.name() + s.labels(), s);
        }
        assertThat(byKey.get("edge_gateway_input_accepted_total{input=syslog-tcp}"))
                .extracting(PrometheusTextGrammar.Sample::type, PrometheusTextGrammar.Sample::value)
                .containsExactly("counter", 3.0);
        assertThat(byKey.get("edge_gateway_input_rejected_total{input=syslog-tcp, reason=malformed}"))
                .extracting(PrometheusTextGrammar.Sample::type, PrometheusTextGrammar.Sample::value)
                .containsExactly("counter", 2.0);
        assertThat(byKey.get("edge_gateway_input_rejected_total{input=site.a, reason=too-long}").value())
                .isEqualTo(7.0);
        assertThat(byKey.get("edge_gateway_input_connections{input=syslog-tcp}"))
                .extracting(PrometheusTextGrammar.Sample::type, PrometheusTextGrammar.Sample::value)
                .containsExactly("gauge", 5.0);
        assertThat(byKey.get("edge_gateway_buffer_oldest_unsent_age_seconds{lane=default}").value()).isEqualTo(1.5);
        assertThat(byKey.get("edge_gateway_uplink_batch_latency_seconds{quantile=0.5}").value()).isEqualTo(0.25);
        assertThat(byKey.get("edge_gateway_uplink_batch_latency_seconds_count{}").value()).isEqualTo(1.0);
        assertThat(byKey.get("edge_gateway_odd_camel_case_name{}").type()).as("unmapped: snake_case, bridge type")
                .isEqualTo("gauge");
        assertThat(body).contains("# HELP edge_gateway_input_rejected_total records rejected, by reason\n");

        HttpResponse<byte[]> proto = get("/metrics", "Authorization", "Bearer " + TOKEN, "Accept", PROTOBUF);
        assertThat(proto.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                assertThat(v).startsWith("application/vnd.google.protobuf"));
        Map<String, Metrics.MetricFamily> families = new HashMap<>();
        try (InputStream in = new ByteArrayInputStream(proto.body())) {
            Metrics.MetricFamily f;
            while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.put(f.getName(), f);
            }
        }
        Metrics.MetricFamily rejected = families.get("edge_gateway_input_rejected_total");
        assertThat(rejected.getType()).isEqualTo(Metrics.MetricType.COUNTER);
        Map<String, Double> byLabels = new HashMap<>();
        rejected.getMetricList().forEach(m -> {
            List<String> labels = new ArrayList<>();
            m.getLabelList().forEach(l -> labels.add(l.getName() + "=" + l.getValue()));
            byLabels.put(String.join(",", labels), m.getCounter().getValue());
        });
        assertThat(byLabels).containsExactlyInAnyOrderEntriesOf(Map.of("input=syslog-tcp,reason=malformed", 2.0,
                "input=site.a,reason=too-long", 7.0));
        assertThat(families.get("edge_gateway_input_connections").getType()).isEqualTo(Metrics.MetricType.GAUGE);
        Metrics.MetricFamily latency = families.get("edge_gateway_uplink_batch_latency_seconds");
        assertThat(latency.getType()).isEqualTo(Metrics.MetricType.SUMMARY);
        assertThat(latency.getMetric(0).getSummary().getSampleCount()).isEqualTo(1);
        assertThat(families.keySet()).as("one family per name, text and protobuf alike")
                .containsExactlyInAnyOrderElementsOf(samples.stream().map(PrometheusTextGrammar.Sample::family)
                        .distinct().toList());

        String open = text(get("/metrics", "Authorization", "Bearer " + TOKEN, "Accept",
                "application/openmetrics-text; version=1.0.0"));
        assertThat(open).contains("# TYPE edge_gateway_input_rejected counter").endsWith("# EOF\n");
    }

    @Test
    void addressesOutsideTheAllowListGet403AndAreCounted() throws Exception {
        AtomicBoolean open = new AtomicBoolean(false);
        Files.writeString(dir.resolve("token"), TOKEN);
        start(b -> b.allow(a -> open.get() || !a.isLoopbackAddress())
                .metrics(registry, "edge_gateway", dir.resolve("token"), List.of()));
        HttpResponse<byte[]> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(403);
        assertThat(text(health)).startsWith("{\"error\":\"forbidden\"");
        assertThat(get("/login").statusCode()).isEqualTo(403);
        assertThat(login(USER, PASSWORD).statusCode()).isEqualTo(403);
        assertThat(events).as("no login was even tried").isEmpty();
        assertThat(get("/metrics", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(403);
        assertThat(server.refusedNotAllowed()).isEqualTo(4);
        assertThat(registry.counter(WebServer.REFUSED_NOT_ALLOWED).getCount()).isEqualTo(4);

        open.set(true);
        assertThat(get("/health").statusCode()).isEqualTo(200);
        String metrics = text(get("/metrics", "Authorization", "Bearer " + TOKEN));
        assertThat(metrics).contains("edge_gateway_web_requests_refused_total{reason=\"notAllowed\"} 4.0\n");
    }

    @Test
    void withoutAPasswordEverythingButHealthAnswers503() throws Exception {
        AtomicBoolean required = new AtomicBoolean(true);
        byte[] page = "<!doctype html><title>setup</title><p>run set-password".getBytes(StandardCharsets.UTF_8);
        start(b -> b.setupRequired(required::get, () -> page, "run edge-gateway set-password --config FILE",
                java.util.Set.of("/assets/app.css")));
        assertThat(get("/health").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> html = get("/", "Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
        assertThat(html.statusCode()).isEqualTo(503);
        assertThat(html.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(html.body()).isEqualTo(page);
        assertThat(html.headers().firstValue("Content-Security-Policy")).hasValue(WebServer.CSP);
        HttpResponse<byte[]> loginPage = get("/login", "Accept", "text/html");
        assertThat(loginPage.statusCode()).as("even the public login page").isEqualTo(503);

        HttpResponse<byte[]> api = get("/api/who", "Accept", "application/json");
        assertThat(api.statusCode()).isEqualTo(503);
        assertThat(text(api)).isEqualTo("{\"error\":\"no password set\","
                + "\"detail\":\"run edge-gateway set-password --config FILE\"}");
        assertThat(get("/assets/app.css", "Accept", "text/css,*/*").statusCode()).as("exempt").isEqualTo(200);

        HttpResponse<byte[]> login = login(USER, PASSWORD);
        assertThat(login.statusCode()).as("no login possible").isEqualTo(503);
        assertThat(login.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(text(login)).contains("\"error\":\"no password set\"");

        required.set(false);
        assertThat(login(USER, PASSWORD).statusCode()).isEqualTo(200);
        assertThat(get("/api/who").statusCode()).isEqualTo(200);
    }

    @Test
    void loginsFailuresAndLogoutsAreReportedWithoutThePassword() throws Exception {
        start(b -> { });
        assertThat(login(USER, "wrong-password-1").statusCode()).isEqualTo(401);
        assertThat(login("mallory", PASSWORD).statusCode()).isEqualTo(401);
        assertThat(login(USER, PASSWORD).statusCode()).isEqualTo(200);
        String csrf = csrf();
        assertThat(send("POST", "/logout", "", WebServer.CSRF_HEADER, csrf).statusCode()).isEqualTo(200);
        cookie = null;
        for (int i = 0; i < LoginThrottle.PER_CLIENT_FAILURES; i++) {
            login(USER, "wrong-password-x" + i);
        }
        assertThat(login(USER, PASSWORD).statusCode()).isEqualTo(429);

        assertThat(events).hasSize(4 + LoginThrottle.PER_CLIENT_FAILURES + 1);
        assertThat(events.get(0)).isEqualTo(new AuthEvent(AuthEvent.Kind.LOGIN_FAILED, USER, "127.0.0.1",
                "wrong password"));
        assertThat(events.get(1)).isEqualTo(new AuthEvent(AuthEvent.Kind.LOGIN_FAILED, "mallory", "127.0.0.1",
                "unknown user"));
        assertThat(events.get(2)).isEqualTo(new AuthEvent(AuthEvent.Kind.LOGIN, USER, "127.0.0.1", null));
        assertThat(events.get(3)).isEqualTo(new AuthEvent(AuthEvent.Kind.LOGOUT, USER, "127.0.0.1", null));
        AuthEvent locked = events.get(events.size() - 1);
        assertThat(locked.kind()).isEqualTo(AuthEvent.Kind.LOGIN_FAILED);
        assertThat(locked.throttled()).isTrue();
        assertThat(locked.detail()).startsWith("too many attempts, retry in ");
        assertThat(events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(PASSWORD)
                .doesNotContain("wrong-password"));
    }
}
