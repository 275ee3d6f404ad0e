package net.edgegw.aggregator.streams;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.aggregator.model.Alarm;

/**
 * One open alarm of a site, as the site processor tracks it (a field of {@link SiteState}, stored as JSON): raised,
 * possibly clear-pending (hysteresis), closed by a CLEARED. Mutable; not thread-safe (owned by one stream task).
 */
final class Condition {
    public String alarmId;
    public String type;
    public String rule;
    public Alarm.Kind kind;
    public int severity;
    public String host;
    public String key;
    /** epoch ms the condition started (event time for rules, wall clock for heartbeat signals). */
    public long raisedAt;
    /** the condition holds now; false while clear-pending. */
    public boolean active = true;
    /** wall-clock ms the condition last cleared (clear-pending since), or -1. */
    public long clearSinceWall = -1;
    /** epoch ms at which it last cleared, or -1. */
    public long clearedAt = -1;
    public int flaps;
    /** wall-clock ms of the last UPDATED published for a flap, or -1. */
    public long lastFlapEmitWall = -1;
    /** window rules: event time at which the window stops holding enough matches, or null. */
    public Long windowClearAt;
    public String summary;
    public JsonNode evidence;
    /** topology at raise time: every version of the alarm goes to the same upstream. */
    public String upstream;
    public String region;
}
