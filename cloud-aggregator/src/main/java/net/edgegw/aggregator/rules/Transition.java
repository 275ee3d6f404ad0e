package net.edgegw.aggregator.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import net.edgegw.aggregator.config.AggregatorConfig.RuleScope;

/**
 * A rule's verdict on one record: a condition is (still) raised, or cleared. Raising an active condition again
 * only refreshes its evidence; the site layer turns transitions into alarms with hysteresis. Immutable (nothing
 * modifies the evidence node after creation); used by one stream task thread.
 *
 * @param conditionKey  {@code r:<rule>|<host>|<key>} (host and key empty when not applicable)
 * @param prefix        for a clear only: {@code conditionKey} is a prefix and clears every instance under it (a
 *                      clear record that does not name the key group clears all keys of the device)
 * @param rule          rule name
 * @param signal        the rule's signal type
 * @param severity      the rule's severity
 * @param scope         device or site
 * @param host          the device for DEVICE scope, else null
 * @param key           the key group's value, or null
 * @param raise         true: raised (or still raised); false: cleared
 * @param at            event time (receivedAt, epoch ms) at which the condition started or ended
 * @param evidence      facts for the alarm
 * @param windowClearAt for window rules: the event time at which the window stops holding {@code count} matches
 *                      unless more arrive; else null
 * @param summary       one line for humans
 */
public record Transition(String conditionKey, boolean prefix, String rule, String signal, int severity,
                         RuleScope scope, String host, String key, boolean raise, long at, ObjectNode evidence,
                         Long windowClearAt, String summary) {
}
