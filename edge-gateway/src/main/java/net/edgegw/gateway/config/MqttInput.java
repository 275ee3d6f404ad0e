package net.edgegw.gateway.config;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Source;
import net.edgegw.adapters.mqtt.MqttInputSettings;
import net.edgegw.adapters.mqtt.MqttSource;

/**
 * A validated {@code type: mqtt} input (see {@link MqttInputParser}; docs/configuration.md). {@link #toString()} hides
 * the password (see {@link MqttInputSettings#toString()}).
 */
public record MqttInput(String name, String lane, String topic, MqttInputSettings settings)
        implements GatewayConfig.InputConfig {

    /** The source for this input; {@code stateDir} is this input's own directory under the data dir (may not exist yet). */
    public Source createSource(MetricRegistry metrics, java.nio.file.Path stateDir) {
        return new MqttSource(settings, metrics, stateDir);
    }
}
