package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfigLoader;
import net.edgegw.core.cli.CheckConfigCommand;
import net.edgegw.core.cli.ExitCodes;
import net.edgegw.core.cli.UsageCommand;
import net.edgegw.core.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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

    static final class Version extends VersionProvider {
        Version() {
            super("cloud-aggregator", Main.class);
        }
    }

    @Command(name = "check-config")
    static final class CheckConfig extends CheckConfigCommand<AggregatorConfig> {
        CheckConfig() {
            super(AggregatorConfigLoader::load);
        }

        @Override
        protected String summary(AggregatorConfig c) {
            return String.format("kafka %s, application %s, %d rule(s), dashboard %s, webhook %s", c.bootstrapServers(),
                    c.applicationId(), c.rules().size(), c.dashboard().advertised(), c.webhook() == null ? "off" : "on");
        }
    }
}
