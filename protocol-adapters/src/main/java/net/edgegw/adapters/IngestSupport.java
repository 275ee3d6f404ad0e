package net.edgegw.adapters;

import net.edgegw.core.Rejections;
import org.slf4j.Logger;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every input does with what it cannot take: reports a rejection with at most {@value #MAX_RAW_BYTES} raw bytes,
 * and logs its own failures at most once per 10 s. Thread-safe.
 */
public final class IngestSupport {

    /** Raw bytes kept with a rejection. */
    public static final int MAX_RAW_BYTES = 4096;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final byte[] EMPTY = new byte[0];

    private final Logger log;
    private final String label;
    private final String input;
    private final Rejections rejections;
    private final AtomicLong lastErrorLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    /**
     * @param log   the input's logger
     * @param kind  the kind, as in log messages ({@code syslog}, {@code tcp}, {@code mqtt})
     * @param input the input name
     */
    public IngestSupport(Logger log, String kind, String input, Rejections rejections) {
        this.log = log;
        this.label = kind + " input '" + input + "'";
        this.input = input;
        this.rejections = rejections;
    }

    /** Reports a rejection with at most {@value #MAX_RAW_BYTES} of {@code b[off..off+len)} (copied). Never throws. */
    public void reject(String reason, String detail, byte[] b, int off, int len, String peer) {
        byte[] raw = b == null || len <= 0 ? EMPTY : Arrays.copyOfRange(b, off, off + Math.min(len, MAX_RAW_BYTES));
        try {
            rejections.reject(input, reason, detail, raw, peer);
        } catch (RuntimeException ex) {
            logError("rejection sink failed", ex);
        }
    }

    /** Logs a failure of this input, unless one was logged within the last 10 s. */
    public void logError(String what, Exception ex) {
        long now = System.nanoTime();
        long last = lastErrorLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastErrorLog.compareAndSet(last, now)) {
            log.error("{}: {} (further errors within 10 s not logged)", label, what, ex);
        }
    }
}
