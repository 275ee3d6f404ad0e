package net.edgegw.aggregator.rules;

/**
 * The memory of one threshold or window rule instance (one rule, one device or site, one key): a mutable value
 * stored as JSON in the aggregator's rule-state store. Not thread-safe (owned by one stream task).
 */
public final class RuleInstance {
    /** threshold: receivedAt (ms) of the first sample of the current breach, or -1 when inside the bounds. */
    public long breachSince = -1;
    /** threshold: receivedAt (ms) of the first sample back inside while the condition is active, or -1. */
    public long okSince = -1;
    /** threshold: whether the condition is raised. */
    public boolean active;
    /** threshold: the last sample. */
    public double lastValue;
    /** window: receivedAt (ms) of the most recent matches, oldest first, at most {@code window.count}. */
    public long[] times = new long[0];
    /** wall-clock ms of the last update, for purging idle instances. */
    public long touchedWall;
}
