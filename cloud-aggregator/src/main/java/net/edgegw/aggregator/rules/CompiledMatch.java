package net.edgegw.aggregator.rules;

import net.edgegw.aggregator.config.AggregatorConfig.Match;
import net.edgegw.core.Envelope;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@link Match} compiled once: regexes, the MQTT topic filter and the names of the message's named groups.
 * Immutable and thread-safe.
 */
final class CompiledMatch {

    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    private final String source;
    private final String input;
    private final Pattern host;
    private final String[] topicFilter;
    private final Pattern message;
    private final List<String> groupNames;
    private final Integer severityAtMost;
    private final Map<String, Pattern> attributes;

    private CompiledMatch(Match m, String where) {
        this.source = m.source();
        this.input = m.input();
        this.host = compile(m.host(), where + ".host");
        this.topicFilter = m.topic() == null ? null : m.topic().split("/", -1);
        this.message = compile(m.message(), where + ".message");
        List<String> names = new ArrayList<>();
        if (m.message() != null) {
            Matcher g = GROUP_NAME.matcher(m.message());
            while (g.find()) {
                names.add(g.group(1));
            }
        }
        this.groupNames = List.copyOf(names);
        this.severityAtMost = m.severityAtMost();
        Map<String, Pattern> attrs = new LinkedHashMap<>();
        m.attributes().forEach((k, v) -> attrs.put(k, compile(v, where + ".attributes." + k)));
        this.attributes = Map.copyOf(attrs);
    }

    /** Compiles {@code m}; {@code where} names it in error messages (e.g. {@code rules[link-down].match}). */
    static CompiledMatch of(Match m, String where) {
        return m == null ? null : new CompiledMatch(m, where);
    }

    List<String> groupNames() {
        return groupNames;
    }

    /**
     * Whether {@code e} matches every part. Returns null when it does not, else the named groups of the message
     * regex that took part in the match (possibly empty).
     */
    Map<String, String> apply(Envelope e) {
        if (source != null && !source.equals(e.source().wireName())) {
            return null;
        }
        if (input != null && !input.equals(e.input())) {
            return null;
        }
        if (host != null && !host.matcher(e.host()).find()) {
            return null;
        }
        if (topicFilter != null && (e.mqtt() == null || !topicMatches(topicFilter, e.mqtt().topic()))) {
            return null;
        }
        if (severityAtMost != null && (e.severity() == null || e.severity() > severityAtMost)) {
            return null;
        }
        for (Map.Entry<String, Pattern> a : attributes.entrySet()) {
            String v = e.attributes().get(a.getKey());
            if (v == null || !a.getValue().matcher(v).find()) {
                return null;
            }
        }
        if (message == null) {
            return Map.of();
        }
        if (e.message() == null) {
            return null;
        }
        Matcher mm = message.matcher(e.message());
        if (!mm.find()) {
            return null;
        }
        if (groupNames.isEmpty()) {
            return Map.of();
        }
        Map<String, String> groups = new LinkedHashMap<>();
        for (String n : groupNames) {
            String v = mm.group(n);
            if (v != null) {
                groups.put(n, v);
            }
        }
        return groups;
    }

    /** MQTT topic filter semantics: {@code +} one level, {@code #} (last) this level and everything below. */
    static boolean topicMatches(String[] filter, String topic) {
        String[] levels = topic.split("/", -1);
        for (int i = 0; i < filter.length; i++) {
            if (filter[i].equals("#")) {
                return true;
            }
            if (i >= levels.length) {
                return false;
            }
            if (!filter[i].equals("+") && !filter[i].equals(levels[i])) {
                return false;
            }
        }
        return filter.length == levels.length;
    }

    private static Pattern compile(String regex, String where) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException ex) {
            throw new IllegalArgumentException(where + ": not a regular expression: " + ex.getDescription(), ex);
        }
    }
}
