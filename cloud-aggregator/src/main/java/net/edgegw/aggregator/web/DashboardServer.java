package net.edgegw.aggregator.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;
import net.edgegw.core.security.PasswordHash;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The cloud aggregator's dashboard: the operator web page, its JSON API and the internal routes other instances
 * use to read this instance's stores (see docs/dashboard.md for every route).
 *
 * <p>Lifecycle: {@link #start(AggregatorConfig)} listens at once (before Kafka Streams exists, so that
 * {@link #advertised()} can go into {@code application.server}); every data route answers 503 until
 * {@link #attach(KafkaStreams)}; {@link #close()} stops listening and ends the live-update streams.
 *
 * <p>Security (SPEC 7): every route but {@code GET /health} needs a login session (form login checked with
 * {@link PasswordHash}, per-address and global rate limits), sessions are server-side with an idle timeout, state
 * changes need the session's CSRF token, responses carry a strict CSP and related headers, bodies are size-limited,
 * live-update connections are capped; HTTPS with a configured or a generated, persisted self-signed certificate.
 *
 * <p>Thread-safe.
 */
public final class DashboardServer implements AutoCloseable {

    static final long MAX_REQUEST_BYTES = 16 * 1024;
    static final int MAX_CONNECTIONS = 256;
    static final int DEFAULT_MAX_EVENT_STREAMS = 32;
    static final long EVENT_INTERVAL_MS = 2_000;
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final Pattern SITE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final String STATIC = "/net/edgegw/aggregator/web/";

    private final AggregatorConfig.Dashboard cfg;
    private final Clock clock;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final PeerAuth peerAuth;
    private final DashboardTls tls;
    private final String cookieName;
    private final int maxEventStreams;
    private final Map<String, Asset> assets = new HashMap<>();
    private final Set<LiveClient> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger liveCount = new AtomicInteger();
    private final AtomicLong lastPeerWarn = new AtomicLong();
    private final ScheduledExecutorService ticker;
    private final byte[] usernameDigest;
    private Javalin app;
    private HostInfo advertised;
    private URI url;
    private volatile ClusterQuery query;
    private Map<String, SiteSnapshot> lastSent; // ticker thread only

    private record Asset(byte[] bytes, String contentType, boolean immutable) {
    }

    private record LiveClient(SseClient client, Sessions.Session session) {
    }

    /** An error answer: status, JSON {@code {"error": ..., "detail": ...}} and extra headers. */
    static final class HttpFailure extends RuntimeException {
        final int status;
        final String redirect;
        final Map<String, String> headers;

        HttpFailure(int status, String error, String detail, Map<String, String> headers) {
            super(error + (detail == null ? "" : ": " + detail), null, false, false);
            this.status = status;
            this.redirect = null;
            this.headers = headers;
        }

        HttpFailure(String redirect) {
            super("redirect", null, false, false);
            this.status = 303;
            this.redirect = redirect;
            this.headers = Map.of();
        }

        String error() {
            String m = getMessage();
            int i = m.indexOf(": ");
            return i < 0 ? m : m.substring(0, i);
        }

        String detail() {
            String m = getMessage();
            int i = m.indexOf(": ");
            return i < 0 ? null : m.substring(i + 2);
        }
    }

    private DashboardServer(AggregatorConfig config, Clock clock, int maxEventStreams) {
        this.cfg = config.dashboard();
        this.clock = clock;
        this.maxEventStreams = maxEventStreams;
        this.sessions = new Sessions(cfg.sessionTimeout(), clock);
        this.throttle = new LoginThrottle(clock);
        this.peerAuth = cfg.peerSecretFile() == null ? null : PeerAuth.fromFile(cfg.peerSecretFile(), clock);
        checkPasswordFile(cfg.passwordHashFile());
        this.usernameDigest = sha256(cfg.username());
        this.cookieName = cfg.tls() ? "__Host-edgegw-session" : "edgegw-session";
        if (cfg.tls()) {
            this.tls = cfg.tlsCert() != null
                    ? DashboardTls.fromPem(cfg.tlsCert(), cfg.tlsKey())
                    : DashboardTls.selfSigned(config.stateDir(), List.of(cfg.bind().getHostString(),
                    advertisedHost(cfg)));
        } else {
            this.tls = null;
        }
        loadAssets();
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard-events");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts listening on {@code dashboard.bind} (port 0 picks a free port) and returns. */
    public static DashboardServer start(AggregatorConfig config) {
        return start(config, Clock.systemUTC(), DEFAULT_MAX_EVENT_STREAMS);
    }

    static DashboardServer start(AggregatorConfig config, Clock clock, int maxEventStreams) {
        DashboardServer s = new DashboardServer(config, clock, maxEventStreams);
        s.listen();
        return s;
    }

    /** {@code host:port} for Kafka Streams' {@code application.server}: how the other instances reach this one. */
    public String advertised() {
        return ClusterQuery.name(advertised);
    }

    /** The local URL of the page ({@code https://} or {@code http://} with the bound port). */
    public URI url() {
        return url;
    }

    /** The SHA-256 fingerprint of the TLS certificate, when TLS is on. */
    public Optional<String> tlsFingerprint() {
        return Optional.ofNullable(tls).map(DashboardTls::fingerprint);
    }

    /** Enables the API on top of {@code streams} (whose {@code application.server} must be {@link #advertised()}). */
    public void attach(KafkaStreams streams) {
        this.query = new ClusterQuery(streams, advertised, cfg.tls(), peerAuth);
        LOG.info("dashboard attached to Kafka Streams (instance {})", advertised());
    }

    @Override
    public synchronized void close() {
        ticker.shutdownNow();
        for (LiveClient c : live) {
            c.client().close();
        }
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    // ------------------------------------------------------------------ server

    private void listen() {
        String bindHost = cfg.bind().getHostString();
        int bindPort = cfg.bind().getPort();
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.maxRequestSize = MAX_REQUEST_BYTES;
            c.http.generateEtags = false;
            QueuedThreadPool pool = new QueuedThreadPool(48, 4, 60_000);
            pool.setName("dashboard-http");
            c.jetty.threadPool = pool;
            c.jetty.modifyHttpConfiguration(h -> {
                h.setSendServerVersion(false);
                h.setSendXPoweredBy(false);
                h.setRequestHeaderSize(8 * 1024);
            });
            c.jetty.modifyServletContextHandler(h -> h.setMaxFormContentSize((int) MAX_REQUEST_BYTES));
            c.jetty.modifyServer(s -> s.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, s)));
            c.jetty.addConnector((server, http) -> connector(server, http, bindHost, bindPort));
            routes(c.routes);
        });
        app.start();
        int port = ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
        String advHost = advertisedHost(cfg);
        int advPort = port;
        if (cfg.advertised() != null && !cfg.advertised().isBlank()) {
            int colon = cfg.advertised().lastIndexOf(':');
            int p = Integer.parseInt(cfg.advertised().substring(colon + 1));
            advPort = p == 0 ? port : p;
        }
        advertised = new HostInfo(advHost, advPort);
        String urlHost = bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "127.0.0.1" : bindHost;
        url = URI.create((cfg.tls() ? "https" : "http") + "://" + (urlHost.contains(":") ? "[" + urlHost + "]" : urlHost)
                + ":" + port + "/");
        ticker.scheduleWithFixedDelay(this::tick, EVENT_INTERVAL_MS, EVENT_INTERVAL_MS, TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(sessions::purgeExpired, 1, 1, TimeUnit.MINUTES);
        if (tls != null) {
            LOG.info("dashboard listening on {} (advertised {}), TLS certificate {} SHA-256 fingerprint {}", url,
                    advertised(), tls.generated() ? "self-signed" : "configured", tls.fingerprint());
        } else {
            LOG.warn("dashboard listening on {} (advertised {}) WITHOUT TLS (dashboard.tls=false)", url, advertised());
        }
        if (peerAuth == null) {
            LOG.warn("dashboard: no dashboard.peerSecretFile: with several instances the API answers partially");
        }
    }

    private ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        ServerConnector c;
        if (tls != null) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(new String(tls.keyStorePassword()));
            ssl.setSniRequired(false);
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer src = new SecureRequestCustomizer();
            src.setSniHostCheck(false);
            https.addCustomizer(src);
            c = new ServerConnector(server, ssl, new HttpConnectionFactory(https));
        } else {
            c = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        c.setHost(host);
        c.setPort(port);
        c.setIdleTimeout(30_000);
        c.setAcceptQueueSize(64);
        return c;
    }

    private void routes(io.javalin.config.RoutesConfig r) {
        r.before(this::guard);
        r.exception(HttpFailure.class, (e, ctx) -> {
            e.headers.forEach(ctx::header);
            if (e.redirect != null) {
                ctx.header("Location", e.redirect).status(303).result("");
            } else {
                json(ctx, e.status, error(e.error(), e.detail()));
            }
        });
        r.exception(ClusterQuery.Unavailable.class, (e, ctx) -> {
            ctx.header("Retry-After", "2");
            json(ctx, 503, error("not ready", e.getMessage()));
        });
        r.exception(Exception.class, (e, ctx) -> {
            LOG.warn("dashboard: {} {} failed", ctx.method(), ctx.path(), e);
            json(ctx, 500, error("internal error", null));
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint")) {
                json(ctx, 404, error("not found", null));
            }
        });

        r.get("/health", this::health);
        r.get("/login", ctx -> asset(ctx, "login.html"));
        r.post("/login", this::login);
        r.post("/logout", this::logout);
        r.get("/", ctx -> asset(ctx, "index.html"));
        r.get("/assets/{file}", ctx -> asset(ctx, ctx.pathParam("file")));
        r.get("/assets/vendor/{file}", ctx -> asset(ctx, "vendor/" + ctx.pathParam("file")));

        r.get("/api/session", this::session);
        r.get("/api/summary", this::summary);
        r.get("/api/sites", this::sites);
        r.get("/api/sites/{site}", this::site);
        r.get("/api/alarms", this::alarms);
        r.get("/api/incidents", this::incidents);
        r.get("/api/fleet", this::fleet);
        r.sse("/api/events", this::events);

        r.get("/internal/sites", ctx -> peerAnswer(ctx, q().localSites()));
        r.get("/internal/sites/{site}", ctx -> peerAnswer(ctx,
                q().localSite(siteParam(ctx)).map(List::of).orElse(List.of())));
        r.get("/internal/alarms", ctx -> peerAnswer(ctx, q().localAlarms()));
    }

    // ------------------------------------------------------------------ security

    private static boolean isPublic(HandlerType m, String path) {
        return (m == HandlerType.GET || m == HandlerType.HEAD)
                && (path.equals("/health") || path.equals("/login") || path.equals("/assets/app.css")
                || path.equals("/assets/login.js") || path.equals("/assets/favicon.svg"))
                || m == HandlerType.POST && path.equals("/login");
    }

    private void guard(Context ctx) {
        String path = ctx.path();
        HandlerType m = ctx.method();
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin"); // "no-referrer" would make browsers send Origin: null
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        if (!path.startsWith("/assets/vendor/")) {
            ctx.header("Cache-Control", "no-store");
        }
        if (tls != null) {
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
        long length = ctx.req().getContentLengthLong();
        if (length > MAX_REQUEST_BYTES) {
            throw new HttpFailure(413, "request too large", "at most " + MAX_REQUEST_BYTES + " bytes", Map.of());
        }
        if (path.startsWith("/internal/")) {
            guardPeer(ctx);
            return;
        }
        if (isPublic(m, path)) {
            if (m == HandlerType.POST) {
                checkOrigin(ctx);
            }
            return;
        }
        Optional<Sessions.Session> s = sessions.touch(ctx.cookie(cookieName));
        if (s.isEmpty()) {
            if (path.startsWith("/api/") || m != HandlerType.GET) {
                throw new HttpFailure(401, "login required", "no valid session (expired or logged out)", Map.of());
            }
            throw new HttpFailure("/login");
        }
        if (m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS) {
            checkOrigin(ctx);
            String token = ctx.header(CSRF_HEADER);
            if (token == null && ctx.contentType() != null
                    && ctx.contentType().startsWith("application/x-www-form-urlencoded")) {
                token = ctx.formParam("_csrf");
            }
            if (!s.get().csrfMatches(token)) {
                throw new HttpFailure(403, "CSRF token missing or wrong", "send the header " + CSRF_HEADER
                        + " from GET /api/session", Map.of());
            }
        }
        if (path.equals("/api/events") && liveCount.get() >= maxEventStreams) {
            throw new HttpFailure(503, "too many live-update connections", "at most " + maxEventStreams
                    + " at a time; close another dashboard tab", Map.of("Retry-After", "10"));
        }
        ctx.attribute("session", s.get());
    }

    /** Cross-site form posts are refused even before the CSRF check: the Origin must be this server. */
    private static void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return; // not a browser (or a very old one): the CSRF token still applies
        }
        String host = ctx.header("Host");
        String authority;
        try {
            authority = URI.create(origin).getRawAuthority();
        } catch (IllegalArgumentException e) {
            authority = null;
        }
        if (authority == null || host == null || !authority.equalsIgnoreCase(host)) {
            throw new HttpFailure(403, "cross-origin request refused", null, Map.of());
        }
    }

    private void guardPeer(Context ctx) {
        if (peerAuth == null) {
            throw new HttpFailure(404, "not found", null, Map.of());
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
            throw new HttpFailure(401, "peer authentication failed", null, Map.of());
        }
    }

    private void login(Context ctx) {
        boolean wantsJson = Optional.ofNullable(ctx.header("Accept")).orElse("").contains("application/json");
        String ip = ctx.ip();
        long wait = throttle.tryAcquire(ip);
        if (wait > 0) {
            LOG.warn("dashboard: login from {} refused by the rate limit for {} s", ip, wait);
            if (!wantsJson) {
                ctx.header("Retry-After", Long.toString(wait));
                throw new HttpFailure("/login?error=locked&retry=" + wait);
            }
            throw new HttpFailure(429, "too many login attempts", "retry in " + wait + " s",
                    Map.of("Retry-After", Long.toString(wait)));
        }
        String user = ctx.formParam("username");
        String pass = ctx.formParam("password");
        if (user == null || pass == null || user.length() > 200 || pass.length() > 1024) {
            throw new HttpFailure(400, "username and password are required", null, Map.of());
        }
        boolean userOk = MessageDigest.isEqual(usernameDigest, sha256(user));
        char[] pw = pass.toCharArray();
        boolean passOk;
        try {
            passOk = PasswordHash.verify(pw, readPasswordHash());
        } finally {
            java.util.Arrays.fill(pw, '\0');
        }
        if (!(userOk & passOk)) {
            throttle.failed(ip);
            LOG.warn("dashboard: failed login from {} ({})", ip, userOk ? "wrong password" : "unknown user");
            if (!wantsJson) {
                throw new HttpFailure("/login?error=invalid");
            }
            throw new HttpFailure(401, "invalid username or password", null, Map.of());
        }
        throttle.succeeded(ip);
        sessions.invalidate(ctx.cookie(cookieName)); // a fresh session id on every login (no fixation)
        Sessions.Created created = sessions.create(cfg.username());
        ctx.header("Set-Cookie", cookie(created.token(), false));
        LOG.info("dashboard: {} logged in from {}", cfg.username(), ip);
        if (!wantsJson) {
            throw new HttpFailure("/");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("username", cfg.username());
        json(ctx, 200, body);
    }

    private void logout(Context ctx) {
        sessions.invalidate(ctx.cookie(cookieName));
        ctx.header("Set-Cookie", cookie("", true));
        json(ctx, 200, Map.of("ok", true));
    }

    private String cookie(String token, boolean expire) {
        StringBuilder sb = new StringBuilder(cookieName).append('=').append(token).append("; Path=/; HttpOnly; SameSite=Strict");
        if (cfg.tls()) {
            sb.append("; Secure");
        }
        if (expire) {
            sb.append("; Max-Age=0");
        }
        return sb.toString();
    }

    private String readPasswordHash() {
        try {
            return Files.readString(cfg.passwordHashFile(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            LOG.error("dashboard: dashboard.passwordHashFile {} is not readable ({}): nobody can log in",
                    cfg.passwordHashFile(), e.toString());
            return "";
        }
    }

    private static void checkPasswordFile(Path file) {
        if (file == null) {
            throw new IllegalStateException("dashboard.passwordHashFile is not set: run cloud-aggregator set-password");
        }
        String hash;
        try {
            hash = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("dashboard.passwordHashFile " + file + " is not readable (" + e
                    + "): run cloud-aggregator set-password", e);
        }
        if (!PasswordHash.wellFormed(hash)) {
            throw new IllegalStateException("dashboard.passwordHashFile " + file
                    + " does not hold a pbkdf2-sha256 hash: run cloud-aggregator set-password");
        }
    }

    // ------------------------------------------------------------------ routes

    private void health(Context ctx) {
        ClusterQuery q = query;
        String state = q == null ? "NOT_ATTACHED" : q.state().name();
        boolean up = q != null && (q.state() == KafkaStreams.State.RUNNING || q.state() == KafkaStreams.State.REBALANCING);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : q == null || q.state() == KafkaStreams.State.CREATED ? "STARTING" : "DOWN");
        body.put("streams", state);
        body.put("instance", advertised());
        json(ctx, up ? 200 : 503, body);
    }

    private void session(Context ctx) {
        Sessions.Session s = ctx.attribute("session");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", s.username);
        body.put("csrfToken", s.csrf);
        body.put("instance", advertised());
        body.put("idleTimeoutSeconds", cfg.sessionTimeout().toSeconds());
        json(ctx, 200, body);
    }

    private void summary(Context ctx) {
        ClusterQuery q = q();
        ClusterQuery.Gathered<SiteSnapshot> sites = q.sites();
        ClusterQuery.Gathered<Alarm> alarms = q.alarms();
        Map<String, Object> body = page(sites, alarms);
        body.put("summary", ApiViews.summary(sites.items(), alarms.items()));
        json(ctx, 200, body);
    }

    private void sites(Context ctx) {
        SiteState state = enumParam(ctx, "state", SiteState.class);
        ClusterQuery.Gathered<SiteSnapshot> sites = q().sites();
        Map<String, Object> body = page(sites);
        body.put("sites", ApiViews.sortedSites(sites.items(), state));
        json(ctx, 200, body);
    }

    private void site(Context ctx) {
        String id = siteParam(ctx);
        ClusterQuery q = q();
        ClusterQuery.Gathered<SiteSnapshot> found = q.site(id);
        if (found.items().isEmpty()) {
            if (!found.missing().isEmpty()) {
                ctx.header("Retry-After", "2");
                Map<String, Object> body = error("site not available", "the instances holding site " + id
                        + " do not answer");
                body.put("missing", found.missing());
                json(ctx, 503, body);
                return;
            }
            throw new HttpFailure(404, "unknown site", id, Map.of());
        }
        ClusterQuery.Gathered<Alarm> alarms = q.alarms();
        Map<String, Object> body = page(found, alarms);
        ApiViews.SiteDetail d = ApiViews.siteDetail(found.items().get(0), alarms.items());
        body.put("site", d.site());
        body.put("activeAlarms", d.activeAlarms());
        body.put("recentlyCleared", d.recentlyCleared());
        json(ctx, 200, body);
    }

    private void alarms(Context ctx) {
        String active = ctx.queryParam("active");
        Boolean activeFilter = active == null || active.isEmpty() ? null : switch (active) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new HttpFailure(400, "bad parameter", "active must be true or false", Map.of());
        };
        Alarm.Kind kind = enumParam(ctx, "kind", Alarm.Kind.class);
        String site = ctx.queryParam("site");
        if (site != null && !SITE_ID.matcher(site).matches()) {
            throw new HttpFailure(400, "bad parameter", "site", Map.of());
        }
        ClusterQuery.Gathered<Alarm> alarms = q().alarms();
        Map<String, Object> body = page(alarms);
        body.put("alarms", ApiViews.sortedAlarms(alarms.items(), activeFilter, kind, site));
        json(ctx, 200, body);
    }

    private void incidents(Context ctx) {
        boolean all = "false".equals(ctx.queryParam("active"));
        ClusterQuery q = q();
        ClusterQuery.Gathered<Alarm> alarms = q.alarms();
        ClusterQuery.Gathered<SiteSnapshot> sites = q.sites();
        Map<String, Object> body = page(alarms, sites);
        body.put("incidents", ApiViews.incidents(alarms.items(), sites.items(), !all));
        json(ctx, 200, body);
    }

    private void fleet(Context ctx) {
        ClusterQuery.Gathered<SiteSnapshot> sites = q().sites();
        Map<String, Object> body = page(sites);
        body.put("gateways", ApiViews.fleet(sites.items()));
        json(ctx, 200, body);
    }

    private void events(SseClient client) {
        Sessions.Session s = client.ctx().attribute("session");
        if (liveCount.incrementAndGet() > maxEventStreams) {
            liveCount.decrementAndGet();
            client.sendEvent("error", "{\"error\":\"too many live-update connections\"}");
            client.close();
            return;
        }
        LiveClient lc = new LiveClient(client, s);
        client.onClose(() -> {
            if (live.remove(lc)) {
                liveCount.decrementAndGet();
            }
        });
        live.add(lc);
        client.keepAlive();
        client.sendComment("connected");
    }

    /** Every {@link #EVENT_INTERVAL_MS}: one "update" event to every live client (summary + changed sites). */
    private void tick() {
        try {
            if (live.isEmpty()) {
                lastSent = null;
                return;
            }
            String payload;
            ClusterQuery q = query;
            if (q == null) {
                payload = toJson(error("not ready", "Kafka Streams is not attached yet"));
            } else {
                try {
                    ClusterQuery.Gathered<SiteSnapshot> sites = q.sites();
                    ClusterQuery.Gathered<Alarm> alarms = q.alarms();
                    Map<String, SiteSnapshot> now = new HashMap<>();
                    sites.items().forEach(x -> now.put(x.site(), x));
                    Map<String, Object> body = page(sites, alarms);
                    body.put("summary", ApiViews.summary(sites.items(), alarms.items()));
                    body.put("changed", lastSent == null ? ApiViews.sortedSites(sites.items(), null)
                            : ApiViews.changed(lastSent, sites.items()));
                    List<String> removed = new ArrayList<>();
                    if (lastSent != null) {
                        lastSent.keySet().stream().filter(k -> !now.containsKey(k)).sorted().forEach(removed::add);
                    }
                    body.put("removed", removed);
                    lastSent = now;
                    payload = toJson(body);
                } catch (ClusterQuery.Unavailable e) {
                    payload = toJson(error("not ready", e.getMessage()));
                }
            }
            for (LiveClient c : live) {
                if (!sessions.isLive(c.session())) {
                    c.client().sendEvent("logout", "{}");
                    c.client().close();
                } else {
                    c.client().sendEvent("update", payload);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("dashboard: live update failed", e);
        }
    }

    private void peerAnswer(Context ctx, List<?> items) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", advertised());
        body.put("items", items);
        byte[] bytes = toBytes(body);
        ctx.header(PeerAuth.H_SIGNATURE, peerAuth.signResponse(ctx.header(PeerAuth.H_NONCE), bytes));
        ctx.status(200).contentType("application/json").result(bytes);
    }

    // ------------------------------------------------------------------ helpers

    private ClusterQuery q() {
        ClusterQuery q = query;
        if (q == null) {
            throw new ClusterQuery.Unavailable("Kafka Streams is not attached yet");
        }
        return q;
    }

    private static String siteParam(Context ctx) {
        String id = ctx.pathParam("site");
        if (!SITE_ID.matcher(id).matches()) {
            throw new HttpFailure(400, "bad site id", null, Map.of());
        }
        return id;
    }

    private static <E extends Enum<E>> E enumParam(Context ctx, String name, Class<E> type) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HttpFailure(400, "bad parameter", name + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()), Map.of());
        }
    }

    /** The common part of every API answer: completeness, who is missing, when. */
    @SafeVarargs
    private Map<String, Object> page(ClusterQuery.Gathered<?>... parts) {
        boolean partial = false;
        boolean rebalancing = false;
        Map<String, ClusterQuery.Missing> missing = new LinkedHashMap<>();
        int instances = 0;
        for (ClusterQuery.Gathered<?> g : parts) {
            partial |= g.partial();
            rebalancing |= g.rebalancing();
            g.missing().forEach(m -> missing.putIfAbsent(m.instance(), m));
            instances = Math.max(instances, g.instances());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partial", partial);
        body.put("missing", List.copyOf(missing.values()));
        body.put("rebalancing", rebalancing);
        body.put("instances", instances);
        body.put("answeredBy", advertised());
        body.put("generatedAt", Instant.now(clock));
        return body;
    }

    private static Map<String, Object> error(String error, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        if (detail != null) {
            m.put("detail", detail);
        }
        return m;
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(toBytes(body));
    }

    private static byte[] toBytes(Object body) {
        try {
            return HealthJson.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String toJson(Object body) {
        return new String(toBytes(body), StandardCharsets.UTF_8);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    private void asset(Context ctx, String name) {
        Asset a = assets.get(name);
        if (a == null) {
            throw new HttpFailure(404, "not found", null, Map.of());
        }
        if (a.immutable()) {
            ctx.header("Cache-Control", "private, max-age=86400, immutable");
        }
        ctx.status(200).contentType(a.contentType()).result(a.bytes());
    }

    private void loadAssets() {
        for (String f : List.of("index.html", "login.html", "app.css", "app.js", "login.js", "favicon.svg")) {
            assets.put(f, new Asset(resource(STATIC + f), contentType(f), false));
        }
        String chartVersion = webjarVersion("chart.js");
        assets.put("vendor/chart.umd.min.js", new Asset(resource("/META-INF/resources/webjars/chart.js/" + chartVersion
                + "/dist/chart.umd.min.js"), "text/javascript; charset=utf-8", false));
    }

    private static String webjarVersion(String artifact) {
        Properties p = new Properties();
        try (InputStream in = DashboardServer.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("webjar " + artifact + " is not on the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static byte[] resource(String path) {
        try (InputStream in = DashboardServer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource missing from the class path: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String f) {
        if (f.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (f.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (f.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (f.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "application/octet-stream";
    }
}
