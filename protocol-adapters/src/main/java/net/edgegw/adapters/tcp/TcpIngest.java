package net.edgegw.adapters.tcp;

import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.Rejections;
import net.edgegw.core.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every connection of one TCP input shares: the gateway's emitter and rejection sink, the clock, the metrics,
 * and the set of connections holding lines the full buffer refused (so that closing the input can account for
 * them). Thread-safe; never throws for input.
 */
final class TcpIngest {

    /** Rejection reason: the gateway shut down before the line could be stored. */
    static final String CLOSED = "closed";
    /** Rejection reason: the emitter threw (a gateway bug); the record is lost. */
    static final String EMIT_FAILED = "emit-failed";
    /** The most raw bytes attached to a rejection. */
    static final int MAX_RAW_BYTES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(TcpIngest.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final byte[] EMPTY = new byte[0];

    private final TcpInputSettings settings;
    private final String site;
    private final String gateway;
    private final Clock clock;
    private final Emitter emitter;
    private final Rejections rejections;
    private final TcpMetrics metrics;
    private final Set<TcpLineHandler> holding = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastErrorLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    TcpIngest(TcpInputSettings settings, SourceContext ctx, TcpMetrics metrics) {
        this.settings = settings;
        this.site = ctx.site();
        this.gateway = ctx.gateway();
        this.clock = ctx.clock();
        this.emitter = ctx.emitter();
        this.rejections = ctx.rejections();
        this.metrics = metrics;
    }

    String input() {
        return settings.name();
    }

    TcpInputSettings settings() {
        return settings;
    }

    TcpMetrics metrics() {
        return metrics;
    }

    Clock clock() {
        return clock;
    }

    /** A converter for one connection (not thread-safe). */
    LineConverter converter() {
        return new LineConverter(settings, site, gateway);
    }

    /** {@link Emitter#offer}: never waits; a throwing emitter is reported as {@value #EMIT_FAILED} and gives null. */
    Admission offer(Envelope e, byte[] b, int off, int len, String peer) {
        try {
            return emitter.offer(e);
        } catch (RuntimeException ex) {
            logError("emitter failed", ex);
            reject(EMIT_FAILED, "the gateway failed to take the record: " + ex, b, off, len, peer);
            return null;
        }
    }

    /** Reports a rejection with at most {@value #MAX_RAW_BYTES} raw bytes (copied). Never throws. */
    void reject(String reason, String detail, byte[] b, int off, int len, String peer) {
        byte[] raw = b == null || len <= 0 ? EMPTY : Arrays.copyOfRange(b, off, off + Math.min(len, MAX_RAW_BYTES));
        try {
            rejections.reject(settings.name(), reason, detail, raw, peer);
        } catch (RuntimeException ex) {
            logError("rejection sink failed", ex);
        }
    }

    void holding(TcpLineHandler h, boolean yes) {
        if (yes) {
            holding.add(h);
        } else {
            holding.remove(h);
        }
    }

    /** Connections that hold lines refused by the full buffer (a snapshot). */
    TcpLineHandler[] holders() {
        return holding.toArray(new TcpLineHandler[0]);
    }

    private void logError(String what, RuntimeException ex) {
        long now = System.nanoTime();
        long last = lastErrorLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastErrorLog.compareAndSet(last, now)) {
            LOG.error("tcp input '{}': {} (further errors within 10 s not logged)", settings.name(), what, ex);
        }
    }
}
