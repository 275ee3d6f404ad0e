package net.edgegw.web;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
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

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The web server both programs' UIs run on: Javalin on Jetty 12, HTTPS (TLS 1.2/1.3) with a {@link WebTls}
 * certificate or plain HTTP, form login against a {@link net.edgegw.core.security.PasswordHash} with a
 * {@link LoginThrottle}, server-side {@link Sessions} in a Secure/HttpOnly/SameSite=Strict cookie, the CSRF token on
 * every state change, strict security headers ({@link #CSP}), size and connection limits, and JSON errors
 * ({@link Json}, {@link HttpError}). It owns {@code POST /login}, {@code POST /logout} and {@code GET /api/session};
 * the program adds its own routes (the login page included) and says which paths are public with an
 * {@link AccessRule}. Configured with {@link #builder(String)}; listens when {@link Builder#start()} returns.
 *
 * <p>Thread-safe.
 */
public final class WebServer implements AutoCloseable {

    public static final long MAX_REQUEST_BYTES = 16 * 1024;
    public static final int MAX_CONNECTIONS = 256;
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    private final String label;
    private final WebTls tls;
    private final Sessions sessions;
    private final Json json;
    private final ScheduledExecutorService purger;
    private final URI url;
    private Javalin app;

    private WebServer(Builder b) {
        this.label = b.label;
        this.tls = b.tls;
        this.json = b.json;
        this.sessions = new Sessions(b.sessionTimeout, b.clock);
        SessionCookie cookie = SessionCookie.of(b.cookieName, tls != null);
        RequestGuard guard = new RequestGuard(b.access, sessions, cookie, tls != null, b.cacheablePrefix,
                MAX_REQUEST_BYTES);
        LoginRoutes login = new LoginRoutes(label, b.username, b.passwordHash, sessions, new LoginThrottle(b.clock),
                cookie, json, b.sessionTimeout, b.sessionDetails);
        String host = b.bind.getHostString();
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.maxRequestSize = MAX_REQUEST_BYTES;
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

        /** Starts listening and returns the running server. */
        public WebServer start() {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(passwordHash, "passwordHash");
            return new WebServer(this);
        }
    }
}
