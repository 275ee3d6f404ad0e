package net.edgegw.gateway.config;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.adapters.net.Cidr;
import net.edgegw.adapters.net.TlsSettings;
import net.edgegw.core.Source;
import net.edgegw.adapters.tcp.TcpInputSettings;
import net.edgegw.adapters.tcp.TcpSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A validated {@code type: tcp} input (see {@link TcpInputParser}; docs/configuration.md).
 *
 * @param bind      unresolved host:port as written
 * @param hostField ndjson only: top-level string field naming the host, or null (the peer address)
 * @param allow     CIDR blocks as written (validated)
 * @param tls       null for plain TCP
 */
public record TcpInput(String name, InetSocketAddress bind, TcpInputSettings.Format format,
                       TcpInputSettings.Precision precision, String hostField, int maxLineBytes, int maxConnections,
                       Duration idleTimeout, List<String> allow, GatewayConfig.Tls tls, String lane, String topic)
        implements GatewayConfig.InputConfig {

    /** The runtime settings of the source. */
    public TcpInputSettings settings() {
        return new TcpInputSettings(name, new InetSocketAddress(bind.getHostString(), bind.getPort()), format, precision,
                hostField, maxLineBytes, maxConnections, idleTimeout, allow.stream().map(Cidr::parse).toList(),
                tls == null ? null : new TlsSettings(tls.cert(), tls.key(), tls.clientCa()));
    }

    /** The source for this input; {@code stateDir} is this input's own directory under the data dir (not used). */
    public Source createSource(MetricRegistry metrics, java.nio.file.Path stateDir) {
        return new TcpSource(settings(), metrics);
    }
}
