package net.edgegw.core.cli;

import net.edgegw.core.config.ConfigException;

import java.nio.file.Path;

/**
 * Loads and validates one program's config file, e.g. {@code ConfigLoader::load}.
 *
 * @param <T> the validated config
 */
@FunctionalInterface
public interface ConfigReader<T> {

    /** @throws ConfigException with every error (key and line) when the file does not validate */
    T read(Path file);
}
