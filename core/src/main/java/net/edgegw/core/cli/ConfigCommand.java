package net.edgegw.core.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A command that takes {@code -c, --config FILE}: loads the config, or prints every error (key and line) to standard
 * error and exits {@value ExitCodes#CONFIG}; otherwise {@link #run(Object)} decides the exit code. Subclasses add
 * their {@code @Command} (name, description) and options. Picocli creates one instance per command line; not shared
 * between threads.
 *
 * @param <T> the program's validated config
 */
public abstract class ConfigCommand<T> implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final ConfigReader<T> reader;

    protected ConfigCommand(ConfigReader<T> reader) {
        this.reader = reader;
    }

    @Override
    public final Integer call() throws Exception {
        T c = ConfigReport.loadOrReport(config, reader, err());
        return c == null ? ExitCodes.CONFIG : run(c);
    }

    /** Runs the command with the validated config; returns the exit code. */
    protected abstract int run(T config) throws Exception;

    /** The config file given on the command line. */
    protected final Path configFile() {
        return config;
    }

    /** Standard output of this command line. */
    protected final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error of this command line. */
    protected final PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
