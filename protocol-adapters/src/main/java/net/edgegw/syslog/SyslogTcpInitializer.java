package net.edgegw.syslog;

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
 * Accept-time checks and the pipeline of a TCP/TLS syslog connection. A peer outside the allow-list is closed and
 * reported {@code source-not-allowed}; a connection beyond {@code maxConnections} is closed and reported
 * {@code connection-limit}. Pipeline: idle timeout, [TLS], byte meter, {@link SyslogFrameDecoder},
 * {@link SyslogTcpHandler}. Sharable (runs once per accepted channel).
 */
final class SyslogTcpInitializer extends ChannelInitializer<SocketChannel> {

    private final SyslogInputSettings settings;
    private final SyslogIngest ingest;
    private final SyslogMetrics metrics;
    private final SslContext ssl;
    private final AllowList allow;
    private final ChannelGroup channels;
    private final BytesMeterHandler bytesMeter;
    private final AtomicInteger active = new AtomicInteger();

    SyslogTcpInitializer(SyslogInputSettings settings, SyslogIngest ingest, SyslogMetrics metrics, SslContext ssl,
                         ChannelGroup channels) {
        this.settings = settings;
        this.ingest = ingest;
        this.metrics = metrics;
        this.ssl = ssl;
        this.allow = AllowList.of(settings.allow());
        this.channels = channels;
        this.bytesMeter = new BytesMeterHandler(metrics.bytes());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        String peer = SyslogIngest.peerOf(remote);
        if (!allow.allows(remote == null ? null : remote.getAddress())) {
            ingest.reject(Rejections.NOT_ALLOWED, "source address " + peer + " is not in the allow-list", null, 0, 0, peer);
            ch.close();
            return;
        }
        if (active.incrementAndGet() > settings.maxConnections()) {
            active.decrementAndGet();
            ingest.reject(Rejections.CONNECTION_LIMIT, "maxConnections " + settings.maxConnections() + " reached",
                    null, 0, 0, peer);
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> active.decrementAndGet());
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("bytes", bytesMeter);
        p.addLast("framing", new SyslogFrameDecoder(settings.maxMessageBytes()));
        p.addLast("syslog", new SyslogTcpHandler(ingest, metrics));
    }
}
