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
import java.util.function.Consumer;

/**
 * The accept-time guard every TCP listener shares: a peer outside the allow-list is closed and reported
 * {@code source-not-allowed}; a connection beyond {@code maxConnections} is closed and reported
 * {@code connection-limit}. An accepted connection gets: idle timeout, [TLS], byte meter (after TLS), then the
 * input's own handlers. Refusals are reported to the input's {@link ConnectionRejections}. Sharable (runs once per
 * accepted channel); thread-safe.
 */
public final class GuardedChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final AllowList allow;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final SslContext ssl;
    private final ChannelGroup channels;
    private final BytesMeterHandler bytesMeter;
    private final ConnectionRejections rejections;
    private final Consumer<ChannelPipeline> inputHandlers;
    private final AtomicInteger active = new AtomicInteger();

    /**
     * @param channels      the group the listener closes; accepted connections join it
     * @param bytes         the input's bytes meter
     * @param rejections    where refused connections are reported
     * @param inputHandlers adds the input's decoder and handler after the guard's handlers (per connection)
     */
    public GuardedChannelInitializer(ListenerSettings listener, SslContext ssl, ChannelGroup channels, Meter bytes,
                                     ConnectionRejections rejections, Consumer<ChannelPipeline> inputHandlers) {
        this.allow = AllowList.of(listener.allow());
        this.maxConnections = listener.maxConnections();
        this.idleTimeout = listener.idleTimeout();
        this.ssl = ssl;
        this.channels = channels;
        this.bytesMeter = new BytesMeterHandler(bytes);
        this.rejections = rejections;
        this.inputHandlers = inputHandlers;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        String peer = Peers.of(remote);
        if (!allow.allows(remote == null ? null : remote.getAddress())) {
            rejections.refuse(Rejections.NOT_ALLOWED, "source address " + peer + " is not in the allow-list", peer);
            ch.close();
            return;
        }
        if (active.incrementAndGet() > maxConnections) {
            active.decrementAndGet();
            rejections.refuse(Rejections.CONNECTION_LIMIT, "maxConnections " + maxConnections + " reached", peer);
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
        inputHandlers.accept(p);
    }
}
