package net.edgegw.adapters.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import net.edgegw.adapters.net.InputConnectionHandler;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.Rejections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Last handler of a TCP input connection: takes lines and {@link LineError}s from {@link TcpLineDecoder}, converts
 * lines with {@link LineConverter}, hands envelopes to the gateway with {@link net.edgegw.core.Emitter#offer} (never
 * blocking the event loop) and reports rejections ({@code oversized}, {@code malformed}). The connection survives
 * bad lines.
 *
 * <h2>Back-pressure</h2>
 * When the gateway answers {@link Admission#BUFFER_FULL} (overflow {@code block}), the line is kept, the channel
 * stops reading ({@code autoRead=false}: the kernel buffers fill and TCP flow control stops the sender), lines
 * already decoded are queued behind it in order, and the head is offered again on a timer (1 ms doubling to
 * {@value #RETRY_MAX_MS} ms). When the queue is empty, reading resumes. Nothing is dropped, also when the peer closes
 * meanwhile: the queue keeps draining. Idle timeouts are ignored while paused. {@link Admission#CLOSED} (the gateway
 * is stopping) closes the connection; what it still holds is reported as {@value TcpIngest#CLOSED}, as is what
 * {@link #abandon()} finds when the input is closed with the buffer still full.
 *
 * <p>Connection accounting, idle timeout (ignored while paused), TLS handshake failures and errors as every input
 * ({@link InputConnectionHandler}). All state is confined to the channel's event loop; one instance per connection.
 */
final class TcpLineHandler extends InputConnectionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TcpLineHandler.class);
    static final long RETRY_MAX_MS = 50;

    private final TcpIngest ingest;
    private final TcpMetrics metrics;
    private final LineConverter converter;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private boolean paused;
    private boolean stopped;
    private long retryMs;
    private Future<?> retry;

    TcpLineHandler(TcpIngest ingest) {
        super(LOG, "tcp", ingest, ingest.metrics().connections());
        this.ingest = ingest;
        this.metrics = ingest.metrics();
        this.converter = ingest.converter();
    }

    @Override
    protected boolean busy() {
        return paused || !pending.isEmpty();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf) && !(msg instanceof LineError)) {
            ctx.fireChannelRead(msg);
            return;
        }
        metrics.lines().mark();
        if (stopped) {
            lost(msg, "the gateway is shutting down");
            return;
        }
        if (!pending.isEmpty()) {
            pending.add(msg);
            return;
        }
        if (handle(msg)) {
            ReferenceCountUtil.release(msg);
        } else {
            pending.add(msg);
            pause();
        }
    }

    /** Processes one line or error; false when the buffer is full (the caller keeps the message). */
    private boolean handle(Object msg) {
        if (msg instanceof LineError e) {
            ingest.reject(e.reason(), e.detail(), e.raw(), 0, e.raw().length, peer());
            return true;
        }
        ByteBuf line = (ByteBuf) msg;
        Envelope env;
        try {
            env = converter.convert(line, ingest.clock().instant(), peer());
        } catch (RuntimeException ex) { // a converter bug must not take the connection down
            LOG.warn("tcp input '{}': cannot convert a line from {}", ingest.input(), peer(), ex);
            rejectLine(Rejections.MALFORMED, "cannot convert the line: " + ex, line);
            return true;
        }
        if (env == null) {
            if (converter.error() != null) {
                rejectLine(Rejections.MALFORMED, converter.error(), line);
            }
            return true;
        }
        Admission a = ingest.offer(env, null, 0, 0, peer());
        if (a == null) {
            return true; // reported as emit-failed
        }
        switch (a) {
            case ACCEPTED, FILTERED -> {
                metrics.records().mark();
                return true;
            }
            case BUFFER_FULL -> {
                return false;
            }
            default -> { // CLOSED
                rejectLine(TcpIngest.CLOSED, "the gateway is shutting down", line);
                stop();
                return true;
            }
        }
    }

    private void rejectLine(String reason, String detail, ByteBuf line) {
        int n = Math.min(line.readableBytes(), TcpIngest.MAX_RAW_BYTES);
        byte[] raw = new byte[n];
        line.getBytes(line.readerIndex(), raw);
        ingest.reject(reason, detail, raw, 0, n, peer());
    }

    private void pause() {
        if (paused) {
            return;
        }
        paused = true;
        metrics.paused().inc();
        metrics.pauses().mark();
        ingest.holding(this, true);
        context().channel().config().setAutoRead(false);
        retryMs = 1;
        scheduleRetry();
    }

    private void scheduleRetry() {
        retry = context().executor().schedule(this::drain, retryMs, TimeUnit.MILLISECONDS);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    }

    /** Offers the queued lines in order; reschedules itself while the buffer is full, resumes reading when empty. */
    private void drain() {
        retry = null;
        if (stopped) {
            return;
        }
        while (!pending.isEmpty()) {
            Object m = pending.peek();
            if (!handle(m)) {
                scheduleRetry();
                return;
            }
            pending.poll();
            ReferenceCountUtil.release(m);
            if (stopped) {
                return;
            }
        }
        resume();
    }

    private void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        metrics.paused().dec();
        ingest.holding(this, false);
        if (context().channel().isActive()) {
            context().channel().config().setAutoRead(true); // also issues a read
        }
    }

    /** The gateway refused with CLOSED: report what is queued, close the connection. */
    private void stop() {
        stopped = true;
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        Object m;
        while ((m = pending.poll()) != null) {
            lost(m, "the gateway is shutting down");
        }
        if (paused) {
            paused = false;
            metrics.paused().dec();
        }
        ingest.holding(this, false);
        context().close();
    }

    /**
     * The input is closing (its channels are already closed): one last attempt for the queued lines, then what the
     * full buffer still refuses is reported as {@value TcpIngest#CLOSED}. Runs on the event loop.
     */
    void abandon() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        Object m;
        while (!stopped && (m = pending.peek()) != null) {
            if (!handle(m)) {
                break;
            }
            pending.poll();
            ReferenceCountUtil.release(m);
        }
        while ((m = pending.poll()) != null) {
            lost(m, "the input stopped while the buffer was full (overflow block); the line was not stored");
        }
        stopped = true;
        if (paused) {
            paused = false;
            metrics.paused().dec();
        }
        ingest.holding(this, false);
    }

    /** Runs {@link #abandon()} on this connection's event loop. */
    Future<?> abandonLater() {
        return context().executor().submit(this::abandon);
    }

    private void lost(Object msg, String why) {
        try {
            if (msg instanceof ByteBuf line) {
                rejectLine(TcpIngest.CLOSED, why, line);
            } else if (msg instanceof LineError e) {
                ingest.reject(e.reason(), e.detail(), e.raw(), 0, e.raw().length, peer());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
