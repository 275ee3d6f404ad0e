package net.edgegw.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The first before-handler of every request: security headers, the client-address check ({@link AllowList}, 403),
 * the setup state ({@link SetupGate}, 503), the request size limit, then what the
 * {@link AccessRule} asks: nothing more ({@link Access#OWN}), an {@code Origin} check on public posts, a session or
 * the bearer token ({@link Access#SESSION_OR_BEARER}, {@link BearerToken}), or a live
 * session (401 JSON for the API and other methods, 303 to {@code /login} for pages) and, on a state change, the
 * same {@code Origin} and the session's CSRF token (header {@link WebServer#CSRF_HEADER}, or the form field
 * {@code _csrf} of a plain form post). The session is left in the request attribute {@link #SESSION_ATTRIBUTE}.
 * Immutable, thread-safe.
 */
final class RequestGuard implements Handler {

    static final String SESSION_ATTRIBUTE = "session";

    private final AccessRule rule;
    private final Sessions sessions;
    private final SessionCookie cookie;
    private final boolean tls;
    private final String cacheablePrefix;
    private final long maxRequestBytes;
    private java.util.Set<String> largeBodyPaths = java.util.Set.of();
    private long largeBodyBytes;
    private final AllowList allow;
    private final SetupGate setup;
    private final BearerToken bearer;

    /** {@code allow}, {@code setup} and {@code bearer} may be {@code null} (not configured). */
    RequestGuard(AccessRule rule, Sessions sessions, SessionCookie cookie, boolean tls, String cacheablePrefix,
                 long maxRequestBytes, AllowList allow, SetupGate setup, BearerToken bearer) {
        this.allow = allow;
        this.setup = setup;
        this.bearer = bearer;
        this.rule = rule;
        this.sessions = sessions;
        this.cookie = cookie;
        this.tls = tls;
        this.cacheablePrefix = cacheablePrefix;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** Bodies of requests to {@code paths} may be up to {@code max} bytes (instead of the server's limit). */
    RequestGuard largeBodies(java.util.Set<String> paths, long max) {
        this.largeBodyPaths = java.util.Set.copyOf(paths);
        this.largeBodyBytes = max;
        return this;
    }

    @Override
    public void handle(Context ctx) {
        String path = ctx.path();
        HandlerType m = ctx.method();
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin"); // "no-referrer" would make browsers send Origin: null
        ctx.header("Content-Security-Policy", WebServer.CSP);
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        if (cacheablePrefix == null || !path.startsWith(cacheablePrefix)) {
            ctx.header("Cache-Control", "no-store");
        }
        if (tls) {
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
        if (allow != null) {
            allow.check(ctx);
        }
        if (setup != null && setup.answer(ctx)) {
            ctx.skipRemainingHandlers();
            return;
        }
        long length = ctx.req().getContentLengthLong();
        long max = largeBodyPaths.contains(path) ? largeBodyBytes : maxRequestBytes;
        if (length > max) {
            throw new HttpError(413, "request too large", "at most " + max + " bytes");
        }
        Access access = rule.access(m, path);
        if (access == Access.OWN) {
            return;
        }
        if (access == Access.PUBLIC) {
            if (m == HandlerType.POST) {
                checkOrigin(ctx);
            }
            return;
        }
        if (access == Access.SESSION_OR_BEARER) {
            sessionOrBearer(ctx);
            return;
        }
        Optional<Sessions.Session> s = sessions.touch(ctx.cookie(cookie.name()));
        if (s.isEmpty()) {
            if (path.startsWith("/api/") || m != HandlerType.GET) {
                throw new HttpError(401, "login required", "no valid session (expired or logged out)");
            }
            throw HttpError.redirect("/login");
        }
        if (m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS) {
            checkOrigin(ctx);
            String token = ctx.header(WebServer.CSRF_HEADER);
            if (token == null && ctx.contentType() != null
                    && ctx.contentType().startsWith("application/x-www-form-urlencoded")) {
                token = ctx.formParam("_csrf");
            }
            if (!s.get().csrfMatches(token)) {
                throw new HttpError(403, "CSRF token missing or wrong", "send the header " + WebServer.CSRF_HEADER
                        + " from GET /api/session");
            }
        }
        ctx.attribute(SESSION_ATTRIBUTE, s.get());
    }

    /** A valid bearer token, or else a live session; 401 with {@code WWW-Authenticate: Bearer} otherwise. */
    private void sessionOrBearer(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (bearer != null && bearer.matches(auth.substring(7))) {
                return;
            }
            throw new HttpError(401, "authentication required", "the bearer token is wrong or bearer "
                    + "authentication is off", Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
        }
        Optional<Sessions.Session> s = sessions.touch(ctx.cookie(cookie.name()));
        if (s.isEmpty()) {
            throw new HttpError(401, "authentication required", "log in or send Authorization: Bearer <token>",
                    Map.of("WWW-Authenticate", "Bearer"));
        }
        ctx.attribute(SESSION_ATTRIBUTE, s.get());
    }

    /** Cross-site form posts are refused even before the CSRF check: the Origin must be this server. */
    static void checkOrigin(Context ctx) {
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
            throw new HttpError(403, "cross-origin request refused", null);
        }
    }
}
