package net.edgegw.adapters.tcp;

import net.edgegw.adapters.IngestSupport;
import net.edgegw.adapters.net.ConnectionRejections;
import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connection of one TCP input shares: the gateway's emitter and rejection sink, the clock, the metrics,
 * and the set of connections holding lines the full buffer refused (so that closing the input can account for
 * them). Thread-safe; never throws for input.
 */
final class TcpIngest implements ConnectionRejections {

    /** Rejection reason: the gateway shut down before the line could be stored. */
    static final String CLOSED = "closed";
    /** Rejection reason: the emitter threw (a gateway bug); the record is lost. */
    static final String EMIT_FAILED = "emit-failed";
    /** The most raw bytes attached to a rejection. */
    static final int MAX_RAW_BYTES = IngestSupport.MAX_RAW_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(TcpIngest.class);

    private final TcpInputSettings settings;
    private final String site;
    private final String gateway;
    private final Clock clock;
    private final Emitter emitter;
    private final TcpMetrics metrics;
    private final Set<TcpLineHandler> holding = ConcurrentHashMap.newKeySet();
    private final IngestSupport support;

    TcpIngest(TcpInputSettings settings, SourceContext ctx, TcpMetrics metrics) {
        this.settings = settings;
        this.site = ctx.site();
        this.gateway = ctx.gateway();
        this.clock = ctx.clock();
        this.emitter = ctx.emitter();
        this.support = new IngestSupport(LOG, "tcp", settings.name(), ctx.rejections());
        this.metrics = metrics;
    }

    @Override
    public String input() {
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
            support.logError("emitter failed", ex);
            reject(EMIT_FAILED, "the gateway failed to take the record: " + ex, b, off, len, peer);
            return null;
        }
    }

    /** Reports a rejection with at most {@value #MAX_RAW_BYTES} raw bytes (copied). Never throws. */
    @Override
    public void reject(String reason, String detail, byte[] b, int off, int len, String peer) {
        support.reject(reason, detail, b, off, len, peer);
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
}
