package net.edgegw.adapters.tcp;

import com.codahale.metrics.MetricRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.channel.ChannelPipeline;
import net.edgegw.adapters.net.GuardedChannelInitializer;
import net.edgegw.adapters.net.ListeningSource;
import net.edgegw.adapters.net.NettyServer;
import net.edgegw.adapters.net.ServerTls;
import net.edgegw.core.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The raw TCP input (SPEC section 2): a Netty server reading newline-delimited JSON, plain text lines or InfluxDB
 * line protocol, one {@link net.edgegw.core.Envelope} per line with source {@code tcp} (see {@link LineConverter}
 * for the fields). Lifecycle: {@link #start} once, {@link #close} any number of times. Thread-safe.
 *
 * <h2>What happens to input</h2>
 * <ul>
 * <li>Lines end with LF (CRLF accepted); empty lines are skipped. Envelopes are handed to the gateway with
 * {@code offer}; a full buffer (overflow {@code block}) pauses reading of that connection until there is room:
 * nothing is dropped (see {@link TcpLineHandler}).</li>
 * <li>Rejections (counted by the gateway per input and reason, raw bytes truncated to 4 KiB; the connection
 * continues): {@code oversized} (a line over maxLineBytes; the rest of it is discarded), {@code malformed}
 * (invalid JSON, invalid UTF-8, bad line protocol, with the reason), {@code source-not-allowed} and
 * {@code connection-limit} (on accept; the connection is closed), {@code tls-handshake}, {@code closed} (the
 * gateway stopped before a line could be stored), {@code emit-failed}.</li>
 * <li>Idle connections are closed quietly after idleTimeout (not while paused by back-pressure).</li>
 * </ul>
 * Connections pass the shared accept-time guard ({@link GuardedChannelInitializer}), then {@link TcpLineDecoder} and
 * {@link TcpLineHandler}. Metrics: see {@link TcpMetrics}.
 */
public final class TcpSource extends ListeningSource {

    private static final Logger LOG = LoggerFactory.getLogger(TcpSource.class);

    private final TcpInputSettings settings;
    private final MetricRegistry registry;
    private final SslContext ssl;
    private TcpIngest ingest;

    /**
     * @throws IllegalArgumentException when the TLS material cannot be loaded (names the file)
     */
    public TcpSource(TcpInputSettings settings, MetricRegistry metrics) {
        super("tcp", settings.name(), LOG);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(metrics, "metrics");
        this.ssl = settings.tls() == null ? null : ServerTls.serverContext(settings.tls());
    }

    public TcpInputSettings settings() {
        return settings;
    }

    @Override
    protected NettyServer bind(SourceContext ctx) throws Exception {
        TcpIngest in = new TcpIngest(settings, ctx, new TcpMetrics(registry, name()));
        NettyServer listener = NettyServer.tcp(label(), "tcp-in-" + name(), ssl == null ? "TCP" : "TLS",
                settings.bind(), connections -> new GuardedChannelInitializer(settings.listener(), ssl, connections,
                        in.metrics().bytes(), in, p -> addLineHandlers(p, in)));
        ingest = in;
        LOG.info("tcp input '{}' ({}{}) listening on {}", name(), settings.format().name().toLowerCase(java.util.Locale.ROOT),
                ssl == null ? "" : ", tls", listener.localAddress());
        return listener;
    }

    private static void addLineHandlers(ChannelPipeline p, TcpIngest ingest) {
        p.addLast("lines", new TcpLineDecoder(ingest.settings().maxLineBytes()));
        p.addLast("tcp", new TcpLineHandler(ingest));
    }

    /**
     * The per-connection handlers of this input's pipeline (line decoder, then line handler) for embedding the line
     * path without a socket, e.g. in a Netty {@code EmbeddedChannel} (benchmarks). Not for production wiring.
     */
    public static io.netty.channel.ChannelHandler[] connectionHandlers(TcpInputSettings settings, SourceContext ctx,
                                                                       MetricRegistry metrics) {
        TcpIngest ingest = new TcpIngest(settings, ctx, new TcpMetrics(metrics, settings.name()));
        return new io.netty.channel.ChannelHandler[]{new TcpLineDecoder(settings.maxLineBytes()), new TcpLineHandler(ingest)};
    }

    /**
     * After the connections closed (their last lines handled): gives the lines the full buffer still refuses one last
     * chance and reports the rest, while the event loops still run.
     */
    @Override
    protected void beforeLoopsStop() {
        List<Future<?>> abandoned = new ArrayList<>();
        for (TcpLineHandler h : ingest.holders()) {
            abandoned.add(h.abandonLater());
        }
        for (Future<?> f : abandoned) {
            f.awaitUninterruptibly(NettyServer.SHUTDOWN_TIMEOUT_MS);
        }
    }
}
