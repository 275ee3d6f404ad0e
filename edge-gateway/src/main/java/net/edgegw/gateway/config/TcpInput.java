package net.edgegw.gateway.config;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Source;

/** A validated {@code type: tcp} input (see {@link TcpInputParser}; docs/configuration.md). */
public record TcpInput(String name, String lane, String topic) implements GatewayConfig.InputConfig {

    /** The source for this input. */
    public Source createSource(MetricRegistry metrics) {
        throw new UnsupportedOperationException("tcp input not implemented yet");
    }
}
