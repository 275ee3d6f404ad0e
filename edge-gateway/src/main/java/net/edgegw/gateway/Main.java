package net.edgegw.gateway;

import net.edgegw.core.config.ConfigException;
import net.edgegw.gateway.config.ConfigLoader;
import net.edgegw.gateway.config.GatewayConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code edge-gateway} command line (SPEC section 6, contract):
 * {@code run --config FILE}, {@code check-config --config FILE}, {@code set-password}, {@code backlog}.
 */
@Command(name = "edge-gateway", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Edge-to-cloud replication gateway: syslog in, durable buffer, exactly-once to Kafka.",
        subcommands = {Main.Run.class, Main.CheckConfig.class, SetPassword.class, BacklogCommand.class})
public final class Main implements Callable<Integer> {

    /** Exit code for a config that does not validate. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code for a failure to start (port in use, data dir locked, ...). */
    public static final int EXIT_START = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("chronicle.analytics.disable", "true");
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0 || !"run".equals(args.length > 0 ? args[0] : "")) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
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
            return new String[]{"edge-gateway " + version()};
        }
    }

    /** Loads the config or prints every error (key and line) and returns null. */
    static GatewayConfig loadOrReport(Path file, PrintWriter err) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            err.println(file + ": " + e.errors().size() + " error(s)");
            e.errors().forEach(x -> err.println("  " + x));
            err.flush();
            return null;
        }
    }

    @Command(name = "check-config", description = "Validate a config file: exit 0, or 2 with messages naming key and line.")
    static final class CheckConfig implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
        Path config;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            GatewayConfig c = loadOrReport(config, spec.commandLine().getErr());
            if (c == null) {
                return EXIT_CONFIG;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s: OK (site %s, gateway %s, %d input(s), lanes %s, uplink %s %s)%n", config, c.site(),
                    c.gateway(), c.inputs().size(), c.lanes().stream().map(GatewayConfig.LaneConfig::name).toList(),
                    c.uplink().bootstrapServers(), c.uplink().delivery().name().toLowerCase().replace('_', '-'));
            out.flush();
            return 0;
        }
    }

    @Command(name = "run", description = "Run the gateway until SIGTERM (clean shutdown: inputs stop, buffer flushed, in-flight batch finished).")
    static final class Run implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
        Path config;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            GatewayConfig c = loadOrReport(config, spec.commandLine().getErr());
            if (c == null) {
                return EXIT_CONFIG;
            }
            Gateway gw = new Gateway(c, java.time.Clock.systemUTC(), new com.codahale.metrics.MetricRegistry());
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                gw.close();
                stopped.countDown();
                // SIGTERM handled and everything flushed and closed: exit 0 rather than the JVM's 143
                Runtime.getRuntime().halt(0);
            }, "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                gw.start();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Main.class).error("edge-gateway failed to start: {}", e.toString());
                Runtime.getRuntime().removeShutdownHook(hook);
                gw.close();
                return EXIT_START;
            }
            stopped.await();
            return 0;
        }
    }
}
