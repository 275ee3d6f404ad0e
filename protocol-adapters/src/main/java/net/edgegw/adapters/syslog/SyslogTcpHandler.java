package net.edgegw.adapters.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import net.edgegw.adapters.net.InputConnectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a TCP/TLS syslog connection: takes frames and {@link FrameError}s from
 * {@link SyslogFrameDecoder}, emits with {@link net.edgegw.core.Emitter#emit} (blocking here, on this input's own
 * event loop, is the back-pressure: the connection is not read meanwhile), reports rejections, closes the
 * connection on a fatal framing error; connection accounting, idle timeout, TLS handshake failures and errors as
 * every input ({@link InputConnectionHandler}). One instance per connection.
 */
final class SyslogTcpHandler extends InputConnectionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SyslogTcpHandler.class);

    private final SyslogIngest ingest;

    SyslogTcpHandler(SyslogIngest ingest, SyslogMetrics metrics) {
        super(LOG, "syslog", ingest, metrics.connections());
        this.ingest = ingest;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame) {
            try {
                ingest.accept(frame, peer(), true);
            } finally {
                frame.release();
            }
        } else if (msg instanceof FrameError e) {
            ingest.reject(e.reason(), e.detail(), e.raw(), 0, e.raw().length, peer());
            if (e.fatal()) {
                ctx.close();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
