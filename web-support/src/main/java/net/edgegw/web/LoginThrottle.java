package net.edgegw.web;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Login rate limits: per client address at most {@link #PER_CLIENT_FAILURES} failed logins within
 * {@link #WINDOW_MS}, and across all clients at most {@link #GLOBAL_ATTEMPTS} login attempts (any outcome) within
 * the same window, which also bounds the CPU spent on PBKDF2. A refused attempt is not checked at all. The per-client
 * table is bounded ({@link #MAX_CLIENTS}, least recently used dropped). Thread-safe (synchronized; logins are rare).
 */
public final class LoginThrottle {

    public static final long WINDOW_MS = 60_000;
    public static final int PER_CLIENT_FAILURES = 5;
    public static final int GLOBAL_ATTEMPTS = 60;
    public static final int MAX_CLIENTS = 10_000;

    private final Clock clock;
    private final Deque<Long> global = new ArrayDeque<>();
    private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /**
     * Reserves an attempt for {@code client}: 0 if it may proceed, else the number of seconds to wait
     * (for {@code Retry-After}).
     */
    public synchronized long tryAcquire(String client) {
        long now = clock.millis();
        expire(global, now);
        Deque<Long> f = failures.get(client);
        if (f != null) {
            expire(f, now);
            if (f.size() >= PER_CLIENT_FAILURES) {
                return retryAfter(f, now);
            }
        }
        if (global.size() >= GLOBAL_ATTEMPTS) {
            return retryAfter(global, now);
        }
        global.addLast(now);
        return 0;
    }

    /** Counts a failed login of {@code client}. */
    public synchronized void failed(String client) {
        failures.computeIfAbsent(client, k -> new ArrayDeque<>()).addLast(clock.millis());
    }

    /** Forgets the failures of {@code client} after a successful login. */
    public synchronized void succeeded(String client) {
        failures.remove(client);
    }

    private static void expire(Deque<Long> d, long now) {
        while (!d.isEmpty() && d.peekFirst() <= now - WINDOW_MS) {
            d.pollFirst();
        }
    }

    private static long retryAfter(Deque<Long> d, long now) {
        long waitMs = d.peekFirst() + WINDOW_MS - now;
        return Math.max(1, (waitMs + 999) / 1000);
    }
}
