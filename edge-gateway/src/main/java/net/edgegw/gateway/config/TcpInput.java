package net.edgegw.gateway.config;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Source;

/** A validated {@code type: tcp} input (see {@link TcpInputParser}; docs/configuration.md). */
public record TcpInput(String name, String lane, String topic) implements GatewayConfig.InputConfig {

    /** The source for this input; {@code stateDir} is this input's own directory under the data dir (may not exist yet). */
    public Source createSource(MetricRegistry metrics, java.nio.file.Path stateDir) {
        throw new UnsupportedOperationException("tcp input not implemented yet");
    }
}
