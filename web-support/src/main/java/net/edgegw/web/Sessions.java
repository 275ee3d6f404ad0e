package net.edgegw.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side login sessions with an idle timeout and one CSRF token each. The cookie carries a random 256-bit
 * token; the server keeps only its SHA-256 (a leaked session table or log line does not hand out sessions) and
 * looks sessions up by it. At most {@link #MAX_SESSIONS} live sessions: the least recently used is dropped first.
 * Thread-safe.
 */
public final class Sessions {

    static final int MAX_SESSIONS = 1_000;

    /** One login. {@code lastSeen} moves on every authenticated request. Thread-safe. */
    public static final class Session {
        private final String username;
        private final String csrf;
        private final long createdMs;
        private volatile long lastSeenMs;

        Session(String username, String csrf, long nowMs) {
            this.username = username;
            this.csrf = csrf;
            this.createdMs = nowMs;
            this.lastSeenMs = nowMs;
        }

        /** Who logged in. */
        public String username() {
            return username;
        }

        /** This session's CSRF token (sent by {@code GET /api/session}, expected in {@code X-CSRF-Token}). */
        public String csrf() {
            return csrf;
        }

        /** When the login happened (epoch milliseconds). */
        public long createdMs() {
            return createdMs;
        }

        /** Constant-time comparison of a presented CSRF token with this session's. */
        public boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                    presented.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A new session: the token for the cookie and the session. */
    public record Created(String token, Session session) {
    }

    private final Map<String, Session> byHash = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Sessions(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    /** A new session for {@code username} (the least recently used one is dropped at {@link #MAX_SESSIONS}). */
    public Created create(String username) {
        long now = clock.millis();
        if (byHash.size() >= MAX_SESSIONS) {
            purgeExpired();
            while (byHash.size() >= MAX_SESSIONS) {
                byHash.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().lastSeenMs))
                        .ifPresent(e -> byHash.remove(e.getKey()));
            }
        }
        String token = randomToken();
        Session s = new Session(username, randomToken(), now);
        byHash.put(hash(token), s);
        return new Created(token, s);
    }

    /** The live session for a cookie token, touching it; empty if unknown or idle for longer than the timeout. */
    public Optional<Session> touch(String token) {
        Optional<Session> s = peek(token);
        s.ifPresent(x -> x.lastSeenMs = clock.millis());
        return s;
    }

    /** Like {@link #touch} without extending the session (live-update pushes do not keep a session alive). */
    public Optional<Session> peek(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        String key = hash(token);
        Session s = byHash.get(key);
        if (s == null) {
            return Optional.empty();
        }
        if (expired(s)) {
            byHash.remove(key, s);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Whether {@code s} is still logged in (not expired, not logged out). */
    public boolean isLive(Session s) {
        return !expired(s) && byHash.containsValue(s);
    }

    /** Ends the session of a cookie token (logout); unknown tokens are ignored. */
    public void invalidate(String token) {
        if (token != null) {
            byHash.remove(hash(token));
        }
    }

    /** Drops every expired session. */
    public void purgeExpired() {
        byHash.entrySet().removeIf(e -> expired(e.getValue()));
    }

    /** The number of sessions held (live or not yet purged). */
    public int size() {
        return byHash.size();
    }

    private boolean expired(Session s) {
        return clock.millis() - s.lastSeenMs > idleTimeout.toMillis();
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String hash(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
