package net.edgegw.adapters.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import net.edgegw.adapters.IngestSupport;
import net.edgegw.adapters.net.ConnectionRejections;
import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.Rejections;
import net.edgegw.core.SourceContext;
import net.edgegw.core.SourceKind;
import net.edgegw.core.SyslogFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;

/**
 * The step shared by every listener of one syslog input: parse a frame, build the {@link Envelope}, hand it to the
 * {@link Emitter}, and report what cannot be accepted to {@link Rejections}. Thread-safe; never throws for input.
 *
 * <p>Envelope: id null (the buffer assigns it), site/gateway from the context, input = the input name, source
 * syslog, receivedAt = the context clock, eventTime from the syslog timestamp, host = the syslog hostname else
 * the peer IP, severity = the syslog severity, message = MSG, attributes as extracted by {@link SyslogParser}.
 *
 * <p>Rejection reasons: {@code malformed} (parser said so), {@code buffer-full} ({@link Emitter#offer} refused),
 * {@value #CLOSED} (the gateway is shutting down), {@value #EMIT_FAILED} (the emitter threw); raw bytes are
 * truncated to {@value #MAX_RAW_BYTES}.
 */
public final class SyslogIngest implements ConnectionRejections {

    /** Rejection reason: the gateway refused the record because it is shutting down. */
    public static final String CLOSED = "closed";
    /** Rejection reason: the emitter threw an exception (a gateway bug); the record is lost. */
    public static final String EMIT_FAILED = "emit-failed";
    /** The most raw bytes attached to a rejection. */
    public static final int MAX_RAW_BYTES = IngestSupport.MAX_RAW_BYTES;
    static final String UNKNOWN_HOST = "unknown";

    private static final Logger LOG = LoggerFactory.getLogger(SyslogIngest.class);
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[2048];
        }
    };

    private final String input;
    private final SyslogParser parser;
    private final String site;
    private final String gateway;
    private final Clock clock;
    private final Emitter emitter;
    private final SyslogMetrics metrics;
    private final IngestSupport support;

    public SyslogIngest(String input, SyslogParser parser, SourceContext ctx, SyslogMetrics metrics) {
        this.input = input;
        this.parser = parser;
        this.site = ctx.site();
        this.gateway = ctx.gateway();
        this.clock = ctx.clock();
        this.emitter = ctx.emitter();
        this.support = new IngestSupport(LOG, "syslog", input, ctx.rejections());
        this.metrics = metrics;
    }

    @Override
    public String input() {
        return input;
    }

    /**
     * Parses {@code b[off, off+len)} and emits it: {@link Emitter#emit} (may block: back-pressure) when
     * {@code blocking}, else {@link Emitter#offer}. The array is not retained.
     *
     * @return the admission, or null when the message was rejected before reaching the emitter
     */
    public Admission accept(byte[] b, int off, int len, String peer, boolean blocking) {
        Instant now = clock.instant();
        ParsedSyslog parsed = parser.parse(b, off, len, now);
        if (parsed.isMalformed()) {
            reject(Rejections.MALFORMED, parsed.error(), b, off, len, peer);
            return null;
        }
        Envelope e = toEnvelope(parsed, now, peer);
        metrics.messages().mark();
        Admission a;
        try {
            a = blocking ? emitter.emit(e) : emitter.offer(e);
        } catch (RuntimeException ex) {
            support.logError("emitter failed", ex);
            reject(EMIT_FAILED, "the gateway failed to take the record: " + ex, b, off, len, peer);
            return null;
        }
        if (a == Admission.BUFFER_FULL) {
            reject(Rejections.BUFFER_FULL, "the gateway buffer is full", b, off, len, peer);
        } else if (a == Admission.CLOSED) {
            reject(CLOSED, "the gateway is shutting down", b, off, len, peer);
        }
        return a;
    }

    /** As {@link #accept(byte[], int, int, String, boolean)} for a frame's readable bytes (not released here). */
    public Admission accept(ByteBuf frame, String peer, boolean blocking) {
        int len = frame.readableBytes();
        if (frame.hasArray()) {
            return accept(frame.array(), frame.arrayOffset() + frame.readerIndex(), len, peer, blocking);
        }
        byte[] scratch = scratch(len);
        frame.getBytes(frame.readerIndex(), scratch, 0, len);
        return accept(scratch, 0, len, peer, blocking);
    }

    /** The envelope of a parsed (not malformed) message. */
    public Envelope toEnvelope(ParsedSyslog p, Instant receivedAt, String peer) {
        SyslogFields f = p.fields();
        String host = f.hostname();
        if (host == null || host.isEmpty()) {
            host = peer == null || peer.isEmpty() ? UNKNOWN_HOST : peer;
        }
        return new Envelope(null, site, gateway, input, SourceKind.SYSLOG, receivedAt, p.eventTime(), host,
                f.severity(), f.message(), p.attributes(), f, null, null);
    }

    /** Reports a rejection with at most {@value #MAX_RAW_BYTES} raw bytes (copied). Never throws. */
    @Override
    public void reject(String reason, String detail, byte[] b, int off, int len, String peer) {
        support.reject(reason, detail, b, off, len, peer);
    }

    /** A per-thread buffer of at least {@code size} bytes; valid until the thread's next call. */
    static byte[] scratch(int size) {
        byte[] s = SCRATCH.get();
        if (s.length < size) {
            s = new byte[Math.max(size, s.length * 2)];
            SCRATCH.set(s);
        }
        return s;
    }
}
