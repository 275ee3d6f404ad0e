package net.edgegw.adapters.syslog;

import com.codahale.metrics.MetricRegistry;
import io.netty.handler.ssl.SslContext;
import net.edgegw.adapters.net.NettyServer;
import net.edgegw.adapters.net.ServerTls;
import net.edgegw.core.Source;
import net.edgegw.core.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * The syslog input (SPEC section 2): a UDP, TCP or TLS listener that parses RFC 5424 / RFC 3164 messages (see
 * {@link SyslogParser}) into envelopes. Lifecycle: {@link #start} once, {@link #close} any number of times.
 * Thread-safe.
 *
 * <h2>What happens to input</h2>
 * <ul>
 * <li>Parsed messages are handed to the gateway: TCP/TLS with {@code emit} (blocking when the buffer is full with
 * overflow {@code block}; the connection is then not read, which pushes back on the sender; each input has its
 * own event loops so other inputs are unaffected), UDP with {@code offer} (never blocks; refused = rejection
 * {@code buffer-full}).</li>
 * <li>Rejections (counted by the gateway per input and reason, raw bytes truncated to 4 KiB):
 * {@code malformed} (invalid PRI, empty message or frame, bad octet count: then the connection is closed, the
 * framing being lost), {@code oversized} (larger than maxMessageBytes: skipped, the connection continues),
 * {@code source-not-allowed} (TCP: on accept; UDP: per datagram), {@code connection-limit},
 * {@code tls-handshake}, {@code buffer-full}, {@code closed} (the gateway is shutting down), {@code emit-failed}.
 * Invalid UTF-8 is not a rejection: it is replaced by U+FFFD.</li>
 * <li>Idle TCP connections are closed quietly after idleTimeout.</li>
 * </ul>
 * Metrics: see {@link SyslogMetrics}.
 */
public final class SyslogSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(SyslogSource.class);

    private final SyslogInputSettings settings;
    private final MetricRegistry registry;
    private final SslContext ssl;
    /** Larger than any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6). */
    static final int MAX_DATAGRAM = 65536;
    /** Asked for to absorb bursts; the kernel caps it (net.core.rmem_max). */
    static final int RECEIVE_BUFFER = 4 * 1024 * 1024;

    private NettyServer listener;
    private boolean started;
    private boolean closed;

    /**
     * @throws IllegalArgumentException when the TLS material cannot be loaded (names the file)
     */
    public SyslogSource(SyslogInputSettings settings, MetricRegistry metrics) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(metrics, "metrics");
        this.ssl = settings.protocol() == SyslogInputSettings.Protocol.TLS ? ServerTls.serverContext(settings.tls()) : null;
    }

    @Override
    public String name() {
        return settings.name();
    }

    public SyslogInputSettings settings() {
        return settings;
    }

    /**
     * Binds synchronously.
     *
     * @throws java.net.BindException naming the input, protocol and address when the port is in use or not allowed
     * @throws IllegalStateException  when started twice or after close
     */
    @Override
    public synchronized void start(SourceContext ctx) throws Exception {
        Objects.requireNonNull(ctx, "ctx");
        if (started || closed) {
            throw new IllegalStateException("syslog input '" + name() + "' was already " + (closed ? "closed" : "started"));
        }
        started = true;
        SyslogMetrics metrics = new SyslogMetrics(registry, name());
        SyslogIngest ingest = new SyslogIngest(name(), new SyslogParser(settings.bsdZone()), ctx, metrics);
        String label = "syslog input '" + name() + "'";
        if (settings.protocol() == SyslogInputSettings.Protocol.UDP) {
            // one byte more than allowed, so that a truncated (too large) datagram is recognisable
            int buffer = Math.min(settings.maxMessageBytes() + 1, MAX_DATAGRAM);
            listener = NettyServer.udp(label, "syslog-udp-" + name(), settings.bind(), RECEIVE_BUFFER, buffer,
                    new SyslogUdpInitializer(settings, ingest, metrics));
        } else {
            String protocol = ssl == null ? "tcp" : "tls";
            listener = NettyServer.tcp(label, "syslog-" + protocol + "-" + name(), protocol.toUpperCase(Locale.ROOT),
                    settings.bind(), connections -> new SyslogTcpInitializer(settings, ingest, metrics, ssl, connections));
        }
        LOG.info("syslog input '{}' listening on {} {}", name(), settings.protocol(), listener.localAddress());
    }

    /** The address actually bound (the real port when bound to port 0). */
    public synchronized InetSocketAddress boundAddress() {
        if (listener == null) {
            throw new IllegalStateException("syslog input '" + name() + "' is not started");
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
            listener.close();
            LOG.info("syslog input '{}' stopped", name());
        }
    }
}
