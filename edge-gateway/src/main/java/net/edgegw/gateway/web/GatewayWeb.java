package net.edgegw.gateway.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import net.edgegw.adapters.net.AllowList;
import net.edgegw.core.security.PasswordHash;
import net.edgegw.gateway.config.GatewayConfig;
import net.edgegw.gateway.config.LiveConfig;
import net.edgegw.gateway.events.EventLog;
import net.edgegw.gateway.status.GatewayView;
import net.edgegw.web.AccessRule;
import net.edgegw.web.AuthEvent;
import net.edgegw.web.Assets;
import net.edgegw.web.HttpError;
import net.edgegw.web.Json;
import net.edgegw.web.WebServer;
import net.edgegw.web.WebTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's local web UI and JSON API on {@code web.bind} (docs/web.md, SPEC 6): status, configuration (validate,
 * apply live, history, rollback), live tail, events, {@code /health} and {@code /metrics}, on the shared
 * {@link WebServer} (HTTPS, login, sessions, CSRF, limits). The password is the hash in {@code <dataDir>/web-password}
 * ({@code edge-gateway set-password}); until it exists only {@code /health} answers, every other route says how to
 * set one. Thread-safe; {@link #close()} stops listening.
 */
public final class GatewayWeb implements AutoCloseable {

    /** The one user of the gateway's web UI. */
    public static final String USERNAME = "admin";
    static final String TLS_DIR = "web-tls";
    /** The largest config text the API takes (every other request: the web server's 16 KiB). */
    static final long MAX_CONFIG_BYTES = 1L << 20;
    static final String PASSWORD_FILE = "web-password";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayWeb.class);
    private static final String STATIC = "/net/edgegw/gateway/web/";
    private static final AccessRule PUBLIC = AccessRule.publicGets("/health", "/login", "/assets/app.css",
            "/assets/login.js", "/assets/favicon.svg");

    private final WebServer web;
    private final TailStreams tail;

    private GatewayWeb(WebServer web, TailStreams tail) {
        this.web = web;
        this.tail = tail;
    }

    /** Starts listening on {@code web.bind} (port 0 picks a free one). */
    public static GatewayWeb start(GatewayView gw, LiveConfig config, EventLog events, Clock clock) {
        GatewayConfig c = gw.running();
        GatewayConfig.WebConfig cfg = c.web();
        Path passwordFile = c.dataDir().resolve(PASSWORD_FILE);
        String bindHost = cfg.bind().getHostString();
        WebTls tls = !cfg.tls() ? null : cfg.tlsCert() != null
                ? WebTls.fromPem("web", cfg.tlsCert(), cfg.tlsKey())
                : WebTls.selfSigned("web", c.dataDir().resolve(TLS_DIR),
                "CN=edgegw edge-gateway " + c.site() + " " + c.gateway() + ",O=edgegw", List.of(bindHost, "127.0.0.1",
                        "localhost"));
        Assets assets = new Assets(GatewayWeb.class)
                .addAll(STATIC, "index.html", "config.html", "tail.html", "events.html", "login.html", "setup.html",
                        "app.css", "app.js", "status.js", "config.js", "tail.js", "events.js", "login.js",
                        "favicon.svg")
                .addWebjar("vendor/chart.umd.min.js", "chart.js", "dist/chart.umd.min.js");
        Json json = Json.standard();
        StatusApi status = new StatusApi(gw, config, clock);
        ConfigApi configApi = new ConfigApi(config, json);
        TailStreams[] tail = new TailStreams[1];
        AllowList allow = AllowList.of(cfg.allow());
        byte[] setupPage = resource(STATIC + "setup.html");
        WebServer web = WebServer.builder("web").bind(cfg.bind()).tls(tls)
                .login(USERNAME, () -> readHash(passwordFile))
                .setupRequired(() -> !PasswordHash.wellFormed(readHash(passwordFile)), () -> setupPage,
                        "no web password is set: run edge-gateway set-password --config " + config.file(),
                        Set.of("/assets/app.css", "/assets/favicon.svg"))
                .allow(allow::allows)
                .metrics(gw.metrics(), PrometheusNames.NAMESPACE, cfg.metricsTokenFile(), PrometheusNames.mappings())
                .onAuthEvent(e -> events.add(authType(e), e.kind() == AuthEvent.Kind.LOGIN_FAILED
                        ? EventLog.Level.WARN : EventLog.Level.INFO, authMessage(e)))
                .sessionTimeout(cfg.sessionTimeout()).clock(clock).json(json)
                .cookieName("edgegw-gw-session")
                .access(PUBLIC)
                .cacheablePrefix("/assets/vendor/")
                .largeBodies(Set.of("/api/config", "/api/config/validate"), MAX_CONFIG_BYTES)
                .sessionDetails((s, body) -> {
                    body.put("site", gw.running().site());
                    body.put("gateway", gw.running().gateway());
                })
                .routes(r -> routes(r, assets, status, configApi, events, json, () -> tail[0]))
                .start();
        tail[0] = new TailStreams(gw::pipeline, json, web::isLive);
        GatewayWeb out = new GatewayWeb(web, tail[0]);
        if (tls != null) {
            LOG.info("web UI listening on {}, TLS certificate {} SHA-256 fingerprint {}", web.url(),
                    tls.generated() ? "self-signed" : "configured", tls.fingerprint());
        } else {
            LOG.warn("web UI listening on {} WITHOUT TLS (web.tls: false)", web.url());
        }
        if (!PasswordHash.wellFormed(readHash(passwordFile))) {
            LOG.warn("web UI: no password set yet; run: edge-gateway set-password --config {}", config.file());
        }
        return out;
    }

    private static void routes(RoutesConfig r, Assets assets, StatusApi status, ConfigApi configApi, EventLog events,
                               Json json, java.util.function.Supplier<TailStreams> tail) {
        r.get("/health", ctx -> {
            StatusApi.Health h = status.health();
            json.send(ctx, h.up() ? 200 : 503, h.body());
        });
        r.get("/login", ctx -> assets.serve(ctx, "login.html"));
        r.get("/", ctx -> assets.serve(ctx, "index.html"));
        r.get("/config", ctx -> assets.serve(ctx, "config.html"));
        r.get("/tail", ctx -> assets.serve(ctx, "tail.html"));
        r.get("/events", ctx -> assets.serve(ctx, "events.html"));
        r.get("/assets/{file}", ctx -> assets.serve(ctx, ctx.pathParam("file")));
        r.get("/assets/vendor/{file}", ctx -> assets.serve(ctx, "vendor/" + ctx.pathParam("file")));

        r.get("/api/status", ctx -> json.send(ctx, 200, status.status()));
        r.get("/api/config", configApi::get);
        r.post("/api/config/validate", configApi::validate);
        r.put("/api/config", configApi::put);
        r.get("/api/config/history", configApi::history);
        r.get("/api/config/history/{version}", configApi::version);
        r.post("/api/config/rollback", configApi::rollback);
        r.get("/api/events", ctx -> events(ctx, events, json));
        r.before("/api/tail", ctx -> tail.get().check(ctx));
        r.sse("/api/tail", client -> tail.get().open(client));
    }

    private static void events(Context ctx, EventLog events, Json json) {
        long after = longParam(ctx, "after", 0);
        int limit = (int) Math.min(Math.max(longParam(ctx, "limit", 200), 1), 1000);
        List<Map<String, Object>> out = new ArrayList<>();
        for (EventLog.Event e : events.after(after, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("time", e.time().toString());
            m.put("type", e.type());
            m.put("level", e.level().name().toLowerCase());
            m.put("message", e.message());
            out.add(m);
        }
        json.send(ctx, 200, Map.of("events", out));
    }

    private static long longParam(Context ctx, String name, long def) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new HttpError(400, "bad request", name + " must be a number");
        }
    }

    private static String authType(AuthEvent e) {
        return switch (e.kind()) {
            case LOGIN -> "login";
            case LOGIN_FAILED -> "login.failed";
            case LOGOUT -> "logout";
        };
    }

    private static String authMessage(AuthEvent e) {
        String who = (e.username() == null ? "unknown user" : e.username()) + " from " + e.clientIp();
        return switch (e.kind()) {
            case LOGIN -> who + " logged in";
            case LOGIN_FAILED -> "failed login of " + who + (e.detail() == null ? "" : ": " + e.detail());
            case LOGOUT -> who + " logged out";
        };
    }

    private static byte[] resource(String path) {
        try (var in = GatewayWeb.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("web resource missing from the class path: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String readHash(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
        } catch (IOException e) {
            LOG.error("web UI: {} is not readable ({}): nobody can log in", file, e.toString());
            return "";
        }
    }

    /** The local URL. */
    public URI url() {
        return web.url();
    }

    /** The bound port. */
    public int port() {
        return web.port();
    }

    /** The SHA-256 fingerprint of the HTTPS certificate, or null without TLS. */
    public String tlsFingerprint() {
        return web.tls().map(WebTls::fingerprint).orElse(null);
    }

    @Override
    public void close() {
        tail.close();
        web.close();
    }
}
