package net.edgegw.aggregator.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.core.security.PasswordHash;
import net.edgegw.web.Access;
import net.edgegw.web.AccessRule;
import net.edgegw.web.Assets;
import net.edgegw.web.HttpError;
import net.edgegw.web.Json;
import net.edgegw.web.PasswordFile;
import net.edgegw.web.WebServer;
import net.edgegw.web.WebTls;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The cloud aggregator's dashboard: the operator web page, its JSON API and the internal routes other instances
 * use to read this instance's stores (see docs/dashboard.md for every route), on the shared {@link WebServer}.
 *
 * <p>Lifecycle: {@link #start(AggregatorConfig)} listens at once (before Kafka Streams exists, so that
 * {@link #advertised()} can go into {@code application.server}); every data route answers 503 until
 * {@link #attach(KafkaStreams)}; {@link #close()} stops listening and ends the live-update streams.
 *
 * <p>Security (SPEC 7): every route but {@code GET /health} and the login page needs a login session (form login
 * checked with {@link PasswordHash}, per-address and global rate limits), sessions are server-side with an idle
 * timeout, state changes need the session's CSRF token, responses carry a strict CSP and related headers, bodies
 * are size-limited, live-update connections are capped; HTTPS with a configured or a generated, persisted
 * self-signed certificate ({@link WebServer}). The {@code /internal} routes need no session but a request signed
 * with the peers' shared secret ({@link PeerAuth}). {@code GET /metrics} (Prometheus, {@link DashboardMetrics}) needs a
 * session or the bearer token of {@code dashboard.metricsTokenFile}.
 *
 * <p>Thread-safe.
 */
public final class DashboardServer implements AutoCloseable {

    static final int DEFAULT_MAX_EVENT_STREAMS = 32;
    static final String CSRF_HEADER = WebServer.CSRF_HEADER;
    static final String TLS_DIR = "dashboard-tls";

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final String STATIC = "/net/edgegw/aggregator/web/";
    private static final AccessRule PUBLIC = AccessRule.publicGets("/health", "/login", "/assets/app.css",
            "/assets/login.js", "/assets/favicon.svg");

    private final AggregatorConfig.Dashboard cfg;
    private final Clock clock;
    private final PeerAuth peerAuth;
    private final Json json = new Json(HealthJson.MAPPER);
    private final DashboardApi api;
    private final LiveUpdates live;
    private final DashboardMetrics metrics = new DashboardMetrics();
    private final AtomicLong lastPeerWarn = new AtomicLong();
    private WebServer web;
    private HostInfo advertised;

    private DashboardServer(AggregatorConfig.Dashboard cfg, Clock clock, int maxEventStreams) {
        this.cfg = cfg;
        this.clock = clock;
        this.peerAuth = cfg.peerSecretFile() == null ? null : PeerAuth.fromFile(cfg.peerSecretFile(), clock);
        this.api = new DashboardApi(json, clock, this::advertised);
        this.live = new LiveUpdates(api, json, maxEventStreams);
    }

    /** Starts listening on {@code dashboard.bind} (port 0 picks a free port) and returns. */
    public static DashboardServer start(AggregatorConfig config) {
        return start(config, Clock.systemUTC(), DEFAULT_MAX_EVENT_STREAMS);
    }

    static DashboardServer start(AggregatorConfig config, Clock clock, int maxEventStreams) {
        DashboardServer s = new DashboardServer(config.dashboard(), clock, maxEventStreams);
        s.listen(config.stateDir());
        return s;
    }

    /** {@code host:port} for Kafka Streams' {@code application.server}: how the other instances reach this one. */
    public String advertised() {
        return ClusterQuery.name(advertised);
    }

    /** The local URL of the page ({@code https://} or {@code http://} with the bound port). */
    public URI url() {
        return web.url();
    }

    /** The SHA-256 fingerprint of the TLS certificate, when TLS is on. */
    public Optional<String> tlsFingerprint() {
        return web.tls().map(WebTls::fingerprint);
    }

    /** Enables the API on top of {@code streams} (whose {@code application.server} must be {@link #advertised()}). */
    public void attach(KafkaStreams streams) {
        api.attach(new ClusterQuery(streams, advertised, cfg.tls(), peerAuth));
        metrics.streams(streams);
        LOG.info("dashboard attached to Kafka Streams (instance {})", advertised());
    }

    /** Exposes the health topology's counters (name -> running total) on {@code GET /metrics}. */
    public void exposeHealthCounters(Supplier<Map<String, Long>> counters) {
        metrics.healthCounters(counters);
    }

    @Override
    public synchronized void close() {
        live.close();
        if (web != null) {
            web.close();
            web = null;
        }
    }

    // ------------------------------------------------------------------ server

    private void listen(Path stateDir) {
        PasswordFile password = PasswordFile.require("dashboard", cfg.passwordHashFile(),
                "cloud-aggregator set-password");
        String bindHost = cfg.bind().getHostString();
        String advHost = advertisedHost(cfg);
        WebTls tls = !cfg.tls() ? null : cfg.tlsCert() != null
                ? WebTls.fromPem("dashboard", cfg.tlsCert(), cfg.tlsKey())
                : WebTls.selfSigned("dashboard", stateDir.resolve(TLS_DIR),
                "CN=edgegw cloud-aggregator dashboard,O=edgegw", List.of(bindHost, advHost));
        Assets assets = new Assets(DashboardServer.class)
                .addAll(STATIC, "index.html", "login.html", "app.css", "app.js", "login.js", "favicon.svg")
                .addWebjar("vendor/chart.umd.min.js", "chart.js", "dist/chart.umd.min.js");
        web = WebServer.builder("dashboard").bind(cfg.bind()).tls(tls)
                .login(cfg.username(), password).sessionTimeout(cfg.sessionTimeout()).clock(clock).json(json)
                .access((m, path) -> path.startsWith("/internal/") ? Access.OWN : PUBLIC.access(m, path))
                .cacheablePrefix("/assets/vendor/")
                .sessionDetails((s, body) -> body.put("instance", advertised()))
                .metrics(metrics.registry(), DashboardMetrics.NAMESPACE, cfg.metricsTokenFile(),
                        DashboardMetrics.mappings())
                .routes(r -> routes(r, assets))
                .start();
        int port = web.port();
        int advPort = port;
        if (cfg.advertised() != null && !cfg.advertised().isBlank()) {
            int colon = cfg.advertised().lastIndexOf(':');
            int p = Integer.parseInt(cfg.advertised().substring(colon + 1));
            advPort = p == 0 ? port : p;
        }
        advertised = new HostInfo(advHost, advPort);
        live.start(web::isLive);
        metrics.eventStreams(live::open);
        if (tls != null) {
            LOG.info("dashboard listening on {} (advertised {}), TLS certificate {} SHA-256 fingerprint {}", url(),
                    advertised(), tls.generated() ? "self-signed" : "configured", tls.fingerprint());
        } else {
            LOG.warn("dashboard listening on {} (advertised {}) WITHOUT TLS (dashboard.tls=false)", url(), advertised());
        }
        if (peerAuth == null) {
            LOG.warn("dashboard: no dashboard.peerSecretFile: with several instances the API answers partially");
        }
    }

    private void routes(RoutesConfig r, Assets assets) {
        r.before(ctx -> {
            if (ctx.path().startsWith("/internal/")) {
                guardPeer(ctx);
            }
        });
        r.before("/api/events", live::checkCapacity);
        r.exception(ClusterQuery.Unavailable.class, (e, ctx) -> {
            ctx.header("Retry-After", "2");
            json.send(ctx, 503, Json.error("not ready", e.getMessage()));
        });

        r.get("/health", this::health);
        r.get("/login", ctx -> assets.serve(ctx, "login.html"));
        r.get("/", ctx -> assets.serve(ctx, "index.html"));
        r.get("/assets/{file}", ctx -> assets.serve(ctx, ctx.pathParam("file")));
        r.get("/assets/vendor/{file}", ctx -> assets.serve(ctx, "vendor/" + ctx.pathParam("file")));

        r.get("/api/summary", api::summary);
        r.get("/api/sites", api::sites);
        r.get("/api/sites/{site}", api::site);
        r.get("/api/alarms", api::alarms);
        r.get("/api/incidents", api::incidents);
        r.get("/api/fleet", api::fleet);
        r.sse("/api/events", live::open);

        r.get("/internal/sites", ctx -> peerAnswer(ctx, api.q().localSites()));
        r.get("/internal/sites/{site}", ctx -> peerAnswer(ctx,
                api.q().localSite(DashboardApi.siteParam(ctx)).map(List::of).orElse(List.of())));
        r.get("/internal/alarms", ctx -> peerAnswer(ctx, api.q().localAlarms()));
    }

    // ------------------------------------------------------------------ routes

    private void health(Context ctx) {
        ClusterQuery q = api.query();
        String state = q == null ? "NOT_ATTACHED" : q.state().name();
        boolean up = q != null && (q.state() == KafkaStreams.State.RUNNING || q.state() == KafkaStreams.State.REBALANCING);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : q == null || q.state() == KafkaStreams.State.CREATED ? "STARTING" : "DOWN");
        body.put("streams", state);
        body.put("instance", advertised());
        json.send(ctx, up ? 200 : 503, body);
    }

    /** Before-handler of {@code /internal/*}: the request must be signed with the peers' secret. */
    private void guardPeer(Context ctx) {
        if (peerAuth == null) {
            throw new HttpError(404, "not found", null);
        }
        boolean ok = ctx.method() == HandlerType.GET && peerAuth.verifyRequest("GET", ctx.req().getRequestURI(),
                ctx.header(PeerAuth.H_TIME), ctx.header(PeerAuth.H_NONCE), ctx.header(PeerAuth.H_AUTH));
        if (!ok) {
            long now = clock.millis();
            long last = lastPeerWarn.get();
            if (now - last > 60_000 && lastPeerWarn.compareAndSet(last, now)) {
                LOG.warn("dashboard: refused an internal request from {} (peer authentication failed; wrong "
                        + "dashboard.peerSecretFile or clock skew over {} s?)", ctx.ip(), PeerAuth.MAX_SKEW_MS / 1000);
            }
            throw new HttpError(401, "peer authentication failed", null);
        }
    }

    private void peerAnswer(Context ctx, List<?> items) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", advertised());
        body.put("items", items);
        byte[] bytes = json.bytes(body);
        ctx.header(PeerAuth.H_SIGNATURE, peerAuth.signResponse(ctx.header(PeerAuth.H_NONCE), bytes));
        ctx.status(200).contentType("application/json").result(bytes);
    }

    private static String advertisedHost(AggregatorConfig.Dashboard d) {
        if (d.advertised() != null && !d.advertised().isBlank()) {
            String a = d.advertised().strip();
            int colon = a.lastIndexOf(':');
            String h = colon < 0 ? a : a.substring(0, colon);
            return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        }
        String h = d.bind().getHostString();
        return h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0") ? "127.0.0.1" : h;
    }
}
