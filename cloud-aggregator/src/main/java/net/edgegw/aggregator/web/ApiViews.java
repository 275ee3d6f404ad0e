package net.edgegw.aggregator.web;

import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.GatewayInfo;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The shapes of the JSON API, computed from the merged store contents: pure functions, no I/O. Thread-safe
 * (stateless).
 */
final class ApiViews {

    private ApiViews() {
    }

    /** {@code GET /api/summary}. */
    record Summary(int sites, Map<SiteState, Integer> byState, int activeIncidents, int activeAlarms,
                   Map<String, Integer> activeAlarmsBySeverity, int gateways, double ratePerSec, long records,
                   long backlogRecords, long droppedTotal, Map<String, Integer> gatewayVersions) {
    }

    /** One gateway row of {@code GET /api/fleet}. */
    record FleetRow(String site, SiteState siteState, String region, String gateway, String version,
                    Instant lastSeen, long uptimeSeconds, String configHash, long backlogRecords, long backlogBytes,
                    long oldestUnsentAgeMs, double drainRatePerSec, long droppedTotal, String uplinkState) {
    }

    /** A site affected by an incident, with its current state. */
    record AffectedSite(String site, SiteState state, String region) {
    }

    /** {@code GET /api/incidents}: an incident alarm, its suspected root cause, affected sites and linked alarms. */
    record Incident(Alarm incident, String suspectedUpstream, String region, List<AffectedSite> affectedSites,
                    List<Alarm> linked) {
    }

    /** {@code GET /api/sites/{site}}: the snapshot and its alarms. */
    record SiteDetail(SiteSnapshot site, List<Alarm> activeAlarms, List<Alarm> recentlyCleared) {
    }

    static Summary summary(List<SiteSnapshot> sites, List<Alarm> alarms) {
        Map<SiteState, Integer> byState = new EnumMap<>(SiteState.class);
        for (SiteState s : SiteState.values()) {
            byState.put(s, 0);
        }
        int gateways = 0;
        double rate = 0;
        long records = 0;
        long backlog = 0;
        long dropped = 0;
        Map<String, Integer> versions = new TreeMap<>();
        for (SiteSnapshot s : sites) {
            byState.merge(s.state(), 1, Integer::sum);
            gateways += s.gateways().size();
            rate += s.ratePerSec();
            records += s.records();
            backlog += s.backlogRecords();
            dropped += s.droppedTotal();
            for (GatewayInfo g : s.gateways().values()) {
                versions.merge(g.version() == null ? "unknown" : g.version(), 1, Integer::sum);
            }
        }
        int incidents = 0;
        int active = 0;
        Map<String, Integer> bySeverity = new LinkedHashMap<>();
        for (String c : List.of("critical", "major", "minor", "warning")) {
            bySeverity.put(c, 0);
        }
        for (Alarm a : alarms) {
            if (!a.active()) {
                continue;
            }
            active++;
            if (a.kind() == Alarm.Kind.INCIDENT) {
                incidents++;
            }
            bySeverity.merge(severityClass(a.severity()), 1, Integer::sum);
        }
        return new Summary(sites.size(), byState, incidents, active, bySeverity, gateways, round(rate), records,
                backlog, dropped, versions);
    }

    /** Syslog severities grouped as operators say them: 0-2 critical, 3 major, 4 minor, 5-7 warning. */
    static String severityClass(int severity) {
        return severity <= 2 ? "critical" : severity == 3 ? "major" : severity == 4 ? "minor" : "warning";
    }

    static List<SiteSnapshot> sortedSites(List<SiteSnapshot> sites, SiteState state) {
        return sites.stream().filter(s -> state == null || s.state() == state)
                .sorted(Comparator.comparing(SiteSnapshot::site)).toList();
    }

    /** Active first, then most severe, incidents before the alarms they group, then newest. */
    static List<Alarm> sortedAlarms(List<Alarm> alarms, Boolean active, Alarm.Kind kind, String site) {
        return alarms.stream()
                .filter(a -> active == null || a.active() == active)
                .filter(a -> kind == null || a.kind() == kind)
                .filter(a -> site == null || concerns(a, site))
                .sorted(Comparator.comparing((Alarm a) -> !a.active()).thenComparingInt(Alarm::severity)
                        .thenComparing(a -> a.kind() != Alarm.Kind.INCIDENT)
                        .thenComparing(Alarm::updatedAt, Comparator.reverseOrder()).thenComparing(Alarm::id))
                .toList();
    }

    static boolean concerns(Alarm a, String site) {
        return site.equals(a.scope().site()) || a.sites().contains(site);
    }

    static List<FleetRow> fleet(List<SiteSnapshot> sites) {
        List<FleetRow> rows = new ArrayList<>();
        for (SiteSnapshot s : sites) {
            for (GatewayInfo g : s.gateways().values()) {
                rows.add(new FleetRow(s.site(), s.state(), s.region(), g.gateway(), g.version(), g.lastSeen(),
                        g.uptimeSeconds(), g.configHash(), g.backlogRecords(), g.backlogBytes(), g.oldestUnsentAgeMs(),
                        g.drainRatePerSec(), g.droppedTotal(), g.uplinkState()));
            }
        }
        rows.sort(Comparator.comparing(FleetRow::site).thenComparing(FleetRow::gateway,
                Comparator.nullsFirst(Comparator.naturalOrder())));
        return rows;
    }

    static List<Incident> incidents(List<Alarm> alarms, List<SiteSnapshot> sites, boolean activeOnly) {
        Map<String, SiteSnapshot> bySite = new HashMap<>();
        sites.forEach(s -> bySite.put(s.site(), s));
        Map<String, List<Alarm>> linked = new HashMap<>();
        for (Alarm a : alarms) {
            if (a.incidentId() != null) {
                linked.computeIfAbsent(a.incidentId(), k -> new ArrayList<>()).add(a);
            }
        }
        List<Incident> out = new ArrayList<>();
        for (Alarm a : sortedAlarms(alarms, activeOnly ? Boolean.TRUE : null, Alarm.Kind.INCIDENT, null)) {
            List<AffectedSite> affected = new ArrayList<>();
            for (String site : a.sites()) {
                SiteSnapshot s = bySite.get(site);
                affected.add(new AffectedSite(site, s == null ? null : s.state(), s == null ? null : s.region()));
            }
            List<Alarm> mine = sortedAlarms(linked.getOrDefault(a.id(), List.of()), null, null, null);
            out.add(new Incident(a, a.scope().upstream(), a.scope().region(), affected, mine));
        }
        return out;
    }

    static SiteDetail siteDetail(SiteSnapshot site, List<Alarm> alarms) {
        List<Alarm> mine = sortedAlarms(alarms, null, null, site.site());
        return new SiteDetail(site, mine.stream().filter(Alarm::active).toList(),
                mine.stream().filter(a -> !a.active()).toList());
    }

    /** Sites whose snapshot differs from the previous one sent (by {@code updatedAt} and state). */
    static List<SiteSnapshot> changed(Map<String, SiteSnapshot> previous, List<SiteSnapshot> now) {
        List<SiteSnapshot> out = new ArrayList<>();
        for (SiteSnapshot s : now) {
            SiteSnapshot p = previous.get(s.site());
            if (p == null || p.state() != s.state() || !Objects.equals(p.updatedAt(), s.updatedAt())) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing(SiteSnapshot::site));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10.0) / 10.0;
    }
}
