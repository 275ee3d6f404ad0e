package net.edgegw.adapters.syslog;

import com.codahale.metrics.MetricRegistry;
import io.netty.handler.ssl.SslContext;
import net.edgegw.adapters.net.GuardedChannelInitializer;
import net.edgegw.adapters.net.ListeningSource;
import net.edgegw.adapters.net.NettyServer;
import net.edgegw.adapters.net.ServerTls;
import net.edgegw.core.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * TCP/TLS connections pass the shared accept-time guard ({@link GuardedChannelInitializer}), then
 * {@link SyslogFrameDecoder} and {@link SyslogTcpHandler}. Metrics: see {@link SyslogMetrics}.
 */
public final class SyslogSource extends ListeningSource {

    private static final Logger LOG = LoggerFactory.getLogger(SyslogSource.class);

    private final SyslogInputSettings settings;
    private final MetricRegistry registry;
    private final SslContext ssl;
    /** Larger than any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6). */
    static final int MAX_DATAGRAM = 65536;
    /** Asked for to absorb bursts; the kernel caps it (net.core.rmem_max). */
    static final int RECEIVE_BUFFER = 4 * 1024 * 1024;

    /**
     * @throws IllegalArgumentException when the TLS material cannot be loaded (names the file)
     */
    public SyslogSource(SyslogInputSettings settings, MetricRegistry metrics) {
        super("syslog", settings.name(), LOG);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(metrics, "metrics");
        this.ssl = settings.protocol() == SyslogInputSettings.Protocol.TLS ? ServerTls.serverContext(settings.tls()) : null;
    }

    public SyslogInputSettings settings() {
        return settings;
    }

    @Override
    protected NettyServer bind(SourceContext ctx) throws Exception {
        SyslogMetrics metrics = new SyslogMetrics(registry, name());
        SyslogIngest ingest = new SyslogIngest(name(), new SyslogParser(settings.bsdZone()), ctx, metrics);
        NettyServer listener;
        if (settings.protocol() == SyslogInputSettings.Protocol.UDP) {
            // one byte more than allowed, so that a truncated (too large) datagram is recognisable
            int buffer = Math.min(settings.maxMessageBytes() + 1, MAX_DATAGRAM);
            listener = NettyServer.udp(label(), "syslog-udp-" + name(), settings.bind(), RECEIVE_BUFFER, buffer,
                    new SyslogUdpInitializer(settings, ingest, metrics));
        } else {
            String protocol = ssl == null ? "tcp" : "tls";
            listener = NettyServer.tcp(label(), "syslog-" + protocol + "-" + name(), protocol.toUpperCase(Locale.ROOT),
                    settings.bind(), connections -> new GuardedChannelInitializer(settings.listener(), ssl, connections,
                            metrics.bytes(), ingest, p -> {
                                p.addLast("framing", new SyslogFrameDecoder(settings.maxMessageBytes()));
                                p.addLast("syslog", new SyslogTcpHandler(ingest, metrics));
                            }));
        }
        LOG.info("syslog input '{}' listening on {} {}", name(), settings.protocol(), listener.localAddress());
        return listener;
    }
}
