package net.edgegw.adapters.tcp;

import net.edgegw.core.InputConfig;


/**
 * A validated {@code type: tcp} input (see {@link TcpInputParser}; docs/configuration.md). Immutable.
 *
 * @param settings the runtime settings of its source
 */
public record TcpInput(String name, String lane, String topic, TcpInputSettings settings) implements InputConfig {

    /** The {@code type:} value. */
    public static final String TYPE = "tcp";

    @Override
    public String type() {
        return TYPE;
    }
}
