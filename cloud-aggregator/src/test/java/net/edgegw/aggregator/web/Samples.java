package net.edgegw.aggregator.web;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.GatewayInfo;
import net.edgegw.aggregator.model.SiteSnapshot.MinuteBucket;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Realistic site snapshots and alarms for the dashboard tests. */
final class Samples {

    static final String[] REGIONS = {"north", "south", "east", "west"};

    private Samples() {
    }

    static SiteSnapshot site(String site, SiteState state, Instant now) {
        int n = Math.abs(site.hashCode());
        String region = REGIONS[n % REGIONS.length];
        return site(site, state, now, region, "agg-" + region + "-" + (1 + n % 2));
    }

    static SiteSnapshot site(String site, SiteState state, Instant now, String region, String upstream) {
        int n = Math.abs(site.hashCode());
        long backlog = state == SiteState.CATCHING_UP ? 48_000 : state == SiteState.UNREACHABLE ? 12_500 : n % 40;
        List<MinuteBucket> history = new ArrayList<>();
        Instant minute = now.minus(Duration.ofMinutes(30)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        for (int i = 0; i < 30; i++) {
            double phase = (n % 17) / 3.0;
            long records = Math.round(720 + 140 * Math.sin(i / 4.5 + phase) + 35 * Math.sin(i * 1.7 + n));
            long errors = Math.max(0, Math.round(6 + 5 * Math.sin(i / 3.0 + phase) + 2 * Math.cos(i * 2.3)));
            long bl = state == SiteState.CATCHING_UP ? Math.max(0, 90_000 - i * 1_400L) : (n + i) % 50;
            history.add(new MinuteBucket(minute.plus(Duration.ofMinutes(i)), records, errors, bl));
        }
        String uplink = state == SiteState.UNREACHABLE ? "DOWN" : state == SiteState.CATCHING_UP ? "DRAINING" : "UP";
        Instant seen = state == SiteState.UNREACHABLE ? now.minus(Duration.ofMinutes(7)) : now.minusSeconds(3);
        GatewayInfo gw1 = new GatewayInfo("gw-1", n % 3 == 0 ? "0.9.4" : "1.0.0", now.minus(Duration.ofDays(3)), seen,
                259_200, "c0ffee" + n % 10, backlog, backlog * 310, backlog > 100 ? 95_000 : 0,
                state == SiteState.CATCHING_UP ? 850.0 : 0.0, n % 5 == 0 ? 42 : 0, uplink);
        Map<String, GatewayInfo> gws = n % 4 == 0
                ? Map.of("gw-1", gw1, "gw-2", new GatewayInfo("gw-2", "1.0.0", now.minus(Duration.ofDays(1)), seen,
                86_400, "c0ffee1", 0, 0, 0, 0.0, 0, uplink))
                : Map.of("gw-1", gw1);
        long[] sev = {0, 1, 3, 11 + n % 7, 40, 120, 900 + n % 100, 30, 5};
        return new SiteSnapshot(site, state, now.minus(Duration.ofMinutes(5 + n % 50)), region, upstream,
                Map.of("tier", n % 2 == 0 ? "gold" : "silver"), gws, 1_000_000 + n % 50_000, 120 + n % 30,
                12.5 + n % 10, sev, Map.of("syslog", 700_000L, "mqtt", 250_000L, "tcp", 50_000L), backlog,
                state == SiteState.CATCHING_UP ? 850.0 : 0.0, state == SiteState.CATCHING_UP ? 56L : null,
                gw1.droppedTotal(), List.of(), now.minusSeconds(2), seen, history, now);
    }

    static SiteSnapshot withAlarms(SiteSnapshot s, List<String> alarmIds) {
        return new SiteSnapshot(s.site(), s.state(), s.stateSince(), s.region(), s.upstream(), s.tags(), s.gateways(),
                s.records(), s.duplicates(), s.ratePerSec(), s.severities(), s.bySource(), s.backlogRecords(),
                s.drainRatePerSec(), s.catchUpEtaSeconds(), s.droppedTotal(), alarmIds, s.lastRecordAt(),
                s.lastHeartbeatAt(), s.history(), s.updatedAt());
    }

    static Alarm siteAlarm(String site, String type, int severity, Alarm.State state, Instant raisedAt,
                           Instant updatedAt, String incidentId) {
        int n = Math.abs(site.hashCode());
        String region = REGIONS[n % REGIONS.length];
        return new Alarm("site:" + site + ":" + type + ":" + raisedAt.toEpochMilli(), type, Alarm.Kind.SITE, severity,
                state, new Alarm.Scope(site, null, "agg-" + region + "-" + (1 + n % 2), region), raisedAt, updatedAt,
                state == Alarm.State.CLEARED ? updatedAt : null, site + " " + type.toLowerCase().replace('_', ' '),
                JsonNodeFactory.instance.objectNode().put("lastHeartbeat", raisedAt.minusSeconds(90).toString()),
                incidentId, List.of(site), 0);
    }

    static Alarm incident(String upstream, String region, List<String> sites, Instant raisedAt, Alarm.State state) {
        return new Alarm("upstream:" + upstream + ":UNREACHABLE:" + raisedAt.toEpochMilli(), "UNREACHABLE",
                Alarm.Kind.INCIDENT, 1, state, new Alarm.Scope(null, null, upstream, region), raisedAt, raisedAt,
                state == Alarm.State.CLEARED ? raisedAt : null,
                sites.size() + " sites behind " + upstream + " unreachable",
                JsonNodeFactory.instance.objectNode().put("sites", sites.size()), null, sites, 0);
    }
}
