package net.edgegw.aggregator.config;

import net.edgegw.aggregator.config.AggregatorConfig.Match;
import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.RuleScope;
import net.edgegw.aggregator.config.AggregatorConfig.Threshold;
import net.edgegw.aggregator.config.AggregatorConfig.Window;
import net.edgegw.core.config.Fields;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code rules} list of the aggregator config: each rule is exactly one of event ({@code match} [+ {@code clear}]),
 * threshold ({@code match} + {@code threshold}) or window ({@code match} + {@code window}). Stateless.
 */
final class RuleParser {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final Pattern SIGNAL = Pattern.compile("[A-Z][A-Z0-9_]*");
    static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    static final List<String> SOURCES = List.of("syslog", "mqtt", "tcp");

    private RuleParser() {
    }

    static List<Rule> rules(Fields root) {
        List<Rule> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (Fields r : root.objects("rules")) {
            Rule rule = rule(r);
            if (rule == null) {
                continue;
            }
            String first = names.putIfAbsent(rule.name(), r.path());
            if (first != null) {
                r.error(r.child("name"), "duplicate rule name '" + rule.name() + "' (first used by " + first + ")");
            }
            out.add(rule);
        }
        return out;
    }

    private static Rule rule(Fields r) {
        String name = r.requiredString("name");
        if (name != null && !NAME.matcher(name).matches()) {
            r.error(r.child("name"), "'" + name + "' is not a valid rule name (letters, digits, '.', '_', '-'; up to 63)");
        }
        String signal = r.requiredString("signal");
        if (signal != null && !SIGNAL.matcher(signal).matches()) {
            r.error(r.child("signal"), "'" + signal + "' must match [A-Z][A-Z0-9_]* (e.g. LINK_DOWN)");
        }
        int severity = -1;
        if (!r.has("severity")) {
            r.error(r.child("severity"), "is required (0 emergency .. 7 debug)");
            r.integer("severity", 0, 0, 7);
        } else {
            severity = r.integer("severity", -1, 0, 7);
        }
        RuleScope scope = r.enumValue("scope", RuleScope.class, RuleScope.DEVICE);
        boolean hasMatch = r.has("match");
        if (!hasMatch) {
            r.error(r.child("match"), "is required: which records the rule looks at");
        }
        MatchResult match = match(r.object("match"));
        MatchResult clear = r.has("clear") ? match(r.object("clear")) : null;
        if (clear == null) {
            r.object("clear").finish();
        }
        Threshold threshold = r.has("threshold") ? threshold(r.object("threshold")) : null;
        Window window = r.has("window") ? window(r.object("window")) : null;
        if (threshold == null) {
            r.object("threshold").finish();
        }
        if (window == null) {
            r.object("window").finish();
        }
        String key = r.string("key", null);

        if (threshold != null && window != null) {
            r.error(r.child("window"), "a rule is one of event (match [+ clear]), threshold or window: this one "
                    + "has both threshold and window; split it into two rules");
        }
        if (clear != null && (threshold != null || window != null)) {
            r.error(r.child("clear"), "clear belongs to event rules only: a " + (threshold != null ? "threshold" : "window")
                    + " rule clears by itself when its condition ends");
        }
        if (hasMatch && threshold == null && window == null && match.empty) {
            r.error(r.child("match"), "an event rule needs at least one condition (source, input, host, topic, "
                    + "message, severityAtMost or attributes): an empty match fires on every record");
        }
        if (clear != null && clear.empty) {
            r.error(r.child("clear"), "needs at least one condition: an empty clear would clear on every record");
        }
        if (key != null) {
            String msg = match.value.message();
            if (msg == null) {
                r.error(r.child("key"), "key '" + key + "' names a group of match.message, but the rule has no "
                        + "match.message");
            } else if (match.messagePattern != null && !hasGroup(match.messagePattern, key)) {
                r.error(r.child("key"), "match.message has no named group '" + key + "' (write (?<" + key
                        + ">...) in the regex)");
            }
        }
        r.finish();
        if (name == null || signal == null || severity < 0 || scope == null) {
            return null;
        }
        return new Rule(name, signal, severity, scope, match.value, clear == null ? null : clear.value, threshold,
                window, key);
    }

    /** A parsed match with what validation needs besides the record. */
    private record MatchResult(Match value, boolean empty, Pattern messagePattern) {
    }

    private static MatchResult match(Fields m) {
        String source = m.string("source", null);
        if (source != null && !SOURCES.contains(source)) {
            m.error(m.child("source"), "must be one of syslog, mqtt, tcp, got '" + source + "'");
        }
        String input = m.string("input", null);
        String host = AggregatorConfigLoader.regex(m, "host", null);
        String topic = m.string("topic", null);
        if (topic != null) {
            String why = mqttFilterProblem(topic);
            if (why != null) {
                m.error(m.child("topic"), "'" + topic + "' is not an MQTT topic filter: " + why);
            }
        }
        String message = m.string("message", null);
        Pattern messagePattern = message == null ? null : AggregatorConfigLoader.compile(m, m.child("message"), message);
        Integer sev = m.has("severityAtMost") ? m.integer("severityAtMost", 7, 0, 7) : null;
        if (sev == null) {
            m.string("severityAtMost", null);
        }
        Map<String, String> attributes = m.stringMap("attributes");
        attributes.forEach((k, v) -> AggregatorConfigLoader.compile(m, m.child("attributes") + "." + k, v));
        m.finish();
        boolean empty = source == null && input == null && host == null && topic == null && message == null
                && sev == null && attributes.isEmpty();
        return new MatchResult(new Match(source, input, host, topic, message, sev, attributes), empty, messagePattern);
    }

    private static Threshold threshold(Fields t) {
        String field = t.requiredString("field");
        if (field != null && !FIELD.matcher(field).matches()) {
            t.error(t.child("field"), "'" + field + "' is not a dotted field path such as payload.temperature");
        }
        boolean hasAbove = t.has("above");
        if (hasAbove == t.has("below")) {
            t.error(t.path(), hasAbove ? "has both above and below: set exactly one"
                    : "needs exactly one of above or below");
        }
        Double above = number(t, "above");
        Double below = number(t, "below");
        Duration hold = t.duration("for", Duration.ZERO, Duration.ZERO);
        t.finish();
        return new Threshold(field, above, below, hold);
    }

    private static Double number(Fields t, String key) {
        if (!t.has(key)) {
            t.string(key, null);
            return null;
        }
        String v = t.string(key, null);
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        t.error(t.child(key), "must be a number, got '" + v + "'");
        return null;
    }

    private static Window window(Fields w) {
        if (!w.has("size")) {
            w.error(w.child("size"), "is required (e.g. 5m)");
        }
        if (!w.has("count")) {
            w.error(w.child("count"), "is required: matches within size that raise the signal");
        }
        Window win = new Window(w.duration("size", Duration.ofMinutes(1), Duration.ofSeconds(1)),
                w.integer("count", 1, 1, 1_000_000));
        w.finish();
        return win;
    }

    /** Whether {@code p} defines the named group {@code name} (Java 17 has no public API for this). */
    static boolean hasGroup(Pattern p, String name) {
        // the empty alternative matches "", so group(name) answers null for a known group and throws for an
        // unknown one; the newline ends a trailing (?x) comment
        Matcher m = Pattern.compile("(?:" + p.pattern() + "\n)|", p.flags()).matcher("");
        if (!m.find()) {
            return false;
        }
        try {
            m.group(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Why {@code f} is not a valid MQTT topic filter, or null. */
    static String mqttFilterProblem(String f) {
        if (f.isEmpty()) {
            return "it is empty";
        }
        String[] levels = f.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String l = levels[i];
            if (l.contains("#") && (!l.equals("#") || i != levels.length - 1)) {
                return "'#' must be a whole level and the last one";
            }
            if (l.contains("+") && !l.equals("+")) {
                return "'+' must be a whole level";
            }
        }
        return null;
    }
}
