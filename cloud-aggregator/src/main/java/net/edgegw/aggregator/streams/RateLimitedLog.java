package net.edgegw.aggregator.streams;

import org.slf4j.Logger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs a WARN per reason at most once per interval and says how many were left out since. For per-record problems
 * (bad input), which are counted anyway. Thread-safe.
 */
final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final ConcurrentHashMap<String, AtomicLong> last = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> suppressed = new ConcurrentHashMap<>();

    RateLimitedLog(Logger log, long interval, TimeUnit unit) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
    }

    /** Logs {@code format} (SLF4J placeholders) unless {@code reason} was logged less than an interval ago. */
    void warn(String reason, String format, Object... args) {
        long now = System.nanoTime(); // only paces the log, never decides anything about the data
        AtomicLong l = last.computeIfAbsent(reason, r -> new AtomicLong(now - intervalNanos));
        AtomicLong s = suppressed.computeIfAbsent(reason, r -> new AtomicLong());
        long prev = l.get();
        if (now - prev >= intervalNanos && l.compareAndSet(prev, now)) {
            long left = s.getAndSet(0);
            if (left > 0) {
                log.warn(format + " ({} more like this since the last report)", append(args, left));
            } else {
                log.warn(format, args);
            }
        } else {
            s.incrementAndGet();
        }
    }

    /** Adds {@code extra} as the last placeholder argument, before a trailing Throwable if there is one. */
    private static Object[] append(Object[] args, Object extra) {
        Object[] out = new Object[args.length + 1];
        boolean thrown = args.length > 0 && args[args.length - 1] instanceof Throwable;
        int n = thrown ? args.length - 1 : args.length;
        System.arraycopy(args, 0, out, 0, n);
        out[n] = extra;
        if (thrown) {
            out[args.length] = args[args.length - 1];
        }
        return out;
    }
}
