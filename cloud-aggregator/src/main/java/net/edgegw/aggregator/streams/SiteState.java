package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.model.SiteSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the aggregator keeps about one site (stored as JSON in the site-state store, key = site). Bounded:
 * at most {@link SiteHealth#MAX_GATEWAYS} gateways, {@link SiteHealth#MAX_CONDITIONS} open alarms, 60 minute
 * buckets. Mutable; not thread-safe (owned by one stream task).
 */
final class SiteState {
    public String site;
    public SiteSnapshot.SiteState state = SiteSnapshot.SiteState.UNKNOWN;
    public long stateSince;
    public Map<String, SiteSnapshot.GatewayInfo> gateways = new TreeMap<>();
    /** gateway -> sentAt (epoch ms) of its newest heartbeat, to ignore stale and repeated heartbeats. */
    public Map<String, Long> gatewaySentAt = new TreeMap<>();
    /** gateways whose latest heartbeat showed new drops. */
    public Set<String> lossGateways = new TreeSet<>();
    /** wall-clock ms of the newest heartbeat of any gateway, or -1. */
    public long lastHeardWall = -1;
    /** wall-clock ms heartbeats resumed while UNREACHABLE, or -1. */
    public long recoverSince = -1;
    public long records;
    public long duplicates;
    public long[] severities = new long[9];
    public Map<String, Long> bySource = new TreeMap<>();
    /** newest receivedAt (epoch ms), or -1. */
    public long lastRecordAt = -1;
    /** wall-clock ms at which {@link #lastRecordAt} was seen. */
    public long lastEventWall = -1;
    /** per-minute buckets, oldest first: {minute start (wall ms), records, errors, backlog records}. */
    public List<long[]> buckets = new ArrayList<>();
    /** the minute (start, wall ms) whose bucket holds a heartbeat's backlog peak that later heartbeats of that minute
     * must not lower, or -1; and that peak. */
    public long peakMinute = -1;
    public long peakRecords;
    /** condition key -> open alarm. */
    public Map<String, Condition> conditions = new TreeMap<>();
    /** wall-clock ms of the last published snapshot, or -1. */
    public long lastPublishedWall = -1;
    /** counters changed since the last published snapshot. */
    public boolean dirty;
}
