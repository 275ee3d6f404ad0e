package net.edgegw.web;

/**
 * How {@link WebServer} protects a request, as a program's {@link AccessRule} says.
 */
public enum Access {
    /** No login: the health probe, the login page and its assets, {@code POST /login}. */
    PUBLIC,
    /** A login session; a state change also needs the session's CSRF token and a same-origin {@code Origin}. */
    SESSION,
    /**
     * Neither session nor CSRF: the route authenticates the request itself in a before-handler of the program (e.g.
     * signed requests between instances). Security headers and the size limit still apply.
     */
    OWN,
    /**
     * A login session or {@code Authorization: Bearer <token>} with the token of {@link WebServer.Builder#metrics}
     * (for scrapers such as Prometheus); read-only routes only (no CSRF check). Without either: 401 JSON
     * {@code {"error":"authentication required",...}} with {@code WWW-Authenticate: Bearer}. A bearer token that is
     * presented but wrong is refused even if a session cookie comes along.
     */
    SESSION_OR_BEARER
}
