package net.edgegw.uplink;

import java.time.Clock;

/**
 * The uplink bandwidth cap: a token bucket over key+value bytes, shared by all lanes. Tokens refill at
 * {@code rate} bytes/s up to a burst of one second's worth. {@link #acquire} takes the tokens at once, possibly
 * going into debt (a record larger than the burst is allowed), and then blocks the caller in the injected
 * {@link Sleeper} until the debt is paid back, so the long-run rate never exceeds the cap and nothing spins.
 *
 * <p>Thread-safe: the accounting is synchronized, the waiting is not.
 */
final class TokenBucket {

    private final long rate;
    private final double burst;
    private final Clock clock;
    private final Sleeper sleeper;
    private double tokens;
    private long lastMillis;

    /** @param bytesPerSec the cap; must be positive (an unlimited uplink has no bucket) */
    TokenBucket(long bytesPerSec, Clock clock, Sleeper sleeper) {
        if (bytesPerSec <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.rate = bytesPerSec;
        this.burst = bytesPerSec;
        this.clock = clock;
        this.sleeper = sleeper;
        this.tokens = burst;
        this.lastMillis = clock.millis();
    }

    long rate() {
        return rate;
    }

    /**
     * Takes {@code bytes} tokens, then waits while the bucket is in debt.
     *
     * @return false if the wait was cut short because the owner is closing
     */
    boolean acquire(long bytes) {
        long waitMs;
        synchronized (this) {
            refill();
            tokens -= bytes;
            waitMs = tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1000.0 / rate);
        }
        while (waitMs > 0) {
            if (!sleeper.sleep(waitMs)) {
                return false;
            }
            synchronized (this) {
                refill();
                waitMs = tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1000.0 / rate);
            }
        }
        return true;
    }

    /** Tokens available now (negative = debt), for tests and status. */
    synchronized double available() {
        refill();
        return tokens;
    }

    private void refill() {
        long now = clock.millis();
        long elapsed = now - lastMillis;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * (double) rate / 1000.0);
            lastMillis = now;
        } else if (elapsed < 0) {
            lastMillis = now; // clock went backwards: do not mint tokens, just re-anchor
        }
    }
}
