package net.edgegw.web;

import io.javalin.http.HandlerType;
import net.edgegw.core.security.PasswordHash;
import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link WebServer} on 127.0.0.1 with a generated certificate and a few routes of its own, driven over real HTTPS
 * with {@link HttpClient}: access rule, login (JSON and form), cookie, CSRF and Origin, logout, throttle, size
 * limit, security headers, JSON errors.
 */
class WebServerTest {

    private static final String USER = "operator";
    private static final String PASSWORD = "correct-horse-battery-staple";

    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.startingNow();
    private WebServer server;
    private HttpClient client;
    private String cookie;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(boolean tls) throws Exception {
        Path hashFile = dir.resolve("password");
        Files.writeString(hashFile, PasswordHash.hash(PASSWORD.toCharArray(), new SecureRandom()));
        WebTls cert = tls ? WebTls.selfSigned("web", dir.resolve("tls"), "CN=test,O=edgegw", List.of("127.0.0.1"))
                : null;
        AccessRule base = AccessRule.publicGets("/health", "/login");
        server = WebServer.builder("web").bind(new InetSocketAddress("127.0.0.1", 0)).tls(cert)
                .login(USER, PasswordFile.require("web", hashFile, "test set-password"))
                .sessionTimeout(Duration.ofMinutes(5)).clock(clock)
                .access((m, p) -> p.startsWith("/own/") ? Access.OWN : base.access(m, p))
                .sessionDetails((s, m) -> m.put("instance", "test-1"))
                .routes(r -> {
                    r.before("/own/*", ctx -> {
                        if (!"yes".equals(ctx.header("X-Own"))) {
                            throw new HttpError(401, "own check failed", null);
                        }
                    });
                    r.get("/health", ctx -> server.json().send(ctx, 200, Map.of("status", "UP")));
                    r.get("/login", ctx -> ctx.html("<form></form>"));
                    r.get("/", ctx -> ctx.html("<h1>home</h1>"));
                    r.get("/api/who", ctx -> server.json().send(ctx, 200,
                            Map.of("user", WebServer.session(ctx).username())));
                    r.post("/api/change", ctx -> server.json().send(ctx, 200, Map.of("changed", true)));
                    r.get("/api/boom", ctx -> {
                        throw new IllegalStateException("boom");
                    });
                    r.get("/own/data", ctx -> server.json().send(ctx, 200, Map.of("own", true)));
                })
                .start();
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5));
        if (tls) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("c", WebTls.readCertificates(dir.resolve("tls/cert.pem")).get(0));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            b.sslContext(ssl);
        }
        client = b.build();
    }

    private HttpResponse<String> send(HttpRequest.Builder r, String... headers) throws Exception {
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        if (headers.length > 0) {
            r.headers(headers);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return send(HttpRequest.newBuilder(server.url().resolve(path)).GET(), headers);
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return send(HttpRequest.newBuilder(server.url().resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    private HttpResponse<String> login(String user, String password, String... headers) throws Exception {
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> r = post("/login", form, headers);
        r.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
        return r;
    }

    private String csrf() throws Exception {
        String body = get("/api/session").body();
        int i = body.indexOf("\"csrfToken\":\"") + 13;
        return body.substring(i, body.indexOf('"', i));
    }

    @Test
    void publicPathsSessionPathsAndSecurityHeaders() throws Exception {
        start(true);
        assertThat(server.url().getScheme()).isEqualTo("https");
        assertThat(server.tls()).isPresent();
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Security-Policy")).hasValue(WebServer.CSP);
        assertThat(health.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(health.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(health.headers().firstValue("Strict-Transport-Security")).isPresent();
        assertThat(health.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(health.headers().firstValue("Server")).isEmpty();

        HttpResponse<String> api = get("/api/who");
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                assertThat(v).startsWith("application/json"));
        assertThat(api.body()).contains("\"error\":\"login required\"");
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/login");
        assertThat(get("/login").statusCode()).isEqualTo(200);
        assertThat(get("/no-such-route").statusCode()).as("unknown pages need a login too").isEqualTo(303);

        assertThat(get("/own/data").statusCode()).as("own check, no session needed").isEqualTo(401);
        assertThat(get("/own/data", "X-Own", "yes").body()).isEqualTo("{\"own\":true}");
    }

    @Test
    void loginGivesAStrictSecureCookieAndTheSessionItsCsrfToken() throws Exception {
        start(true);
        HttpResponse<String> bad = login(USER, "wrong-password", "Accept", "application/json");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).contains("invalid username or password");
        assertThat(bad.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(login("someone", PASSWORD, "Accept", "application/json").statusCode()).isEqualTo(401);

        HttpResponse<String> ok = login(USER, PASSWORD, "Accept", "application/json");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"ok\":true,\"username\":\"operator\"}");
        assertThat(ok.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("__Host-edgegw-session=")
                .contains("; Path=/", "; HttpOnly", "; SameSite=Strict", "; Secure").doesNotContain("Domain=");
        HttpResponse<String> session = get("/api/session");
        assertThat(session.body()).startsWith("{\"username\":\"operator\",\"csrfToken\":\"")
                .endsWith("\"instance\":\"test-1\",\"idleTimeoutSeconds\":300}");
        assertThat(session.body()).doesNotContain(cookie.substring(cookie.indexOf('=') + 1));
        assertThat(get("/api/who").body()).isEqualTo("{\"user\":\"operator\"}");
        assertThat(get("/").statusCode()).isEqualTo(200);
        HttpResponse<String> missing = get("/no-such-route");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"not found\"}");

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(get("/api/who").statusCode()).as("idle timeout").isEqualTo(401);
    }

    @Test
    void formLoginRedirects() throws Exception {
        start(false);
        HttpResponse<String> bad = login(USER, "nope-nope");
        assertThat(bad.statusCode()).isEqualTo(303);
        assertThat(bad.headers().firstValue("Location")).hasValue("/login?error=invalid");
        HttpResponse<String> ok = login(USER, PASSWORD);
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).hasValue("/");
        assertThat(cookie).as("plain HTTP: no __Host- prefix").startsWith("edgegw-session=");
        assertThat(ok.headers().firstValue("Set-Cookie").orElseThrow()).doesNotContain("Secure");
        assertThat(get("/health").headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void stateChangesNeedTheCsrfTokenAndTheSameOrigin() throws Exception {
        start(true);
        login(USER, PASSWORD, "Accept", "application/json");
        String csrf = csrf();
        assertThat(post("/api/change", "").statusCode()).isEqualTo(403);
        assertThat(post("/api/change", "", WebServer.CSRF_HEADER, "x" + csrf.substring(1)).statusCode())
                .isEqualTo(403);
        assertThat(post("/api/change", "", WebServer.CSRF_HEADER, csrf, "Origin", "https://evil.example")
                .statusCode()).as("cross-origin").isEqualTo(403);
        String origin = server.url().toString().replaceAll("/$", "");
        assertThat(post("/api/change", "", WebServer.CSRF_HEADER, csrf, "Origin", origin).body())
                .isEqualTo("{\"changed\":true}");
        assertThat(post("/api/change", "_csrf=" + csrf).statusCode()).as("form field").isEqualTo(200);

        assertThat(post("/logout", "").statusCode()).isEqualTo(403);
        HttpResponse<String> out = post("/logout", "", WebServer.CSRF_HEADER, csrf);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
        assertThat(get("/api/session").statusCode()).isEqualTo(401);
    }

    @Test
    void loginIsThrottledAfterFiveFailures() throws Exception {
        start(false);
        for (int i = 0; i < LoginThrottle.PER_CLIENT_FAILURES; i++) {
            assertThat(login(USER, "bad-" + i, "Accept", "application/json").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> locked = login(USER, PASSWORD, "Accept", "application/json");
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Integer.parseInt(v)).isBetween(1, 60));
        assertThat(locked.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> form = login(USER, PASSWORD);
        assertThat(form.statusCode()).isEqualTo(303);
        assertThat(form.headers().firstValue("Location")).hasValueSatisfying(v ->
                assertThat(v).startsWith("/login?error=locked&retry="));
        assertThat(form.headers().firstValue("Retry-After")).isPresent();
        clock.advance(Duration.ofSeconds(61));
        assertThat(login(USER, PASSWORD, "Accept", "application/json").statusCode()).isEqualTo(200);
    }

    @Test
    void oversizedRequestsAndFailingHandlersGetJsonErrors() throws Exception {
        start(false);
        assertThat(post("/login", "username=a&password=" + "x".repeat(20_000)).statusCode()).isEqualTo(413);
        login(USER, PASSWORD, "Accept", "application/json");
        HttpResponse<String> boom = get("/api/boom");
        assertThat(boom.statusCode()).isEqualTo(500);
        assertThat(boom.body()).isEqualTo("{\"error\":\"internal error\"}").doesNotContain("boom");
    }

    @Test
    void tlsPortRefusesUntrustedClientsAndPlainHttp() throws Exception {
        start(true);
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url()
                .resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
        URI plain = URI.create(server.url().toString().replace("https://", "http://"));
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain.resolve("/health"))
                .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void aMissingOrMalformedPasswordFileIsRefusedAtStart() throws Exception {
        assertThatThrownBy(() -> PasswordFile.require("web", null, "x set-password"))
                .hasMessage("web.passwordHashFile is not set: run x set-password");
        Path f = dir.resolve("bad");
        Files.writeString(f, "plain-text");
        assertThatThrownBy(() -> PasswordFile.require("web", f, "x set-password"))
                .hasMessageContaining("does not hold a pbkdf2-sha256 hash");
        assertThat(AccessRule.publicGets("/health").access(HandlerType.POST, "/login")).isEqualTo(Access.PUBLIC);
        assertThat(AccessRule.publicGets("/health").access(HandlerType.POST, "/health")).isEqualTo(Access.SESSION);
    }
}
