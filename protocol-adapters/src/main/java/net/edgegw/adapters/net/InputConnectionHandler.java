package net.edgegw.adapters.net;

import com.codahale.metrics.Counter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import net.edgegw.core.Rejections;
import org.slf4j.Logger;

import java.io.IOException;

/**
 * What the last handler of every TCP/TLS input connection does alike: counts the connection while it is active,
 * knows the peer, closes the connection on an idle timeout (unless {@link #busy}), reports a failed TLS handshake
 * as {@code tls-handshake} and closes, logs and closes on an exception (an I/O or TLS failure at debug, anything else
 * at warn). Subclasses handle the reads. One instance per connection; confined to its event loop.
 */
public abstract class InputConnectionHandler extends ChannelInboundHandlerAdapter {

    private final Logger log;
    private final String kind;
    private final ConnectionRejections ingest;
    private final Counter connections;
    private ChannelHandlerContext ctx;
    private String peer;
    private boolean counted;

    /**
     * @param log         the input's handler logger
     * @param kind        the kind, as in messages ({@code syslog}, {@code tcp})
     * @param ingest      where rejections go
     * @param connections the input's current connections counter
     */
    protected InputConnectionHandler(Logger log, String kind, ConnectionRejections ingest, Counter connections) {
        this.log = log;
        this.kind = kind;
        this.ingest = ingest;
        this.connections = connections;
    }

    /** True while the connection is quiet on purpose (not read): an idle timeout then does not close it. */
    protected boolean busy() {
        return false;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** This handler's context (set when added to the pipeline). */
    protected final ChannelHandlerContext context() {
        return ctx;
    }

    @Override
    public final void channelActive(ChannelHandlerContext ctx) throws Exception {
        peer = Peers.of(ctx.channel().remoteAddress());
        connections.inc();
        counted = true;
        super.channelActive(ctx);
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (counted) {
            counted = false;
            connections.dec();
        }
        super.channelInactive(ctx);
    }

    @Override
    public final void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (busy()) {
                return; // not reading on purpose: the sender is not idle
            }
            log.debug("{} input '{}': closing idle connection from {}", kind, ingest.input(), peer());
            ctx.close();
        } else if (evt instanceof SslHandshakeCompletionEvent hs && !hs.isSuccess()) {
            Throwable c = hs.cause();
            ingest.refuse(Rejections.TLS_HANDSHAKE, "TLS handshake failed: " + (c == null ? "unknown" : c.getMessage()),
                    peer());
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause.getCause() instanceof javax.net.ssl.SSLException) {
            log.debug("{} input '{}': connection from {} failed: {}", kind, ingest.input(), peer(), cause.toString());
        } else {
            log.warn("{} input '{}': closing connection from {} after an unexpected error", kind, ingest.input(), peer(),
                    cause);
        }
        ctx.close();
    }

    /** The peer's address as in rejections ({@link Peers#of}); null before the handler was added. */
    protected final String peer() {
        if (peer == null && ctx != null) {
            peer = Peers.of(ctx.channel().remoteAddress());
        }
        return peer;
    }
}
