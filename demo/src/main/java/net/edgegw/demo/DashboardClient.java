package net.edgegw.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dashboard shows, asked the way the browser asks: log in ({@code POST /login} with
 * {@code Accept: application/json}), then {@code GET /api/incidents} with the session cookie. Trusts exactly the
 * aggregator's self-signed certificate (its PEM in the aggregator's state directory), host name verified. The demo
 * uses it to say when an incident is open; not thread-safe.
 */
final class DashboardClient {

    /** An open incident as the dashboard lists it. */
    record Incident(String id, String upstream, List<String> sites, java.time.Instant raisedAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String user;
    private final String password;
    private final HttpClient http;
    private String cookie;

    DashboardClient(URI base, Path certPem, String user, String password) {
        this.base = base;
        this.user = user;
        this.password = password;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trusting(certPem))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The incidents the dashboard shows as open (not cleared), logging in first when there is no session. */
    List<Incident> openIncidents() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/incidents");
        if (r.statusCode() == 401) {
            cookie = null;
            r = get("/api/incidents");
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET /api/incidents answered " + r.statusCode() + ": " + r.body());
        }
        List<Incident> out = new ArrayList<>();
        for (JsonNode i : JSON.readTree(r.body()).path("incidents")) {
            JsonNode a = i.path("incident");
            if (a.path("state").asText().equals("CLEARED")) {
                continue;
            }
            List<String> sites = new ArrayList<>();
            a.path("sites").forEach(s -> sites.add(s.asText()));
            out.add(new Incident(a.path("id").asText(), i.path("suspectedUpstream").asText(), sites,
                    java.time.Instant.parse(a.path("raisedAt").asText())));
        }
        return out;
    }

    /** {@code GET path} of the JSON API (the gateway's web UI has the same login), logging in first. */
    JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        if (cookie == null) {
            login();
        }
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json").header("Cookie", cookie).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void login() throws IOException, InterruptedException {
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/login"))
                .timeout(Duration.ofSeconds(10)).header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        String setCookie = r.headers().firstValue("Set-Cookie").orElse(null);
        if (r.statusCode() != 200 || setCookie == null) {
            throw new IOException("login to the dashboard answered " + r.statusCode() + ": " + r.body());
        }
        cookie = setCookie.substring(0, setCookie.indexOf(';') < 0 ? setCookie.length() : setCookie.indexOf(';'));
    }

    private static SSLContext trusting(Path certPem) {
        try (InputStream in = Files.newInputStream(certPem)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("c" + n++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the dashboard certificate " + certPem + ": " + e, e);
        }
    }
}
