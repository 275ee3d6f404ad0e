package net.edgegw.gateway.status;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import net.edgegw.adapters.InputMetrics;
import net.edgegw.core.InputConfig;
import net.edgegw.gateway.status.EventLog.Level;
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
 * ({@code uplink.state}), connections opened and closed per input ({@code connection.opened}/{@code .closed}, as
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
