package net.edgegw.core.cli;

import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** Prints the errors of a file that does not validate, one line per error naming key and line. Stateless. */
public final class ConfigReport {

    private ConfigReport() {
    }

    /** Loads the config or prints every error (key and line) to {@code err} and returns null. */
    public static <T> T loadOrReport(Path file, ConfigReader<T> reader, PrintWriter err) {
        try {
            return reader.read(file);
        } catch (ConfigException e) {
            report(file, e.errors(), err);
            return null;
        }
    }

    /** {@code FILE: N error(s)} and then each error, indented. */
    public static void report(Path file, List<ConfigError> errors, PrintWriter err) {
        err.println(file + ": " + errors.size() + " error(s)");
        errors.forEach(x -> err.println("  " + x));
        err.flush();
    }
}
