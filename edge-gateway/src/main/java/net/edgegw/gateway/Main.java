package net.edgegw.gateway;

import net.edgegw.core.cli.CheckConfigCommand;
import net.edgegw.core.cli.ExitCodes;
import net.edgegw.core.cli.UsageCommand;
import net.edgegw.core.cli.VersionProvider;
import net.edgegw.gateway.config.DataDirCheck;
import net.edgegw.gateway.config.GatewayConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code edge-gateway} command line (SPEC section 6, contract):
 * {@code run --config FILE}, {@code check-config --config FILE}, {@code set-password}, {@code backlog}.
 */
@Command(name = "edge-gateway", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Edge-to-cloud replication gateway: syslog in, durable buffer, exactly-once to Kafka.",
        subcommands = {Main.Run.class, Main.CheckConfig.class, SetPassword.class, BacklogCommand.class})
public final class Main extends UsageCommand {

    /** Exit code for a config that does not validate. */
    public static final int EXIT_CONFIG = ExitCodes.CONFIG;
    /** Exit code for a failure to start (port in use, data dir locked, ...). */
    public static final int EXIT_START = ExitCodes.START;

    public static void main(String[] args) {
        System.setProperty("chronicle.analytics.disable", "true");
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0 || !"run".equals(args.length > 0 ? args[0] : "")) {
            System.exit(code);
        }
    }

    static final class Version extends VersionProvider {
        Version() {
            super("edge-gateway", Main.class);
        }
    }

    @Command(name = "check-config")
    static final class CheckConfig extends CheckConfigCommand<GatewayConfig> {
        CheckConfig() {
            super(DataDirCheck::loadChecked);
        }

        @Override
        protected String summary(GatewayConfig c) {
            return String.format("site %s, gateway %s, %d input(s), lanes %s, uplink %s %s", c.site(), c.gateway(),
                    c.inputs().size(), c.lanes().stream().map(GatewayConfig.LaneConfig::name).toList(),
                    c.uplink().bootstrapServers(), c.uplink().delivery().name().toLowerCase().replace('_', '-'));
        }
    }

    /** SIGHUP re-reads the config file through the same apply as the web UI (where the JVM lets us handle it). */
    static void onSighup(GatewayApp app) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                Thread t = new Thread(app::reload, "sighup");
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            org.slf4j.LoggerFactory.getLogger(Main.class).warn("SIGHUP cannot be handled here ({}): apply config "
                    + "changes through the web UI or a restart", e.toString());
        }
    }

    @Command(name = "run", description = "Run the gateway until SIGTERM (clean shutdown: inputs stop, buffer flushed, in-flight batch finished).")
    static final class Run extends GatewayCommand {
        Run() {
            // dataDir is created and checked before any input or buffer is opened: a problem is a config error
            super(DataDirCheck::loadPrepared);
        }

        @Override
        protected int run(GatewayConfig c) throws InterruptedException {
            GatewayApp[] app = new GatewayApp[1];
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                synchronized (app) {
                    if (app[0] != null) {
                        app[0].close();
                    }
                }
                stopped.countDown();
                // SIGTERM handled and everything flushed and closed: exit 0 rather than the JVM's 143
                Runtime.getRuntime().halt(0);
            }, "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                synchronized (app) {
                    app[0] = GatewayApp.start(configFile(), c, java.time.Clock.systemUTC(),
                            new com.codahale.metrics.MetricRegistry());
                }
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Main.class).error("edge-gateway failed to start: {}", e.toString());
                Runtime.getRuntime().removeShutdownHook(hook);
                return ExitCodes.START;
            }
            onSighup(app[0]);
            stopped.await();
            return ExitCodes.OK;
        }
    }
}
