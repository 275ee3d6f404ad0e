package net.edgegw.aggregator.web;

import io.javalin.http.Context;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;
import net.edgegw.web.HttpError;
import net.edgegw.web.Json;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The dashboard's data routes ({@code /api/summary}, {@code /api/sites[/{site}]}, {@code /api/alarms},
 * {@code /api/incidents}, {@code /api/fleet}): parameters checked, the cluster asked through {@link ClusterQuery},
 * the answer shaped by {@link ApiViews} inside the common page envelope ({@link #page}). Until
 * {@link #attach(ClusterQuery)} every route answers 503 ({@link ClusterQuery.Unavailable}). Thread-safe.
 */
final class DashboardApi {

    static final Pattern SITE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final Json json;
    private final Clock clock;
    private final Supplier<String> instance;
    private volatile ClusterQuery query;

    DashboardApi(Json json, Clock clock, Supplier<String> instance) {
        this.json = json;
        this.clock = clock;
        this.instance = instance;
    }

    void attach(ClusterQuery q) {
        this.query = q;
    }

    /** The cluster query, or {@code null} before {@link #attach}. */
    ClusterQuery query() {
        return query;
    }

    /** The cluster query, or {@link ClusterQuery.Unavailable} before {@link #attach}. */
    ClusterQuery q() {
        ClusterQuery q = query;
        if (q == null) {
            throw new ClusterQuery.Unavailable("Kafka Streams is not attached yet");
        }
        return q;
    }

    void summary(Context ctx) {
        ClusterQuery q = q();
        json.send(ctx, 200, summaryBody(q.sites(), q.alarms()));
    }

    /** The summary answer (also the core of a live update). */
    Map<String, Object> summaryBody(ClusterQuery.Gathered<SiteSnapshot> sites, ClusterQuery.Gathered<Alarm> alarms) {
        Map<String, Object> body = page(sites, alarms);
        body.put("summary", ApiViews.summary(sites.items(), alarms.items()));
        return body;
    }

    void sites(Context ctx) {
        SiteState state = enumParam(ctx, "state", SiteState.class);
        ClusterQuery.Gathered<SiteSnapshot> sites = q().sites();
        Map<String, Object> body = page(sites);
        body.put("sites", ApiViews.sortedSites(sites.items(), state));
        json.send(ctx, 200, body);
    }

    void site(Context ctx) {
        String id = siteParam(ctx);
        ClusterQuery q = q();
        ClusterQuery.Gathered<SiteSnapshot> found = q.site(id);
        if (found.items().isEmpty()) {
            if (!found.missing().isEmpty()) {
                ctx.header("Retry-After", "2");
                Map<String, Object> body = Json.error("site not available", "the instances holding site " + id
                        + " do not answer");
                body.put("missing", found.missing());
                json.send(ctx, 503, body);
                return;
            }
            throw new HttpError(404, "unknown site", id);
        }
        ClusterQuery.Gathered<Alarm> alarms = q.alarms();
        Map<String, Object> body = page(found, alarms);
        ApiViews.SiteDetail d = ApiViews.siteDetail(found.items().get(0), alarms.items());
        body.put("site", d.site());
        body.put("activeAlarms", d.activeAlarms());
        body.put("recentlyCleared", d.recentlyCleared());
        json.send(ctx, 200, body);
    }

    void alarms(Context ctx) {
        String active = ctx.queryParam("active");
        Boolean activeFilter = active == null || active.isEmpty() ? null : switch (active) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new HttpError(400, "bad parameter", "active must be true or false");
        };
        Alarm.Kind kind = enumParam(ctx, "kind", Alarm.Kind.class);
        String site = ctx.queryParam("site");
        if (site != null && !SITE_ID.matcher(site).matches()) {
            throw new HttpError(400, "bad parameter", "site");
        }
        ClusterQuery.Gathered<Alarm> alarms = q().alarms();
        Map<String, Object> body = page(alarms);
        body.put("alarms", ApiViews.sortedAlarms(alarms.items(), activeFilter, kind, site));
        json.send(ctx, 200, body);
    }

    void incidents(Context ctx) {
        boolean all = "false".equals(ctx.queryParam("active"));
        ClusterQuery q = q();
        ClusterQuery.Gathered<Alarm> alarms = q.alarms();
        ClusterQuery.Gathered<SiteSnapshot> sites = q.sites();
        Map<String, Object> body = page(alarms, sites);
        body.put("incidents", ApiViews.incidents(alarms.items(), sites.items(), !all));
        json.send(ctx, 200, body);
    }

    void fleet(Context ctx) {
        ClusterQuery.Gathered<SiteSnapshot> sites = q().sites();
        Map<String, Object> body = page(sites);
        body.put("gateways", ApiViews.fleet(sites.items()));
        json.send(ctx, 200, body);
    }

    /** The common part of every API answer: completeness, who is missing, when. */
    Map<String, Object> page(ClusterQuery.Gathered<?>... parts) {
        boolean partial = false;
        boolean rebalancing = false;
        Map<String, ClusterQuery.Missing> missing = new LinkedHashMap<>();
        int instances = 0;
        for (ClusterQuery.Gathered<?> g : parts) {
            partial |= g.partial();
            rebalancing |= g.rebalancing();
            g.missing().forEach(m -> missing.putIfAbsent(m.instance(), m));
            instances = Math.max(instances, g.instances());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partial", partial);
        body.put("missing", List.copyOf(missing.values()));
        body.put("rebalancing", rebalancing);
        body.put("instances", instances);
        body.put("answeredBy", instance.get());
        body.put("generatedAt", Instant.now(clock));
        return body;
    }

    static String siteParam(Context ctx) {
        String id = ctx.pathParam("site");
        if (!SITE_ID.matcher(id).matches()) {
            throw new HttpError(400, "bad site id", null);
        }
        return id;
    }

    private static <E extends Enum<E>> E enumParam(Context ctx, String name, Class<E> type) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "bad parameter", name + " must be one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }
}
