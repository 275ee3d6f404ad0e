package net.edgegw.adapters.syslog;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * Binds the syslog TCP (or TLS) listener on this input's own event loop group. The group runs the acceptor and
 * the connections; when the gateway blocks an emit, only this input stops reading.
 */
final class SyslogTcpListener implements SyslogListener {

    private final String input;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ChannelGroup connections;
    private boolean closed;

    private SyslogTcpListener(String input, EventLoopGroup group, Channel serverChannel, ChannelGroup connections) {
        this.input = input;
        this.group = group;
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    static SyslogTcpListener bind(SyslogInputSettings s, SyslogIngest ingest, SyslogMetrics metrics, SslContext ssl)
            throws BindException {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        EventLoopGroup group = EventLoops.group(s.name(), ssl == null ? "tcp" : "tls", threads);
        ChannelGroup connections = new DefaultChannelGroup("syslog-" + s.name(), GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new SyslogTcpInitializer(s, ingest, metrics, ssl, connections));
        ChannelFuture f = b.bind(s.bind()).awaitUninterruptibly();
        if (!f.isSuccess()) {
            EventLoops.shutdown(group, s.name());
            throw EventLoops.bindFailure(s.name(), ssl == null ? "TCP" : "TLS", s.bind(), f.cause());
        }
        return new SyslogTcpListener(s.name(), group, f.channel(), connections);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting, closes the connections (frames already read are emitted first), stops the loops. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        serverChannel.close().awaitUninterruptibly(EventLoops.SHUTDOWN_TIMEOUT_MS);
        connections.close().awaitUninterruptibly(EventLoops.SHUTDOWN_TIMEOUT_MS);
        EventLoops.shutdown(group, input);
    }
}
