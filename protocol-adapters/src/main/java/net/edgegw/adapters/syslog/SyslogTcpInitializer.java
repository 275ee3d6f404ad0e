package net.edgegw.adapters.syslog;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import net.edgegw.adapters.net.GuardedChannelInitializer;

/**
 * A TCP/TLS syslog connection: the shared accept-time guard (allow-list, connection limit, idle timeout, TLS, byte
 * meter), then {@link SyslogFrameDecoder} and {@link SyslogTcpHandler}. Sharable (runs once per accepted channel).
 */
final class SyslogTcpInitializer extends GuardedChannelInitializer {

    private final SyslogInputSettings settings;
    private final SyslogIngest ingest;
    private final SyslogMetrics metrics;

    SyslogTcpInitializer(SyslogInputSettings settings, SyslogIngest ingest, SyslogMetrics metrics, SslContext ssl,
                         ChannelGroup channels) {
        super(settings.listener(), ssl, channels, metrics.bytes());
        this.settings = settings;
        this.ingest = ingest;
        this.metrics = metrics;
    }

    @Override
    protected void refuse(String reason, String detail, String peer) {
        ingest.reject(reason, detail, null, 0, 0, peer);
    }

    @Override
    protected void addInputHandlers(ChannelPipeline p) {
        p.addLast("framing", new SyslogFrameDecoder(settings.maxMessageBytes()));
        p.addLast("syslog", new SyslogTcpHandler(ingest, metrics));
    }
}
