package net.edgegw.adapters.syslog;

import net.edgegw.adapters.net.Peers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import net.edgegw.core.Rejections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Last handler of a TCP/TLS syslog connection: takes frames and {@link FrameError}s from
 * {@link SyslogFrameDecoder}, emits with {@link net.edgegw.core.Emitter#emit} (blocking here, on this input's own
 * event loop, is the back-pressure: the connection is not read meanwhile), reports rejections, closes the
 * connection on a fatal framing error, an idle timeout or a failed TLS handshake. One instance per connection.
 */
final class SyslogTcpHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SyslogTcpHandler.class);

    private final SyslogIngest ingest;
    private final SyslogMetrics metrics;
    private String peer;
    private boolean counted;

    SyslogTcpHandler(SyslogIngest ingest, SyslogMetrics metrics) {
        this.ingest = ingest;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        peer = Peers.of(ctx.channel().remoteAddress());
        metrics.connections().inc();
        counted = true;
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (counted) {
            counted = false;
            metrics.connections().dec();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame) {
            try {
                ingest.accept(frame, peer(ctx), true);
            } finally {
                frame.release();
            }
        } else if (msg instanceof FrameError e) {
            ingest.reject(e.reason(), e.detail(), e.raw(), 0, e.raw().length, peer(ctx));
            if (e.fatal()) {
                ctx.close();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            LOG.debug("syslog input '{}': closing idle connection from {}", ingest.input(), peer(ctx));
            ctx.close();
        } else if (evt instanceof SslHandshakeCompletionEvent hs && !hs.isSuccess()) {
            Throwable c = hs.cause();
            ingest.reject(Rejections.TLS_HANDSHAKE, "TLS handshake failed: " + (c == null ? "unknown" : c.getMessage()),
                    null, 0, 0, peer(ctx));
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause.getCause() instanceof javax.net.ssl.SSLException) {
            LOG.debug("syslog input '{}': connection from {} failed: {}", ingest.input(), peer(ctx), cause.toString());
        } else {
            LOG.warn("syslog input '{}': closing connection from {} after an unexpected error", ingest.input(), peer(ctx), cause);
        }
        ctx.close();
    }

    private String peer(ChannelHandlerContext ctx) {
        if (peer == null) {
            peer = Peers.of(ctx.channel().remoteAddress());
        }
        return peer;
    }
}
