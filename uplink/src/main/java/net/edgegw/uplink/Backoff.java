package net.edgegw.uplink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with jitter, the one retry helper of the uplink. The n-th consecutive failure waits a
 * random delay in {@code [base/2, base]} where {@code base = min(max, min * 2^(n-1))}; {@link #reset()} after a
 * success. Each failure is logged as "attempt n": at INFO for attempts 1, 2, 4, 8, ... (so a long outage logs a
 * handful of lines, not a storm), at DEBUG otherwise.
 *
 * <p>Not thread-safe: one owner thread.
 */
public final class Backoff {

    private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);

    private final String what;
    private final long minMs;
    private final long maxMs;
    private final RandomGenerator random;
    private int attempt;

    public Backoff(String what, Duration min, Duration max) {
        this(what, min, max, ThreadLocalRandom.current());
    }

    /** With a given random source (tests). */
    public Backoff(String what, Duration min, Duration max, RandomGenerator random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < min <= max, got " + min + ", " + max);
        }
        this.what = what;
        this.minMs = min.toMillis();
        this.maxMs = max.toMillis();
        this.random = random;
    }

    /** Consecutive failures since the last {@link #reset()}. */
    public int attempt() {
        return attempt;
    }

    /** Records a failure and returns how long to wait before the next attempt. */
    public Duration next(Throwable cause) {
        attempt++;
        int shift = Math.min(attempt - 1, 40);
        long grown = minMs << shift;
        long base = (grown >>> shift) != minMs || grown < 0 ? maxMs : Math.min(maxMs, grown); // overflow: max
        long half = base / 2;
        long delay = half + random.nextLong(base - half + 1); // uniform in [base/2, base]
        String reason = cause == null ? "" : describe(cause);
        if (Integer.bitCount(attempt) == 1) {
            LOG.info("{}: attempt {} failed ({}); next attempt in {} ms", what, attempt, reason, delay);
        } else {
            LOG.debug("{}: attempt {} failed ({}); next attempt in {} ms", what, attempt, reason, delay);
        }
        return Duration.ofMillis(delay);
    }

    /** After a success: the next failure starts again at {@code min}. */
    public void reset() {
        if (attempt > 0) {
            LOG.debug("{}: succeeded after {} failed attempts", what, attempt);
        }
        attempt = 0;
    }

    /** {@code SimpleName: message} of an exception and of its root cause when they differ. */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String s = t.getClass().getSimpleName() + ": " + t.getMessage();
        if (root != t) {
            s += " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return s;
    }
}
