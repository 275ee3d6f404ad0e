package net.edgegw.web;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
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

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The web server both programs' UIs run on: Javalin on Jetty 12, HTTPS (TLS 1.2/1.3) with a {@link WebTls}
 * certificate or plain HTTP, form login against a {@link net.edgegw.core.security.PasswordHash} with a
 * {@link LoginThrottle}, server-side {@link Sessions} in a Secure/HttpOnly/SameSite=Strict cookie, the CSRF token on
 * every state change, strict security headers ({@link #CSP}), size and connection limits, and JSON errors
 * ({@link Json}, {@link HttpError}). It owns {@code POST /login}, {@code POST /logout} and {@code GET /api/session};
 * the program adds its own routes (the login page included) and says which paths are public with an
 * {@link AccessRule}. Optional parts: {@code GET /metrics} in the Prometheus formats ({@link Builder#metrics}), a
 * client-address allow-list ({@link Builder#allow}), a "no password set yet" state ({@link Builder#setupRequired})
 * and a listener for logins and logouts ({@link Builder#onAuthEvent}). Configured with {@link #builder(String)};
 * listens when {@link Builder#start()} returns.
 *
 * <p>Thread-safe.
 */
public final class WebServer implements AutoCloseable {

    public static final long MAX_REQUEST_BYTES = 16 * 1024;
    public static final int MAX_CONNECTIONS = 256;
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** Dropwizard counter of requests refused by {@link Builder#allow} (in the metrics registry when there is one). */
    public static final String REFUSED_NOT_ALLOWED = "web.refused.notAllowed";
    /** The Prometheus rules of this server's own metrics, applied before the program's. */
    public static final List<MetricMapping> MAPPINGS = List.of(
            MetricMapping.counter("web.refused.*", "web_requests_refused", "requests the web server refused before "
                    + "any other check, by reason (notAllowed: the client address is not in the allow-list)")
                    .label("reason", "${0}"));

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    private final String label;
    private final WebTls tls;
    private final Sessions sessions;
    private final Json json;
    private final ScheduledExecutorService purger;
    private final URI url;
    private final AllowList allow;
    private Javalin app;

    private WebServer(Builder b) {
        this.label = b.label;
        this.tls = b.tls;
        this.json = b.json;
        this.sessions = new Sessions(b.sessionTimeout, b.clock);
        SessionCookie cookie = SessionCookie.of(b.cookieName, tls != null);
        this.allow = b.allowed == null ? null : new AllowList(label, b.allowed,
                b.registry != null ? b.registry.counter(REFUSED_NOT_ALLOWED) : new Counter(), b.clock);
        SetupGate setup = b.setupRequired == null ? null
                : new SetupGate(b.setupRequired, b.setupPage, b.setupDetail, b.setupExempt);
        PrometheusExporter exporter = b.registry == null ? null : new PrometheusExporter(b.registry, b.namespace,
                Stream.concat(MAPPINGS.stream(), b.mappings.stream()).toList());
        BearerToken bearer = b.tokenFile == null ? null : new BearerToken(label, b.tokenFile);
        AccessRule access = exporter == null ? b.access : (m, path) -> path.equals("/metrics")
                && (m == HandlerType.GET || m == HandlerType.HEAD) ? Access.SESSION_OR_BEARER : b.access.access(m, path);
        RequestGuard guard = new RequestGuard(access, sessions, cookie, tls != null, b.cacheablePrefix,
                MAX_REQUEST_BYTES, allow, setup, bearer).largeBodies(b.largeBodyPaths, b.largeBodyBytes);
        LoginRoutes login = new LoginRoutes(label, b.username, b.passwordHash, sessions, new LoginThrottle(b.clock),
                cookie, json, b.sessionTimeout, b.sessionDetails, b.authEvents, setup);
        String host = b.bind.getHostString();
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.maxRequestSize = MAX_REQUEST_BYTES; // ctx.body(); a large-body route reads its stream itself
            c.http.generateEtags = false;
            QueuedThreadPool pool = new QueuedThreadPool(b.maxThreads, 4, 60_000);
            pool.setName(label + "-http");
            c.jetty.threadPool = pool;
            c.jetty.modifyHttpConfiguration(h -> {
                h.setSendServerVersion(false);
                h.setSendXPoweredBy(false);
                h.setRequestHeaderSize(8 * 1024);
            });
            c.jetty.modifyServletContextHandler(h -> h.setMaxFormContentSize((int) MAX_REQUEST_BYTES));
            c.jetty.modifyServer(s -> s.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, s)));
            c.jetty.addConnector((server, http) -> connector(server, http, host, b.bind.getPort()));
            RoutesConfig r = c.routes;
            r.before(guard);
            errors(r);
            r.post("/login", login::login);
            r.post("/logout", login::logout);
            r.get("/api/session", login::session);
            if (exporter != null) {
                r.get("/metrics", ctx -> {
                    PrometheusExporter.Scrape scrape = exporter.scrape(ctx.header("Accept"));
                    ctx.status(200).contentType(scrape.contentType()).result(scrape.body());
                });
            }
            b.routes.accept(r);
        });
        app.start();
        int port = ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
        String urlHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        this.url = URI.create((tls != null ? "https" : "http") + "://"
                + (urlHost.contains(":") ? "[" + urlHost + "]" : urlHost) + ":" + port + "/");
        this.purger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, label + "-sessions");
            t.setDaemon(true);
            return t;
        });
        purger.scheduleWithFixedDelay(sessions::purgeExpired, 1, 1, TimeUnit.MINUTES);
    }

    /** A server whose logs, threads and messages are named {@code label} (the program's config section). */
    public static Builder builder(String label) {
        return new Builder(label);
    }

    /**
     * The body of a request as UTF-8 text, read from its stream up to {@code maxBytes} (whatever its
     * {@code Content-Length} says, chunked included): more is a 413 {@link HttpError}.
     */
    public static String body(io.javalin.http.Context ctx, long maxBytes) {
        try (java.io.InputStream in = ctx.req().getInputStream()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (b.length > maxBytes) {
                throw new HttpError(413, "request too large", "at most " + maxBytes + " bytes");
            }
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new HttpError(400, "bad request", "the body could not be read");
        }
    }

    /** The logged-in session of a request that passed the {@link Access#SESSION} check. */
    public static Sessions.Session session(Context ctx) {
        return ctx.attribute(RequestGuard.SESSION_ATTRIBUTE);
    }

    /** The local URL ({@code https://} or {@code http://}, the bound port; a wildcard bind shows 127.0.0.1). */
    public URI url() {
        return url;
    }

    /** The bound port. */
    public int port() {
        return url.getPort();
    }

    /** The TLS material, unless plain HTTP. */
    public Optional<WebTls> tls() {
        return Optional.ofNullable(tls);
    }

    /** Whether a session is still logged in (for long-lived answers such as event streams). */
    public boolean isLive(Sessions.Session s) {
        return sessions.isLive(s);
    }

    /** Requests refused by {@link Builder#allow} since the start (0 without an allow-list). */
    public long refusedNotAllowed() {
        return allow == null ? 0 : allow.refused();
    }

    /** The JSON writer of this server's answers. */
    public Json json() {
        return json;
    }

    /** Stops listening (idempotent). */
    @Override
    public synchronized void close() {
        purger.shutdownNow();
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    private void errors(RoutesConfig r) {
        r.exception(HttpError.class, (e, ctx) -> {
            e.headers().forEach(ctx::header);
            if (e.redirect() != null) {
                ctx.header("Location", e.redirect()).status(303).result("");
            } else {
                json.send(ctx, e.status(), Json.error(e.error(), e.detail()));
            }
        });
        r.exception(Exception.class, (e, ctx) -> {
            LOG.warn("{}: {} {} failed", label, ctx.method(), ctx.path(), e);
            json.send(ctx, 500, Json.error("internal error", null));
        });
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint")) {
                json.send(ctx, 404, Json.error("not found", null));
            }
        });
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

    /** The settings of a {@link WebServer}; not thread-safe (one thread configures, then {@link #start()}). */
    public static final class Builder {
        private final String label;
        private InetSocketAddress bind;
        private WebTls tls;
        private String username;
        private Supplier<String> passwordHash;
        private Duration sessionTimeout = Duration.ofMinutes(30);
        private Clock clock = Clock.systemUTC();
        private Json json = Json.standard();
        private String cookieName = "edgegw-session";
        private AccessRule access = AccessRule.publicGets("/login");
        private String cacheablePrefix;
        private int maxThreads = 48;
        private BiConsumer<Sessions.Session, Map<String, Object>> sessionDetails = (s, m) -> { };
        private Consumer<RoutesConfig> routes = r -> { };
        private Set<String> largeBodyPaths = Set.of();
        private long largeBodyBytes;
        private MetricRegistry registry;
        private String namespace;
        private Path tokenFile;
        private List<MetricMapping> mappings = List.of();
        private Consumer<AuthEvent> authEvents = e -> { };
        private Predicate<InetAddress> allowed;
        private BooleanSupplier setupRequired;
        private Supplier<byte[]> setupPage;
        private String setupDetail;
        private Set<String> setupExempt = Set.of();

        private Builder(String label) {
            this.label = Objects.requireNonNull(label);
        }

        /** Where to listen; port 0 picks a free port. Required. */
        public Builder bind(InetSocketAddress bind) {
            this.bind = bind;
            return this;
        }

        /** HTTPS with this certificate; {@code null} (the default) is plain HTTP. */
        public Builder tls(WebTls tls) {
            this.tls = tls;
            return this;
        }

        /** The one user and where its password hash comes from (read on every login). Required. */
        public Builder login(String username, Supplier<String> passwordHash) {
            this.username = username;
            this.passwordHash = passwordHash;
            return this;
        }

        /** Sessions end after this long without a request (default 30 min). */
        public Builder sessionTimeout(Duration idle) {
            this.sessionTimeout = idle;
            return this;
        }

        /** The clock of sessions and the login throttle (tests). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How bodies are written (default {@link Json#standard()}). */
        public Builder json(Json json) {
            this.json = json;
            return this;
        }

        /** The session cookie's name; with TLS it gets the {@code __Host-} prefix (default {@code edgegw-session}). */
        public Builder cookieName(String name) {
            this.cookieName = name;
            return this;
        }

        /** Which requests are public, need a session or authenticate themselves (default: only the login page). */
        public Builder access(AccessRule rule) {
            this.access = rule;
            return this;
        }

        /** Paths under this prefix may be cached by the browser (versioned libraries); all others are no-store. */
        public Builder cacheablePrefix(String prefix) {
            this.cacheablePrefix = prefix;
            return this;
        }

        /** The most request threads (default 48). */
        public Builder maxThreads(int n) {
            this.maxThreads = n;
            return this;
        }

        /** Adds the program's fields to {@code GET /api/session}, after {@code username} and {@code csrfToken}. */
        public Builder sessionDetails(BiConsumer<Sessions.Session, Map<String, Object>> details) {
            this.sessionDetails = details;
            return this;
        }

        /**
         * The program's routes, before-handlers (they run after the security check) and exception handlers (the most
         * specific exception class wins over this server's {@link HttpError} and catch-all handlers).
         */
        public Builder routes(Consumer<RoutesConfig> routes) {
            this.routes = routes;
            return this;
        }

        /**
         * Serves {@code GET /metrics}: the Prometheus exposition of {@code registry} ({@link PrometheusExporter}; text
         * 0.0.4 by default, OpenMetrics or protobuf when the {@code Accept} header asks), every family named
         * {@code <namespace>_...} by the first matching rule of {@link #MAPPINGS} and then {@code mappings}. Access
         * ({@link Access#SESSION_OR_BEARER}): a login session, or {@code Authorization: Bearer <token>} where the
         * token is the stripped content of {@code tokenFile} (read again when the file changes; {@code null}, a
         * missing, unreadable or empty file: bearer authentication off). The {@link #allow} refusals are counted in
         * {@code registry} ({@link #REFUSED_NOT_ALLOWED}).
         *
         * @param namespace e.g. {@code edge_gateway} or {@code cloud_aggregator}
         */
        public Builder metrics(MetricRegistry registry, String namespace, Path tokenFile, List<MetricMapping> mappings) {
            this.registry = Objects.requireNonNull(registry);
            this.namespace = Objects.requireNonNull(namespace);
            this.tokenFile = tokenFile;
            this.mappings = List.copyOf(mappings);
            return this;
        }

        /**
         * Called on the request thread for every login, failed login (also one refused by the rate limit; none while
         * {@link #setupRequired setup is required}, when logins are refused before any check) and logout; a failing
         * listener is logged and ignored. The event never holds the password.
         */
        public Builder onAuthEvent(Consumer<AuthEvent> listener) {
            this.authEvents = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Only clients whose address {@code allowed} accepts may use the server: the others get 403 JSON
         * {@code {"error":"forbidden",...}} before any other check (also on {@code /health}), are counted
         * ({@link WebServer#refusedNotAllowed()}, and {@link #REFUSED_NOT_ALLOWED} with {@link #metrics}) and logged
         * at most once a minute. Default: every address.
         */
        public Builder allow(Predicate<InetAddress> allowed) {
            this.allowed = allowed;
            return this;
        }

        /**
         * While {@code required} is true (asked on every request) the server is not usable: every request except
         * {@code GET /health} answers 503, a page request (GET accepting {@code text/html}) with {@code page}, any
         * other with JSON {@code {"error":"no password set","detail":detail}}, and no login is possible.
         */
        public Builder setupRequired(BooleanSupplier required, Supplier<byte[]> page, String detail) {
            return setupRequired(required, page, detail, Set.of());
        }

        /** As {@link #setupRequired(BooleanSupplier, Supplier, String)}, also serving the GET {@code exempt} paths
         *  (the setup page's stylesheet, icon) normally. */
        public Builder setupRequired(BooleanSupplier required, Supplier<byte[]> page, String detail,
                                     Set<String> exempt) {
            this.setupRequired = Objects.requireNonNull(required);
            this.setupPage = Objects.requireNonNull(page);
            this.setupDetail = detail;
            this.setupExempt = Set.copyOf(exempt);
            return this;
        }

        /**
         * Requests to {@code paths} (e.g. a config upload) may declare bodies up to {@code maxBytes}; every other
         * request keeps the {@value #MAX_REQUEST_BYTES}-byte limit (413 above it). {@code ctx.body()} stays limited to
         * {@value #MAX_REQUEST_BYTES} bytes for every route (also chunked bodies): such a route reads the body with
         * {@link #body(io.javalin.http.Context, long)}.
         */
        public Builder largeBodies(Set<String> paths, long maxBytes) {
            this.largeBodyPaths = Set.copyOf(paths);
            this.largeBodyBytes = maxBytes;
            return this;
        }

        /** Starts listening and returns the running server. */
        public WebServer start() {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(passwordHash, "passwordHash");
            return new WebServer(this);
        }
    }
}
