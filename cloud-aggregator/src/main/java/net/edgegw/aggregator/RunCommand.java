package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cloud-aggregator run --config FILE}: loads and validates the config, starts {@link AggregatorApp} and blocks
 * until SIGTERM (ordered shutdown, then exit 0) or a fatal error (exit {@value Main#EXIT_FAILED}).
 */
@Command(name = "run", description = "Run the aggregator until SIGTERM.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        AggregatorConfig cfg = Main.loadOrReport(config, spec.commandLine().getErr());
        if (cfg == null) {
            return Main.EXIT_CONFIG;
        }
        AggregatorApp app;
        try {
            app = AggregatorApp.start(cfg);
        } catch (RuntimeException e) {
            LOG.error("cloud-aggregator failed to start: {}", e.toString());
            return Main.EXIT_START;
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
            return 0;
        }
        app.close();
        LOG.error("cloud-aggregator stopped after a fatal error");
        return Main.EXIT_FAILED;
    }
}
