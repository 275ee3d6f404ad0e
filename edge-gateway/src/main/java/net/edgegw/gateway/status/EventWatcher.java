package net.edgegw.gateway.status;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import net.edgegw.adapters.InputMetrics;
import net.edgegw.core.InputConfig;
import net.edgegw.gateway.events.EventLog;
import net.edgegw.gateway.events.EventLog.Level;
import net.edgegw.storeforward.Backlog;
import net.edgegw.uplink.UplinkState;
import net.edgegw.uplink.UplinkStatus;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns what changed in a running gateway into {@link EventLog} events, once a second: the uplink's state
 * ({@code uplink.state}), an input that died ({@code input.failed}), connections opened and closed per input ({@code connection.opened}/{@code .closed}, as
 * counts: a thousand devices reconnecting make one event, not a thousand), an MQTT input's broker connection, records
 * dropped by a lane ({@code drops}) and rejected by an input ({@code rejected}), each with the reason. Reads counters
 * only; the data path knows nothing of it. One thread.
 */
public final class EventWatcher implements AutoCloseable {

    private final GatewayView gw;
    private final EventLog events;
    private final ScheduledExecutorService timer;
    private UplinkState uplink;
    private String uplinkError;
    private final Map<String, Long> seen = new HashMap<>();
    private Map<String, String> inputs; // name -> "description @ bind" of the last poll

    public EventWatcher(GatewayView gw, EventLog events) {
        this.gw = gw;
        this.events = events;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "web-events");
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes the current counts as the baseline and looks every second from now on. */
    public EventWatcher start() {
        timer.execute(() -> poll(false));
        timer.scheduleWithFixedDelay(() -> poll(true), 1, 1, TimeUnit.SECONDS);
        return this;
    }

    void poll(boolean report) {
        try {
            UplinkStatus u = gw.uplinkStatus();
            if (report && u.state() != uplink) {
                Level l = u.state() == UplinkState.DOWN ? Level.WARN : Level.INFO;
                events.add("uplink.state", l, "uplink " + (uplink == null ? "" : uplink + " -> ") + u.state()
                        + (u.state() == UplinkState.DOWN && u.lastError() != null ? ": " + u.lastError() : ""));
            } else if (report && u.state() == UplinkState.DOWN && !Objects.equals(u.lastError(), uplinkError)
                    && u.lastError() != null) {
                events.add("uplink.state", Level.WARN, "uplink still DOWN: " + u.lastError());
            }
            uplink = u.state();
            uplinkError = u.lastError();
            inputs(report);
            for (InputConfig in : gw.running().inputs()) {
                Counter c = gw.metrics().getCounters().get(InputMetrics.name(in.name(), "connections"));
                if (c != null) {
                    long now = c.getCount();
                    Long before = seen.put("conn:" + in.name(), now);
                    if (report && before != null && now != before) {
                        long d = now - before;
                        events.add(d > 0 ? "connection.opened" : "connection.closed", Level.INFO, "input "
                                + in.name() + ": " + Math.abs(d) + " connection(s) " + (d > 0 ? "opened" : "closed")
                                + ", " + now + " open");
                    }
                }
                Gauge<?> g = gw.metrics().getGauges().get(InputMetrics.name(in.name(), "connected"));
                if (g != null) {
                    long now = Integer.valueOf(1).equals(g.getValue()) ? 1 : 0;
                    Long before = seen.put("mqtt:" + in.name(), now);
                    if (report && before != null && now != before) {
                        events.add(now == 1 ? "connection.opened" : "connection.closed", now == 1 ? Level.INFO
                                : Level.WARN, "input " + in.name() + ": " + (now == 1 ? "connected to" : "lost")
                                + " its broker");
                    }
                }
            }
            for (Map.Entry<String, Backlog> e : gw.laneBacklogs().entrySet()) {
                Backlog b = e.getValue();
                delta(report, "drops", "lane " + e.getKey(), "overflow", b.droppedOverflow());
                delta(report, "drops", "lane " + e.getKey(), "expired", b.droppedExpired());
                delta(report, "drops", "lane " + e.getKey(), "diskFull", b.droppedDiskFull());
            }
            gw.rejectionCounts().forEach((input, reasons) -> reasons.forEach((reason, n) ->
                    delta(report, "rejected", "input " + input, reason, n)));
        } catch (RuntimeException e) {
            // the gateway is closing or being reconfigured: look again next second
        }
    }

    /**
     * {@code input.failed}: an input of the running config that is neither listening nor a client (the starts and
     * stops of a config apply are events of the apply itself).
     */
    private void inputs(boolean report) {
        if (gw.applying()) {
            return; // inputs are between their old and new settings: look again next second
        }
        Map<String, java.net.InetSocketAddress> bound = gw.boundAddresses();
        Map<String, String> now = new java.util.LinkedHashMap<>();
        for (InputConfig in : gw.running().inputs()) {
            java.net.InetSocketAddress b = bound.get(in.name());
            boolean client = gw.metrics().getGauges().containsKey(InputMetrics.name(in.name(), "connected"));
            now.put(in.name(), in.describe() + (b != null ? " listening on " + b.getHostString() + ":" + b.getPort()
                    : client ? "" : " NOT RUNNING"));
        }
        if (report && inputs != null) {
            now.forEach((name, what) -> {
                String was = inputs.get(name);
                if (what.endsWith(" NOT RUNNING") && (was == null || !was.endsWith(" NOT RUNNING"))) {
                    events.add("input.failed", Level.ERROR, "input " + name + " (" + what.replace(" NOT RUNNING", "")
                            + ") is not running");
                }
            });
        }
        inputs = now;
    }

    private void delta(boolean report, String type, String who, String reason, long now) {
        Long before = seen.put(type + ":" + who + ":" + reason, now);
        long d = now - (before == null ? 0 : before);
        if (report && d > 0) {
            events.add(type, Level.WARN, who + ": " + d + " record(s) " + (type.equals("drops") ? "dropped"
                    : "rejected") + " (" + reason + "), " + now + " in all");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
