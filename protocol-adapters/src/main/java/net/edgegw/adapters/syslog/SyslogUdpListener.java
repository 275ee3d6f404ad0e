package net.edgegw.adapters.syslog;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.net.BindException;
import java.net.InetSocketAddress;

/** Binds the syslog UDP listener on its own single-thread event loop. */
final class SyslogUdpListener implements SyslogListener {

    /** Larger than any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6). */
    static final int MAX_DATAGRAM = 65536;
    /** Asked for to absorb bursts; the kernel caps it (net.core.rmem_max). */
    static final int RECEIVE_BUFFER = 4 * 1024 * 1024;

    private final String input;
    private final EventLoopGroup group;
    private final Channel channel;
    private boolean closed;

    private SyslogUdpListener(String input, EventLoopGroup group, Channel channel) {
        this.input = input;
        this.group = group;
        this.channel = channel;
    }

    static SyslogUdpListener bind(SyslogInputSettings s, SyslogIngest ingest, SyslogMetrics metrics) throws BindException {
        EventLoopGroup group = EventLoops.group(s.name(), "udp", 1);
        // one byte more than allowed, so that a truncated (too large) datagram is recognisable
        int buffer = Math.min(s.maxMessageBytes() + 1, MAX_DATAGRAM);
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(buffer))
                .handler(new SyslogUdpInitializer(s, ingest, metrics));
        ChannelFuture f = b.bind(s.bind()).awaitUninterruptibly();
        if (!f.isSuccess()) {
            EventLoops.shutdown(group, s.name());
            throw EventLoops.bindFailure(s.name(), "UDP", s.bind(), f.cause());
        }
        return new SyslogUdpListener(s.name(), group, f.channel());
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        channel.close().awaitUninterruptibly(EventLoops.SHUTDOWN_TIMEOUT_MS);
        EventLoops.shutdown(group, input);
    }
}
