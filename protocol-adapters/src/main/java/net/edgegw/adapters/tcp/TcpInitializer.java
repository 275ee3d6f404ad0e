package net.edgegw.adapters.tcp;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import net.edgegw.adapters.net.GuardedChannelInitializer;

/**
 * A TCP input connection: the shared accept-time guard (allow-list, connection limit, idle timeout, TLS, byte
 * meter), then {@link TcpLineDecoder} and {@link TcpLineHandler}. Sharable (runs once per accepted channel).
 */
final class TcpInitializer extends GuardedChannelInitializer {

    private final TcpIngest ingest;

    TcpInitializer(TcpIngest ingest, SslContext ssl, ChannelGroup channels) {
        super(ingest.settings().listener(), ssl, channels, ingest.metrics().bytes());
        this.ingest = ingest;
    }

    @Override
    protected void refuse(String reason, String detail, String peer) {
        ingest.reject(reason, detail, null, 0, 0, peer);
    }

    @Override
    protected void addInputHandlers(ChannelPipeline p) {
        p.addLast("lines", new TcpLineDecoder(ingest.settings().maxLineBytes()));
        p.addLast("tcp", new TcpLineHandler(ingest));
    }
}
