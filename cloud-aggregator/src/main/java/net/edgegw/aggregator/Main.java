package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfigLoader;
import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code cloud-aggregator} command line (SPEC section 6, contract): {@code run --config FILE},
 * {@code check-config --config FILE}, {@code set-password --config FILE [--stdin]},
 * {@code topology load FILE}, {@code mirror --config FILE}. Exit codes: 0 success; 1 usage or other error;
 * {@value #EXIT_CONFIG} a config, topology or mirror file that does not validate (messages name key and line);
 * {@value #EXIT_START} failed to start or to reach Kafka; {@value #EXIT_FAILED} stopped by a fatal error.
 */
@Command(name = "cloud-aggregator", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Cloud aggregator: dedupe, health, correlation, alarms and dashboard over edge telemetry in Kafka.",
        subcommands = {RunCommand.class, Main.CheckConfig.class, SetPasswordCommand.class, TopologyCommand.class,
                MirrorCommand.class})
public final class Main implements Callable<Integer> {

    /** Exit code for a file that does not validate. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code for a failure to start (Kafka unreachable, port in use, missing files...). */
    public static final int EXIT_START = 3;
    /** Exit code when a running service stops because of a fatal error. */
    public static final int EXIT_FAILED = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 1;
    }

    /** The product version from the jar manifest. */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"cloud-aggregator " + version()};
        }
    }

    /** Loads the config or prints every error (key and line) and returns null. */
    static AggregatorConfig loadOrReport(Path file, PrintWriter err) {
        try {
            return AggregatorConfigLoader.load(file);
        } catch (ConfigException e) {
            report(file, e.errors(), err);
            return null;
        }
    }

    static void report(Path file, List<ConfigError> errors, PrintWriter err) {
        err.println(file + ": " + errors.size() + " error(s)");
        errors.forEach(x -> err.println("  " + x));
        err.flush();
    }

    @Command(name = "check-config", description = "Validate a config file: exit 0, or 2 with messages naming key and line.")
    static final class CheckConfig implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
        Path config;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AggregatorConfig c = loadOrReport(config, spec.commandLine().getErr());
            if (c == null) {
                return EXIT_CONFIG;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s: OK (kafka %s, application %s, %d rule(s), dashboard %s, webhook %s)%n", config,
                    c.bootstrapServers(), c.applicationId(), c.rules().size(), c.dashboard().advertised(),
                    c.webhook() == null ? "off" : "on");
            out.flush();
            return 0;
        }
    }
}
