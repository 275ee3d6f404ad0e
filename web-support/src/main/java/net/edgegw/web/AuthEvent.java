package net.edgegw.web;

/**
 * A login, failed login or logout, as {@link WebServer.Builder#onAuthEvent} reports it: never the password.
 * {@code username} is the account (a failed login: the name that was typed, cut to 64 characters and stripped of
 * control characters; {@code null} when none was sent), {@code clientIp} the peer address, {@code detail} why a
 * login failed ({@code "wrong password"}, {@code "unknown user"}, {@code "missing username or password"},
 * {@code "too many attempts, retry in N s"}) or {@code null}. Immutable.
 */
public record AuthEvent(Kind kind, String username, String clientIp, String detail) {

    /** What happened. */
    public enum Kind {
        /** A successful login (a new session). */
        LOGIN,
        /** A refused login: wrong credentials, missing fields, or the rate limit ({@link #throttled()}). */
        LOGIN_FAILED,
        /** A logout of a live session. */
        LOGOUT
    }

    /** Whether this is a login refused by the rate limit (locked out for a while) rather than checked. */
    public boolean throttled() {
        return kind == Kind.LOGIN_FAILED && detail != null && detail.startsWith("too many attempts");
    }

    /** A typed user name as it may be reported: at most 64 characters, no control characters. */
    static String typed(String name) {
        if (name == null) {
            return null;
        }
        String clean = name.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }
}
