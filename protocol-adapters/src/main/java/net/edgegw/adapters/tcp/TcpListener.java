package net.edgegw.adapters.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Binds the listener of one TCP input on its own event loop group (acceptor and connections), so that an input
 * paused by back-pressure does not stall other inputs.
 */
final class TcpListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);
    static final long SHUTDOWN_TIMEOUT_MS = 5000;

    private final TcpIngest ingest;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ChannelGroup connections;
    private boolean closed;

    private TcpListener(TcpIngest ingest, EventLoopGroup group, Channel serverChannel, ChannelGroup connections) {
        this.ingest = ingest;
        this.group = group;
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    static TcpListener bind(TcpIngest ingest, SslContext ssl) throws BindException {
        TcpInputSettings s = ingest.settings();
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory("tcp-in-" + s.name(), true), NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup("tcp-" + s.name(), GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new TcpInitializer(ingest, ssl, connections));
        ChannelFuture f = b.bind(s.bind()).awaitUninterruptibly();
        if (!f.isSuccess()) {
            shutdown(group, s.name());
            Throwable cause = f.cause();
            BindException e = new BindException("tcp input '" + s.name() + "': cannot listen on " + (ssl == null ? "TCP " : "TLS ")
                    + s.bind() + ": " + (cause == null ? "unknown error" : cause.getMessage()));
            e.initCause(cause);
            throw e;
        }
        return new TcpListener(ingest, group, f.channel(), connections);
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Stops accepting, closes the connections (their last lines are handled first), gives the lines the full buffer
     * still refuses one last chance and reports the rest, then stops the event loops.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        serverChannel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        connections.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        List<Future<?>> abandoned = new ArrayList<>();
        for (TcpLineHandler h : ingest.holders()) {
            abandoned.add(h.abandonLater());
        }
        for (Future<?> f : abandoned) {
            f.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        }
        shutdown(group, ingest.input());
    }

    private static void shutdown(EventLoopGroup group, String input) {
        if (!group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1000)) {
            LOG.warn("tcp input '{}': event loop did not stop within {} ms", input, SHUTDOWN_TIMEOUT_MS);
        }
    }
}
