package net.edgegw.gateway;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.gateway.config.GatewayConfig;
import net.edgegw.gateway.config.Inputs;
import net.edgegw.gateway.config.LiveConfig;
import net.edgegw.gateway.events.EventLog;
import net.edgegw.gateway.notify.NotifySettings;
import net.edgegw.gateway.notify.SystemdNotifier;
import net.edgegw.gateway.status.EventWatcher;
import net.edgegw.gateway.web.GatewayWeb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The running program of {@code edge-gateway run}: the {@link Gateway} (the data path), its {@link LiveConfig} (the
 * config file, applied live from the web UI, a SIGHUP or a rollback), the {@link EventLog} and the local web UI
 * ({@link GatewayWeb}, when {@code web.bind} is set) and, under systemd, the {@link SystemdNotifier} (READY=1 once
 * all of that is up). Start once, close many; close tells systemd STOPPING=1, stops the web UI, then the gateway
 * (inputs, in-flight batch, buffers).
 */
public final class GatewayApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

    private final Gateway gateway;
    private final LiveConfig config;
    private final EventLog events;
    private final EventWatcher watcher;
    private final GatewayWeb web;
    private volatile SystemdNotifier notifier;

    private GatewayApp(Gateway gateway, LiveConfig config, EventLog events, EventWatcher watcher, GatewayWeb web) {
        this.gateway = gateway;
        this.config = config;
        this.events = events;
        this.watcher = watcher;
        this.web = web;
    }

    /**
     * Starts the gateway of {@code configFile} (already loaded as {@code c}) and its web UI, or throws; then tells
     * systemd it is ready when {@code NOTIFY_SOCKET} is set.
     */
    public static GatewayApp start(Path configFile, GatewayConfig c, Clock clock, MetricRegistry metrics)
            throws Exception {
        return start(configFile, c, clock, metrics, NotifySettings.fromEnvironment());
    }

    /** {@link #start(Path, GatewayConfig, Clock, MetricRegistry)} with the systemd notify settings given. */
    public static GatewayApp start(Path configFile, GatewayConfig c, Clock clock, MetricRegistry metrics,
                                   Optional<NotifySettings> notify) throws Exception {
        Gateway gw = new Gateway(c, clock, metrics, Inputs.registry());
        EventWatcher watcher = null;
        try {
            gw.start();
            EventLog events = new EventLog(clock);
            LiveConfig live = LiveConfig.open(configFile, gw, Inputs.registry(), events, clock);
            events.add("gateway.started", EventLog.Level.INFO, "edge-gateway started with config version "
                    + live.version() + ": " + c.inputs().size() + " input(s)");
            watcher = new EventWatcher(gw, events).start();
            GatewayWeb web = c.web().bind() == null ? null : GatewayWeb.start(gw, live, events, clock);
            if (web == null) {
                LOG.info("web UI off (no web.bind in the config)");
            }
            GatewayApp app = new GatewayApp(gw, live, events, watcher, web);
            app.notifier = SystemdNotifier.ready(gw, notify); // inputs bound, buffers open: READY=1
            return app;
        } catch (Exception | Error e) {
            if (watcher != null) {
                watcher.close();
            }
            gw.close();
            throw e;
        }
    }

    /** Re-reads the config file and applies it through the same path as the web UI (SIGHUP). */
    public LiveConfig.Outcome reload() {
        LiveConfig.Outcome o = config.reload();
        LOG.info("SIGHUP: {}", o);
        return o;
    }

    public Gateway gateway() {
        return gateway;
    }

    public LiveConfig config() {
        return config;
    }

    public EventLog events() {
        return events;
    }

    /** The web UI, unless {@code web.bind} is unset. */
    public Optional<GatewayWeb> web() {
        return Optional.ofNullable(web);
    }

    @Override
    public void close() {
        SystemdNotifier n = notifier;
        if (n != null) {
            n.close(); // STOPPING=1 first: systemd shows "deactivating" while the buffers drain
        }
        if (web != null) {
            web.close();
        }
        watcher.close();
        gateway.close();
    }
}
