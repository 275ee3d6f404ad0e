package net.edgegw.adapters.syslog;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Event loop groups of the syslog listeners: one group per input, so a blocked input does not stall others. */
final class EventLoops {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);
    static final long SHUTDOWN_TIMEOUT_MS = 5000;

    private EventLoops() {
    }

    static EventLoopGroup group(String input, String kind, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("syslog-" + kind + "-" + input, true),
                NioIoHandler.newFactory());
    }

    /** Graceful shutdown: queued tasks (reads in progress, pending closes) run first; bounded wait. */
    static void shutdown(EventLoopGroup group, String input) {
        if (!group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1000)) {
            LOG.warn("syslog input '{}': event loop did not stop within {} ms (an emit may still be blocked)",
                    input, SHUTDOWN_TIMEOUT_MS);
        }
    }

    static BindException bindFailure(String input, String protocol, InetSocketAddress bind, Throwable cause) {
        BindException e = new BindException("syslog input '" + input + "': cannot listen on " + protocol + " "
                + bind + ": " + (cause == null ? "unknown error" : cause.getMessage()));
        e.initCause(cause);
        return e;
    }
}
