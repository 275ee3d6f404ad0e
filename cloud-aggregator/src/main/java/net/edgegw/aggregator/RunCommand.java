package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.core.cli.ExitCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * {@code cloud-aggregator run --config FILE}: loads and validates the config, starts {@link AggregatorApp} and blocks
 * until SIGTERM (ordered shutdown, then exit 0) or a fatal error (exit {@value ExitCodes#FAILED}).
 */
@Command(name = "run", description = "Run the aggregator until SIGTERM.")
final class RunCommand extends AggregatorCommand {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Override
    protected int run(AggregatorConfig cfg) throws InterruptedException {
        AggregatorApp app;
        try {
            app = AggregatorApp.start(cfg);
        } catch (RuntimeException e) {
            LOG.error("cloud-aggregator failed to start: {}", e.toString());
            return ExitCodes.START;
        }
        Thread hook = new Thread(() -> {
            app.close();
            // SIGTERM handled and everything closed in order: exit 0 rather than the JVM's 143
            Runtime.getRuntime().halt(0);
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        app.awaitShutdown();
        // not a signal (the hook halts the JVM): Kafka Streams stopped for good
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return ExitCodes.OK;
        }
        app.close();
        LOG.error("cloud-aggregator stopped after a fatal error");
        return ExitCodes.FAILED;
    }
}
