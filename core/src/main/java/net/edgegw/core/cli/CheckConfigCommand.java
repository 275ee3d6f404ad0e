package net.edgegw.core.cli;

import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code check-config --config FILE}: exit 0 with {@code FILE: OK (<summary>)} on standard output, or
 * {@value ExitCodes#CONFIG} with every error (key and line) on standard error. A subclass repeats
 * {@code @Command(name = "check-config")} (picocli wants a subcommand's name on its own class) and inherits the
 * description. Picocli creates one instance per command line; not shared between threads.
 *
 * @param <T> the program's validated config
 */
@Command(name = "check-config", description = "Validate a config file: exit 0, or 2 with messages naming key and line.")
public abstract class CheckConfigCommand<T> extends ConfigCommand<T> {

    protected CheckConfigCommand(ConfigReader<T> reader) {
        super(reader);
    }

    /** What the OK line says about the config (never a secret). */
    protected abstract String summary(T config);

    @Override
    protected final int run(T config) {
        PrintWriter out = out();
        out.printf("%s: OK (%s)%n", configFile(), summary(config));
        out.flush();
        return ExitCodes.OK;
    }
}
