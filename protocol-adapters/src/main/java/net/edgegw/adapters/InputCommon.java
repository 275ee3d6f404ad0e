package net.edgegw.adapters;

import java.nio.file.Path;

/**
 * The keys every input has, already validated by the config loader, and where relative paths resolve. Immutable.
 *
 * @param name    the input name, or null when it was missing or invalid (an error was reported)
 * @param lane    the lane for this input's records
 * @param topic   the topic override, or null
 * @param baseDir the config file's directory, or null to resolve paths against the working directory
 */
public record InputCommon(String name, String lane, String topic, Path baseDir) {

    /** A path from the config file, resolved against {@link #baseDir}. */
    public Path resolve(String path) {
        return baseDir == null ? Path.of(path) : baseDir.resolve(path).normalize();
    }
}
