package net.edgegw.web;

/**
 * The session cookie: {@code Path=/; HttpOnly; SameSite=Strict}, and with TLS {@code Secure} and the
 * {@code __Host-} name prefix (no {@code Domain}, so no sibling host can set or read it). Immutable.
 */
record SessionCookie(String name, boolean secure) {

    static SessionCookie of(String baseName, boolean tls) {
        return new SessionCookie(tls ? "__Host-" + baseName : baseName, tls);
    }

    /** The {@code Set-Cookie} value carrying {@code token}, or expiring the cookie. */
    String header(String token, boolean expire) {
        StringBuilder sb = new StringBuilder(name).append('=').append(token).append("; Path=/; HttpOnly; SameSite=Strict");
        if (secure) {
            sb.append("; Secure");
        }
        if (expire) {
            sb.append("; Max-Age=0");
        }
        return sb.toString();
    }
}
