package net.edgegw.adapters.net;

import com.codahale.metrics.Meter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import net.edgegw.core.Rejections;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The accept-time guard every TCP listener shares: a peer outside the allow-list is closed and reported
 * {@code source-not-allowed}; a connection beyond {@code maxConnections} is closed and reported
 * {@code connection-limit}. An accepted connection gets: idle timeout, [TLS], byte meter (after TLS), then the
 * input's own handlers ({@link #addInputHandlers}). Sharable (runs once per accepted channel).
 */
public abstract class GuardedChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final AllowList allow;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final SslContext ssl;
    private final ChannelGroup channels;
    private final BytesMeterHandler bytesMeter;
    private final AtomicInteger active = new AtomicInteger();

    protected GuardedChannelInitializer(ListenerSettings listener, SslContext ssl, ChannelGroup channels, Meter bytes) {
        this.allow = AllowList.of(listener.allow());
        this.maxConnections = listener.maxConnections();
        this.idleTimeout = listener.idleTimeout();
        this.ssl = ssl;
        this.channels = channels;
        this.bytesMeter = new BytesMeterHandler(bytes);
    }

    /** Reports a refused connection (no bytes) as a rejection of this input. */
    protected abstract void refuse(String reason, String detail, String peer);

    /** Adds the input's decoder and handler after the guard's handlers. */
    protected abstract void addInputHandlers(ChannelPipeline p);

    @Override
    protected final void initChannel(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        String peer = Peers.of(remote);
        if (!allow.allows(remote == null ? null : remote.getAddress())) {
            refuse(Rejections.NOT_ALLOWED, "source address " + peer + " is not in the allow-list", peer);
            ch.close();
            return;
        }
        if (active.incrementAndGet() > maxConnections) {
            active.decrementAndGet();
            refuse(Rejections.CONNECTION_LIMIT, "maxConnections " + maxConnections + " reached", peer);
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> active.decrementAndGet());
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("bytes", bytesMeter);
        addInputHandlers(p);
    }
}
