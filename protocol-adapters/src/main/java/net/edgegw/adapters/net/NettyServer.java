package net.edgegw.adapters.net;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The bound listener of one input on its own event loop group (acceptor and connections), so that an input paused by
 * back-pressure does not stall other inputs: a TCP server ({@link #tcp}, connections guarded by a
 * {@link GuardedChannelInitializer}) or a UDP socket ({@link #udp}). {@link #close} is idempotent and thread-safe.
 */
public final class NettyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);
    /** How long each step of {@link #close} waits. */
    public static final long SHUTDOWN_TIMEOUT_MS = 5000;

    private final String label;
    private final EventLoopGroup group;
    private final Channel channel;
    private final ChannelGroup connections;
    private boolean closed;

    private NettyServer(String label, EventLoopGroup group, Channel channel, ChannelGroup connections) {
        this.label = label;
        this.group = group;
        this.channel = channel;
        this.connections = connections;
    }

    /**
     * Binds a TCP server with 1-4 event loop threads.
     *
     * @param label       names the input in messages, such as {@code tcp input 'x'}
     * @param threadName  the event loop threads' name prefix
     * @param protocol    {@code TCP} or {@code TLS}, for the bind failure message
     * @param initializer the connections' initializer, given the group that {@link #close} closes
     * @throws BindException naming the input, protocol and address when the port is in use or not allowed
     */
    public static NettyServer tcp(String label, String threadName, String protocol, InetSocketAddress bind,
                                  Function<ChannelGroup, ChannelHandler> initializer) throws BindException {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        EventLoopGroup group = group(threadName, threads);
        ChannelGroup connections = new DefaultChannelGroup(threadName, GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(initializer.apply(connections));
        return bind(b, label, group, protocol, bind, connections);
    }

    /**
     * Binds a UDP socket on one event loop thread.
     *
     * @param receiveBuffer  SO_RCVBUF asked for (the kernel caps it)
     * @param datagramBuffer the size of each read buffer (a larger datagram is truncated to it)
     * @throws BindException naming the input and address when the port is in use or not allowed
     */
    public static NettyServer udp(String label, String threadName, InetSocketAddress bind, int receiveBuffer,
                                  int datagramBuffer, ChannelHandler handler) throws BindException {
        EventLoopGroup group = group(threadName, 1);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, receiveBuffer)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(datagramBuffer))
                .handler(handler);
        return bind(b, label, group, "UDP", bind, null);
    }

    private static EventLoopGroup group(String threadName, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadName, true),
                NioIoHandler.newFactory());
    }

    private static NettyServer bind(AbstractBootstrap<?, ?> b, String label, EventLoopGroup group, String protocol,
                                    InetSocketAddress bind, ChannelGroup connections) throws BindException {
        ChannelFuture f = b.bind(bind).awaitUninterruptibly();
        if (!f.isSuccess()) {
            stopLoops(group, label);
            Throwable cause = f.cause();
            BindException e = new BindException(label + ": cannot listen on " + protocol + " " + bind + ": "
                    + (cause == null ? "unknown error" : cause.getMessage()));
            e.initCause(cause);
            throw e;
        }
        return new NettyServer(label, group, f.channel(), connections);
    }

    /** The address actually bound (the real port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops receiving, closes the connections (what they read is handled first), stops the event loops. */
    @Override
    public void close() {
        close(() -> { });
    }

    /** As {@link #close()}, running {@code beforeLoopsStop} after the connections closed, while the loops still run. */
    public synchronized void close(Runnable beforeLoopsStop) {
        if (closed) {
            return;
        }
        closed = true;
        channel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        if (connections != null) {
            connections.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS);
        }
        beforeLoopsStop.run();
        stopLoops(group, label);
    }

    /** Graceful shutdown: queued tasks (reads in progress, pending closes) run first; bounded wait. */
    private static void stopLoops(EventLoopGroup group, String label) {
        if (!group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1000)) {
            LOG.warn("{}: event loop did not stop within {} ms (an emit may still be blocked)", label,
                    SHUTDOWN_TIMEOUT_MS);
        }
    }
}
