package net.edgegw.aggregator.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The current health of one site, as published on the compacted {@code health.sites} topic (contract: key = site,
 * value = this record as JSON) and as served by the dashboard API. Immutable.
 *
 * @param site            site id
 * @param state           UP, DEGRADED, UNREACHABLE, CATCHING_UP, or UNKNOWN before the first heartbeat
 * @param stateSince      when the site entered {@code state}
 * @param region          from the topology, or null
 * @param upstream        from the topology, or null
 * @param tags            from the topology
 * @param gateways        gateway id -> its latest heartbeat facts
 * @param records         unique telemetry records counted (after dedupe)
 * @param duplicates      records dropped as duplicates of an id already seen
 * @param ratePerSec      unique records per second over the last minute
 * @param severities      counts per syslog severity: index 0..7, index 8 = unknown
 * @param bySource        unique records per source ({@code syslog}, {@code mqtt}, {@code tcp})
 * @param backlogRecords  sum of the gateways' backlog records
 * @param drainRatePerSec sum of the gateways' drain rates
 * @param catchUpEtaSeconds backlog / drain rate while CATCHING_UP, else null
 * @param droppedTotal    sum of the gateways' dropped totals (loss at the edge)
 * @param activeAlarms    ids of the site's and its devices' active alarms
 * @param lastRecordAt    receivedAt of the newest record, or null
 * @param lastHeartbeatAt newest heartbeat of any gateway, or null
 * @param history         per-minute buckets, oldest first, at most 60
 * @param updatedAt       when this snapshot was produced
 */
public record SiteSnapshot(String site, SiteState state, Instant stateSince, String region, String upstream,
                           Map<String, String> tags, Map<String, GatewayInfo> gateways, long records,
                           long duplicates, double ratePerSec, long[] severities, Map<String, Long> bySource,
                           long backlogRecords, double drainRatePerSec, Long catchUpEtaSeconds, long droppedTotal,
                           List<String> activeAlarms, Instant lastRecordAt, Instant lastHeartbeatAt,
                           List<MinuteBucket> history, Instant updatedAt) {

    public enum SiteState { UNKNOWN, UP, DEGRADED, CATCHING_UP, UNREACHABLE }

    /**
     * Facts from a gateway's latest heartbeat ({@code edge.heartbeats}, docs/heartbeat.md).
     */
    public record GatewayInfo(String gateway, String version, Instant startedAt, Instant lastSeen, long uptimeSeconds,
                              String configHash, long backlogRecords, long backlogBytes, long oldestUnsentAgeMs,
                              double drainRatePerSec, long droppedTotal, String uplinkState) {
    }

    /** One minute of a site's traffic: unique records, of which errors (severity <= 3), and backlog at its end. */
    public record MinuteBucket(Instant minute, long records, long errors, long backlogRecords) {
    }

    public SiteSnapshot {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(state, "state");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        gateways = gateways == null ? Map.of() : Map.copyOf(gateways);
        severities = severities == null ? new long[9] : severities.clone();
        bySource = bySource == null ? Map.of() : Map.copyOf(bySource);
        activeAlarms = activeAlarms == null ? List.of() : List.copyOf(activeAlarms);
        history = history == null ? List.of() : List.copyOf(history);
    }

    @Override
    public long[] severities() {
        return severities.clone();
    }
}
