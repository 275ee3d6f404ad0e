package net.edgegw.web;

import io.javalin.http.Context;
import net.edgegw.core.security.PasswordHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code POST /login}, {@code POST /logout} and {@code GET /api/session}. A login is a form post of
 * {@code username} and {@code password}: with {@code Accept: application/json} the answer is JSON (200, 401, 429
 * with {@code Retry-After}), otherwise a 303 to {@code /} or back to {@code /login?error=...}. The user name is
 * compared in constant time, the password against the {@link PasswordHash} read from its source on every login,
 * and the {@link LoginThrottle} is asked before any check. Every login gets a fresh session (no fixation).
 * Immutable, thread-safe.
 */
final class LoginRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(LoginRoutes.class);

    private final String label;
    private final String username;
    private final byte[] usernameDigest;
    private final Supplier<String> passwordHash;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final SessionCookie cookie;
    private final Json json;
    private final Duration idleTimeout;
    private final BiConsumer<Sessions.Session, Map<String, Object>> sessionDetails;
    private final Consumer<AuthEvent> events;
    private final SetupGate setup;

    /** {@code setup} may be {@code null} (no setup state). */
    LoginRoutes(String label, String username, Supplier<String> passwordHash, Sessions sessions,
                LoginThrottle throttle, SessionCookie cookie, Json json, Duration idleTimeout,
                BiConsumer<Sessions.Session, Map<String, Object>> sessionDetails, Consumer<AuthEvent> events,
                SetupGate setup) {
        this.events = events;
        this.setup = setup;
        this.label = label;
        this.username = username;
        this.usernameDigest = sha256(username);
        this.passwordHash = passwordHash;
        this.sessions = sessions;
        this.throttle = throttle;
        this.cookie = cookie;
        this.json = json;
        this.idleTimeout = idleTimeout;
        this.sessionDetails = sessionDetails;
    }

    void login(Context ctx) {
        boolean wantsJson = Optional.ofNullable(ctx.header("Accept")).orElse("").contains("application/json");
        String ip = ctx.ip();
        if (setup != null && setup.required()) {
            throw new HttpError(503, SetupGate.ERROR, "no login is possible before a password is set");
        }
        long wait = throttle.tryAcquire(ip);
        if (wait > 0) {
            LOG.warn("{}: login from {} refused by the rate limit for {} s", label, ip, wait);
            fire(new AuthEvent(AuthEvent.Kind.LOGIN_FAILED, AuthEvent.typed(ctx.formParam("username")), ip,
                    "too many attempts, retry in " + wait + " s"));
            Map<String, String> retry = Map.of("Retry-After", Long.toString(wait));
            if (!wantsJson) {
                throw HttpError.redirect("/login?error=locked&retry=" + wait, retry);
            }
            throw new HttpError(429, "too many login attempts", "retry in " + wait + " s", retry);
        }
        String user = ctx.formParam("username");
        String pass = ctx.formParam("password");
        if (user == null || pass == null || user.length() > 200 || pass.length() > 1024) {
            fire(new AuthEvent(AuthEvent.Kind.LOGIN_FAILED, AuthEvent.typed(user), ip,
                    "missing username or password"));
            throw new HttpError(400, "username and password are required", null);
        }
        boolean userOk = MessageDigest.isEqual(usernameDigest, sha256(user));
        char[] pw = pass.toCharArray();
        boolean passOk;
        try {
            passOk = PasswordHash.verify(pw, passwordHash.get());
        } finally {
            Arrays.fill(pw, '\0');
        }
        if (!(userOk & passOk)) {
            throttle.failed(ip);
            String why = userOk ? "wrong password" : "unknown user";
            LOG.warn("{}: failed login from {} ({})", label, ip, why);
            fire(new AuthEvent(AuthEvent.Kind.LOGIN_FAILED, AuthEvent.typed(user), ip, why));
            if (!wantsJson) {
                throw HttpError.redirect("/login?error=invalid");
            }
            throw new HttpError(401, "invalid username or password", null);
        }
        throttle.succeeded(ip);
        sessions.invalidate(ctx.cookie(cookie.name())); // a fresh session id on every login (no fixation)
        Sessions.Created created = sessions.create(username);
        ctx.header("Set-Cookie", cookie.header(created.token(), false));
        LOG.info("{}: {} logged in from {}", label, username, ip);
        fire(new AuthEvent(AuthEvent.Kind.LOGIN, username, ip, null));
        if (!wantsJson) {
            throw HttpError.redirect("/");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("username", username);
        json.send(ctx, 200, body);
    }

    void logout(Context ctx) {
        Sessions.Session s = WebServer.session(ctx);
        sessions.invalidate(ctx.cookie(cookie.name()));
        if (s != null) {
            fire(new AuthEvent(AuthEvent.Kind.LOGOUT, s.username(), ctx.ip(), null));
        }
        ctx.header("Set-Cookie", cookie.header("", true));
        json.send(ctx, 200, Map.of("ok", true));
    }

    /** The user name, the CSRF token, the program's details, the idle timeout. */
    void session(Context ctx) {
        Sessions.Session s = WebServer.session(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", s.username());
        body.put("csrfToken", s.csrf());
        Map<String, Object> details = new LinkedHashMap<>();
        sessionDetails.accept(s, details);
        for (Entry<String, Object> e : details.entrySet()) {
            body.putIfAbsent(e.getKey(), e.getValue());
        }
        body.put("idleTimeoutSeconds", idleTimeout.toSeconds());
        json.send(ctx, 200, body);
    }

    private void fire(AuthEvent e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("{}: the auth event listener failed on {}", label, e.kind(), ex);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
