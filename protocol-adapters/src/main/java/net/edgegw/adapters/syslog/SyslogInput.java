package net.edgegw.adapters.syslog;

import net.edgegw.core.InputConfig;

import java.util.Locale;

/**
 * A validated {@code type: syslog} input (see {@link SyslogInputParser}; docs/configuration.md). Immutable.
 *
 * @param settings the runtime settings of its source
 */
public record SyslogInput(String name, String lane, String topic, SyslogInputSettings settings) implements InputConfig {

    /** The {@code type:} value. */
    public static final String TYPE = "syslog";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String describe() {
        return settings.protocol().name().toLowerCase(Locale.ROOT) + " syslog";
    }
}
