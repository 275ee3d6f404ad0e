package net.edgegw.aggregator.rules;

/**
 * Where the {@link RuleEngine} keeps {@link RuleInstance}s of one site; implemented over a state store.
 * Implementations need not be thread-safe: one stream task uses one at a time.
 */
public interface InstanceStates {

    /** The instance under {@code key} ({@code <rule>|<host>|<key>}), or null. */
    RuleInstance get(String key);

    /** Stores {@code value} under {@code key}. */
    void put(String key, RuleInstance value);
}
