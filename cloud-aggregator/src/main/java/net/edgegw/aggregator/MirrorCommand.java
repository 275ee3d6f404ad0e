package net.edgegw.aggregator;

import net.edgegw.aggregator.mirror.MirrorConfig;
import net.edgegw.aggregator.mirror.MirrorRunner;
import net.edgegw.core.cli.ConfigReport;
import net.edgegw.core.cli.ExitCodes;
import net.edgegw.core.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cloud-aggregator mirror --config FILE}: checks a MirrorMaker 2 properties file ({@link MirrorConfig}) and runs
 * MirrorMaker 2 in dedicated mode in this JVM ({@link MirrorRunner}) until SIGTERM.
 */
@Command(name = "mirror", description = "Run MirrorMaker 2 (dedicated mode) from a properties file until SIGTERM.")
final class MirrorCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorCommand.class);

    @Option(names = {"-c", "--config"}, required = true, description = "the MirrorMaker 2 properties file")
    Path config;
    @Option(names = "--check", description = "only validate the file and exit")
    boolean check;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, String> props;
        try {
            props = MirrorConfig.load(config);
        } catch (ConfigException e) {
            ConfigReport.report(config, e.errors(), spec.commandLine().getErr());
            return ExitCodes.CONFIG;
        }
        if (check) {
            spec.commandLine().getOut().printf("%s: OK (flows %s)%n", config, MirrorConfig.flows(props));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        MirrorRunner runner;
        try {
            runner = MirrorRunner.start(props);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(config + ": " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.CONFIG;
        } catch (RuntimeException e) {
            LOG.error("MirrorMaker failed to start: {}", e.toString());
            return ExitCodes.START;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close(); // waits until every herder stopped (MirrorMaker's own hook does the same)
            Runtime.getRuntime().halt(0);
        }, "mirror-shutdown"));
        runner.awaitStop();
        return ExitCodes.OK;
    }
}
