package net.edgegw.adapters.net;

import com.codahale.metrics.Meter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Counts the bytes flowing in (after TLS). Sharable and thread-safe. */
@ChannelHandler.Sharable
public final class BytesMeterHandler extends ChannelInboundHandlerAdapter {

    private final Meter bytes;

    public BytesMeterHandler(Meter bytes) {
        this.bytes = bytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            bytes.mark(b.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }
}
