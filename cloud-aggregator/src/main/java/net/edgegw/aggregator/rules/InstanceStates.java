package net.edgegw.aggregator.rules;

/** Where the {@link RuleEngine} keeps {@link RuleInstance}s of one site; implemented over a state store. */
public interface InstanceStates {

    /** The instance under {@code key} ({@code <rule>|<host>|<key>}), or null. */
    RuleInstance get(String key);

    /** Stores {@code value} under {@code key}. */
    void put(String key, RuleInstance value);
}
