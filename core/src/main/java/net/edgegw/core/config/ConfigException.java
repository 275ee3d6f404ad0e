package net.edgegw.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a config file; the gateway refuses to start with any of them. */
public final class ConfigException extends RuntimeException {
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
