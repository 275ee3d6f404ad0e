package net.edgegw.gateway.config;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Source;

/** A validated {@code type: mqtt} input (see {@link MqttInputParser}; docs/configuration.md). */
public record MqttInput(String name, String lane, String topic) implements GatewayConfig.InputConfig {

    /** The source for this input. */
    public Source createSource(MetricRegistry metrics) {
        throw new UnsupportedOperationException("mqtt input not implemented yet");
    }
}
