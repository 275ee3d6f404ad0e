package net.edgegw.adapters.tcp;

import com.codahale.metrics.MetricRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import net.edgegw.adapters.net.NettyServer;
import net.edgegw.adapters.net.ServerTls;
import net.edgegw.core.Source;
import net.edgegw.core.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
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
 * Metrics: see {@link TcpMetrics}.
 */
public final class TcpSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(TcpSource.class);

    private final TcpInputSettings settings;
    private final MetricRegistry registry;
    private final SslContext ssl;
    private TcpIngest ingest;
    private NettyServer listener;
    private boolean started;
    private boolean closed;

    /**
     * @throws IllegalArgumentException when the TLS material cannot be loaded (names the file)
     */
    public TcpSource(TcpInputSettings settings, MetricRegistry metrics) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(metrics, "metrics");
        this.ssl = settings.tls() == null ? null : ServerTls.serverContext(settings.tls());
    }

    @Override
    public String name() {
        return settings.name();
    }

    public TcpInputSettings settings() {
        return settings;
    }

    /**
     * Binds synchronously.
     *
     * @throws java.net.BindException naming the input and address when the port is in use or not allowed
     * @throws IllegalStateException  when started twice or after close
     */
    @Override
    public synchronized void start(SourceContext ctx) throws Exception {
        Objects.requireNonNull(ctx, "ctx");
        if (started || closed) {
            throw new IllegalStateException("tcp input '" + name() + "' was already " + (closed ? "closed" : "started"));
        }
        started = true;
        TcpIngest in = new TcpIngest(settings, ctx, new TcpMetrics(registry, name()));
        listener = NettyServer.tcp("tcp input '" + name() + "'", "tcp-in-" + name(), ssl == null ? "TCP" : "TLS",
                settings.bind(), connections -> new TcpInitializer(in, ssl, connections));
        ingest = in;
        LOG.info("tcp input '{}' ({}{}) listening on {}", name(), settings.format().name().toLowerCase(java.util.Locale.ROOT),
                ssl == null ? "" : ", tls", listener.localAddress());
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

    /** The address actually bound (the real port when bound to port 0). */
    @Override
    public synchronized InetSocketAddress boundAddress() {
        if (listener == null) {
            throw new IllegalStateException("tcp input '" + name() + "' is not started");
        }
        return listener.localAddress();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (listener != null) {
            listener.close(this::abandonHeldLines);
            LOG.info("tcp input '{}' stopped", name());
        }
    }

    /**
     * After the connections closed (their last lines handled): gives the lines the full buffer still refuses one last
     * chance and reports the rest, while the event loops still run.
     */
    private void abandonHeldLines() {
        List<Future<?>> abandoned = new ArrayList<>();
        for (TcpLineHandler h : ingest.holders()) {
            abandoned.add(h.abandonLater());
        }
        for (Future<?> f : abandoned) {
            f.awaitUninterruptibly(NettyServer.SHUTDOWN_TIMEOUT_MS);
        }
    }
}
