package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.core.cli.ExitCodes;
import net.edgegw.core.cli.ProgramVersion;
import net.edgegw.core.cli.UsageCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code cloud-aggregator} command line (SPEC section 6, contract): {@code run --config FILE},
 * {@code check-config --config FILE}, {@code set-password --config FILE [--stdin]},
 * {@code topology load FILE}, {@code mirror --config FILE}. Exit codes ({@link ExitCodes}): 0 success; 1 usage or
 * other error; {@value #EXIT_CONFIG} a config, topology or mirror file that does not validate (messages name key and
 * line); {@value #EXIT_START} failed to start or to reach Kafka; {@value #EXIT_FAILED} stopped by a fatal error.
 */
@Command(name = "cloud-aggregator", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Cloud aggregator: dedupe, health, correlation, alarms and dashboard over edge telemetry in Kafka.",
        subcommands = {RunCommand.class, Main.CheckConfig.class, SetPasswordCommand.class, TopologyCommand.class,
                MirrorCommand.class})
public final class Main extends UsageCommand {

    /** Exit code for a file that does not validate. */
    public static final int EXIT_CONFIG = ExitCodes.CONFIG;
    /** Exit code for a failure to start (Kafka unreachable, port in use, missing files...). */
    public static final int EXIT_START = ExitCodes.START;
    /** Exit code when a running service stops because of a fatal error. */
    public static final int EXIT_FAILED = ExitCodes.FAILED;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"cloud-aggregator " + ProgramVersion.of(Main.class)};
        }
    }

    @Command(name = "check-config", description = "Validate a config file: exit 0, or 2 with messages naming key and line.")
    static final class CheckConfig extends AggregatorCommand {
        @Override
        protected int run(AggregatorConfig c) {
            PrintWriter out = out();
            out.printf("%s: OK (kafka %s, application %s, %d rule(s), dashboard %s, webhook %s)%n", configFile(),
                    c.bootstrapServers(), c.applicationId(), c.rules().size(), c.dashboard().advertised(),
                    c.webhook() == null ? "off" : "on");
            out.flush();
            return ExitCodes.OK;
        }
    }
}
