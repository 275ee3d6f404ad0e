package net.edgegw.gateway.notify;

import net.edgegw.gateway.status.GatewayView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tells systemd about a running gateway ({@code Type=notify}, {@code man sd_notify}): {@code READY=1} with
 * {@code MAINPID} when started (the caller starts it once inputs are bound and the buffers open), a {@code STATUS=}
 * line every {@link NotifySettings#statusInterval()}, {@code WATCHDOG=1} every {@link NotifySettings#watchdogPing()}
 * while {@link Liveness} passes, and {@code STOPPING=1} when the shutdown begins. Without {@code NOTIFY_SOCKET}
 * nothing is created and nothing is sent.
 *
 * <p>Two daemon threads: the watchdog's never waits for the status line's lane reads. Thread-safe; close is
 * idempotent.
 */
public final class SystemdNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final SystemdNotifier OFF = new SystemdNotifier(null, null, null, null);

    private final GatewayView gw;
    private final NotifySettings settings;
    private final NotifySocket socket;
    private final ScheduledExecutorService threads;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile String lastProblem; // written by the watchdog thread only

    private SystemdNotifier(GatewayView gw, NotifySettings settings, NotifySocket socket,
                            ScheduledExecutorService threads) {
        this.gw = gw;
        this.settings = settings;
        this.socket = socket;
        this.threads = threads;
    }

    /**
     * Sends {@code READY=1} for the started gateway {@code gw} and schedules the status lines and watchdog pings;
     * with {@code settings} empty returns a notifier that does nothing. Never throws for a bad socket (logged once).
     */
    public static SystemdNotifier ready(GatewayView gw, Optional<NotifySettings> settings) {
        if (settings.isEmpty()) {
            return OFF;
        }
        NotifySettings s = settings.get();
        NotifySocket socket;
        try {
            socket = new NotifySocket(s.socket());
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: readiness and watchdog messages are not sent (the gateway runs on)", e.getMessage());
            return OFF;
        }
        int n = INSTANCES.incrementAndGet();
        AtomicInteger threadNo = new AtomicInteger();
        ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "systemd-notify-" + n + "-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        SystemdNotifier notifier = new SystemdNotifier(gw, s, socket, threads);
        notifier.start();
        return notifier;
    }

    private void start() {
        String problem = Liveness.problem(gw, settings.uplinkStallAfter());
        socket.send("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\nSTATUS=" + statusLine(problem));
        LOG.info("systemd notified: ready (socket {}, status every {} s, {})", socket.path(),
                settings.statusInterval().toSeconds(), settings.watchdogPing() == null ? "no watchdog"
                        : "watchdog ping every " + settings.watchdogPing().toMillis() + " ms");
        long statusMs = settings.statusInterval().toMillis();
        threads.scheduleWithFixedDelay(this::sendStatus, statusMs, statusMs, TimeUnit.MILLISECONDS);
        if (settings.watchdogPing() != null) {
            long pingUs = Math.max(1, settings.watchdogPing().toNanos() / 1000);
            threads.scheduleAtFixedRate(this::watchdog, 0, pingUs, TimeUnit.MICROSECONDS);
        }
    }

    private String statusLine(String problem) {
        try {
            return StatusLine.of(gw, problem);
        } catch (RuntimeException e) {
            return "running (status not readable: " + StatusLine.oneLine(e.toString()) + ")";
        }
    }

    private void sendStatus() {
        if (!stopping.get()) {
            socket.send("STATUS=" + statusLine(lastProblem));
        }
    }

    private void watchdog() {
        if (stopping.get()) {
            return;
        }
        String problem;
        try {
            problem = Liveness.problem(gw, settings.uplinkStallAfter());
        } catch (RuntimeException e) {
            problem = "health check failed: " + e;
        }
        String was = lastProblem;
        lastProblem = problem;
        if (problem == null) {
            if (was != null) {
                LOG.info("health check passes again: systemd watchdog pings resume");
            }
            socket.send("WATCHDOG=1");
        } else if (!problem.equals(was)) {
            LOG.error("health check fails: {}; systemd watchdog pings stop (systemd restarts the service after "
                    + "WatchdogSec)", problem);
            socket.send("STATUS=" + statusLine(problem));
        }
    }

    /** {@code STOPPING=1}: the shutdown begins; no more status lines or pings. Idempotent. */
    public void stopping() {
        if (socket != null && stopping.compareAndSet(false, true)) {
            socket.send("STOPPING=1\nSTATUS=stopping: inputs first, then the in-flight uplink batch");
        }
    }

    /** Sends {@code STOPPING=1} if not yet sent, stops the threads and closes the socket. */
    @Override
    public void close() {
        if (socket == null) {
            return;
        }
        stopping();
        threads.shutdownNow();
        socket.close();
    }
}
