package net.edgegw.aggregator.web;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.web.WebTls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small HTTP client for the dashboard tests: keeps the session cookie by hand (so that tests can inspect its
 * flags), trusts the dashboard's self-signed certificate (read from its state directory, verified normally,
 * host name included), records every response for the "no secret in any response" check. Not thread-safe.
 */
final class TestHttp {

    final URI base;
    final HttpClient client;
    String cookie; // name=value
    final List<HttpResponse<String>> seen = new ArrayList<>();

    TestHttp(URI base, Path tlsCertPem) {
        this.base = base;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tlsCertPem != null) {
            b.sslContext(trusting(tlsCertPem));
        }
        this.client = b.build();
    }

    static SSLContext trusting(Path certPem) {
        try {
            List<X509Certificate> certs = WebTls.readCertificates(certPem);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("c" + i, certs.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).GET();
        return send(r, headers);
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        return send(r, headers);
    }

    HttpResponse<String> login(String user, String password) {
        HttpResponse<String> r = post("/login", "application/x-www-form-urlencoded",
                "username=" + enc(user) + "&password=" + enc(password), "Accept", "application/json");
        r.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
        return r;
    }

    JsonNode json(String path) {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError(path + " -> " + r.statusCode() + " " + r.body());
        }
        return parse(r);
    }

    static JsonNode parse(HttpResponse<String> r) {
        try {
            return HealthJson.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.body(), e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder r, String... headers) {
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        if (headers.length > 0) {
            r.headers(headers);
        }
        try {
            HttpResponse<String> resp = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
            seen.add(resp);
            return resp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
