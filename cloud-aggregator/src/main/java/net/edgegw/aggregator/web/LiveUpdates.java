package net.edgegw.aggregator.web;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.web.HttpError;
import net.edgegw.web.Json;
import net.edgegw.web.Sessions;
import net.edgegw.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code GET /api/events}: the dashboard's live updates as server-sent events. At most {@code maxStreams} open
 * streams (a further one gets 503 with {@code Retry-After}); every {@link #EVENT_INTERVAL_MS} one {@code update}
 * event to each (the summary plus the sites changed or removed since the previous tick), or {@code logout} and the
 * end of the stream once its session is over. Thread-safe; the ticker thread alone keeps the last sent state.
 */
final class LiveUpdates implements AutoCloseable {

    static final long EVENT_INTERVAL_MS = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(LiveUpdates.class);

    private record LiveClient(SseClient client, Sessions.Session session) {
    }

    private final DashboardApi api;
    private final Json json;
    private final int maxStreams;
    private final Set<LiveClient> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger liveCount = new AtomicInteger();
    private final ScheduledExecutorService ticker;
    private Map<String, SiteSnapshot> lastSent; // ticker thread only

    LiveUpdates(DashboardApi api, Json json, int maxStreams) {
        this.api = api;
        this.json = json;
        this.maxStreams = maxStreams;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard-events");
            t.setDaemon(true);
            return t;
        });
    }

    /** The live-update connections open now (a metric). */
    int open() {
        return liveCount.get();
    }

    /** Starts the ticker; {@code isLive} says whether a client's session still holds. */
    void start(Predicate<Sessions.Session> isLive) {
        ticker.scheduleWithFixedDelay(() -> tick(isLive), EVENT_INTERVAL_MS, EVENT_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Before-handler of {@code /api/events} (after the login check): refuses a stream over the cap. */
    void checkCapacity(Context ctx) {
        if (liveCount.get() >= maxStreams) {
            throw new HttpError(503, "too many live-update connections", "at most " + maxStreams
                    + " at a time; close another dashboard tab", Map.of("Retry-After", "10"));
        }
    }

    /** The SSE handler. */
    void open(SseClient client) {
        Sessions.Session s = WebServer.session(client.ctx());
        if (liveCount.incrementAndGet() > maxStreams) {
            liveCount.decrementAndGet();
            client.sendEvent("error", "{\"error\":\"too many live-update connections\"}");
            client.close();
            return;
        }
        LiveClient lc = new LiveClient(client, s);
        client.onClose(() -> {
            if (live.remove(lc)) {
                liveCount.decrementAndGet();
            }
        });
        live.add(lc);
        client.keepAlive();
        client.sendComment("connected");
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (LiveClient c : live) {
            c.client().close();
        }
    }

    /** Every {@link #EVENT_INTERVAL_MS}: one "update" event to every live client (summary + changed sites). */
    private void tick(Predicate<Sessions.Session> isLive) {
        try {
            if (live.isEmpty()) {
                lastSent = null;
                return;
            }
            String payload;
            ClusterQuery q = api.query();
            if (q == null) {
                payload = json.text(Json.error("not ready", "Kafka Streams is not attached yet"));
            } else {
                try {
                    payload = json.text(update(q));
                } catch (ClusterQuery.Unavailable e) {
                    payload = json.text(Json.error("not ready", e.getMessage()));
                }
            }
            for (LiveClient c : live) {
                if (!isLive.test(c.session())) {
                    c.client().sendEvent("logout", "{}");
                    c.client().close();
                } else {
                    c.client().sendEvent("update", payload);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("dashboard: live update failed", e);
        }
    }

    private Map<String, Object> update(ClusterQuery q) {
        ClusterQuery.Gathered<SiteSnapshot> sites = q.sites();
        ClusterQuery.Gathered<Alarm> alarms = q.alarms();
        Map<String, SiteSnapshot> now = new HashMap<>();
        sites.items().forEach(x -> now.put(x.site(), x));
        Map<String, Object> body = api.summaryBody(sites, alarms);
        body.put("changed", lastSent == null ? ApiViews.sortedSites(sites.items(), null)
                : ApiViews.changed(lastSent, sites.items()));
        List<String> removed = new ArrayList<>();
        if (lastSent != null) {
            lastSent.keySet().stream().filter(k -> !now.containsKey(k)).sorted().forEach(removed::add);
        }
        body.put("removed", removed);
        lastSent = now;
        return body;
    }
}
