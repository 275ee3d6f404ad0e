package net.edgegw.tcp;

import com.codahale.metrics.Meter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import net.edgegw.adapters.net.AllowList;
import net.edgegw.core.Rejections;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accept-time checks and the pipeline of a TCP input connection. A peer outside the allow-list is closed and
 * reported {@code source-not-allowed}; a connection beyond {@code maxConnections} is closed and reported
 * {@code connection-limit}. Pipeline: idle timeout, [TLS], byte meter, {@link TcpLineDecoder},
 * {@link TcpLineHandler}. Sharable (runs once per accepted channel).
 */
final class TcpInitializer extends ChannelInitializer<SocketChannel> {

    private final TcpIngest ingest;
    private final SslContext ssl;
    private final AllowList allow;
    private final ChannelGroup channels;
    private final BytesMeter bytesMeter;
    private final AtomicInteger active = new AtomicInteger();

    TcpInitializer(TcpIngest ingest, SslContext ssl, ChannelGroup channels) {
        this.ingest = ingest;
        this.ssl = ssl;
        this.allow = AllowList.of(ingest.settings().allow());
        this.channels = channels;
        this.bytesMeter = new BytesMeter(ingest.metrics().bytes());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        TcpInputSettings s = ingest.settings();
        InetSocketAddress remote = ch.remoteAddress();
        String peer = TcpIngest.peerOf(remote);
        if (!allow.allows(remote == null ? null : remote.getAddress())) {
            ingest.reject(Rejections.NOT_ALLOWED, "source address " + peer + " is not in the allow-list", null, 0, 0, peer);
            ch.close();
            return;
        }
        if (active.incrementAndGet() > s.maxConnections()) {
            active.decrementAndGet();
            ingest.reject(Rejections.CONNECTION_LIMIT, "maxConnections " + s.maxConnections() + " reached", null, 0, 0, peer);
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> active.decrementAndGet());
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(s.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("bytes", bytesMeter);
        p.addLast("lines", new TcpLineDecoder(s.maxLineBytes()));
        p.addLast("tcp", new TcpLineHandler(ingest));
    }

    /** Counts the bytes flowing in (after TLS). Sharable and thread-safe. */
    @ChannelHandler.Sharable
    static final class BytesMeter extends ChannelInboundHandlerAdapter {
        private final Meter bytes;

        BytesMeter(Meter bytes) {
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
}
