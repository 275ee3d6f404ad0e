package net.edgegw.adapters.mqtt;

import net.edgegw.core.InputConfig;

/**
 * A validated {@code type: mqtt} input (see {@link MqttInputParser}; docs/configuration.md). Immutable.
 * {@link #toString()} hides the password (see {@link MqttInputSettings#toString()}).
 *
 * @param settings the runtime settings of its source
 */
public record MqttInput(String name, String lane, String topic, MqttInputSettings settings) implements InputConfig {

    /** The {@code type:} value. */
    public static final String TYPE = "mqtt";

    @Override
    public String type() {
        return TYPE;
    }
}
