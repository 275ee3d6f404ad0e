package net.edgegw.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.web.WebTls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A browser-less client of the gateway's web API: trusts the gateway's own certificate (the PEM it generated), keeps
 * the session cookie, sends the CSRF token when asked, and keeps every answer (for the secret scan).
 */
final class WebClient {

    final URI base;
    final HttpClient client;
    String cookie;
    String csrf;
    final List<HttpResponse<String>> seen = new ArrayList<>();

    WebClient(URI base, Path certPem) {
        this.base = base;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).sslContext(trusting(certPem)).build();
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
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), headers);
    }

    HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    HttpResponse<String> put(String path, String contentType, String body, String... headers) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    /** POST/PUT with the session's CSRF token. */
    HttpResponse<String> postCsrf(String path, String contentType, String body) {
        return post(path, contentType, body, "X-CSRF-Token", csrf, "Origin", origin());
    }

    HttpResponse<String> putCsrf(String path, String contentType, String body) {
        return put(path, contentType, body, "X-CSRF-Token", csrf, "Origin", origin());
    }

    String origin() {
        return base.getScheme() + "://" + base.getHost() + ":" + base.getPort();
    }

    HttpResponse<String> login(String user, String password) {
        HttpResponse<String> r = post("/login", "application/x-www-form-urlencoded",
                "username=" + enc(user) + "&password=" + enc(password), "Accept", "application/json");
        r.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
        if (r.statusCode() == 200) {
            csrf = json("/api/session").get("csrfToken").asText();
        }
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
            return E2E.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.body(), e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder r, String... headers) {
        r.timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        if (headers.length > 0) {
            r.headers(headers);
        }
        try {
            HttpResponse<String> resp = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
            synchronized (seen) {
                seen.add(resp);
            }
            return resp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
