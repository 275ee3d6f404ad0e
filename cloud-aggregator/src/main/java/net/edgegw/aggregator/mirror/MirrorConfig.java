package net.edgegw.aggregator.mirror;

import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and checks a MirrorMaker 2 properties file (packaging/src/config/mirror.properties) before MirrorMaker sees
 * it, so that the common mistakes fail with a clear message naming the key and line: {@code clusters} lists the
 * aliases, every alias has {@code <alias>.bootstrap.servers}, at least one {@code A->B.enabled = true} flow between
 * two listed aliases, flows name only listed aliases, and {@code A->B.topics} / {@code topics} are valid regex lists.
 * Everything else is left to MirrorMaker's own validation. Stateless.
 */
public final class MirrorConfig {

    static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9._-]+");
    static final Pattern FLOW = Pattern.compile("([^.>\\s]+)->([^.\\s]+)\\.(.+)");

    private MirrorConfig() {
    }

    /** Loads and checks {@code file}; returns the properties as MirrorMaker takes them. */
    public static Map<String, String> load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError("", 0, "cannot read " + file + ": " + e)));
        }
        return parse(text);
    }

    /** Parses and checks properties text. */
    public static Map<String, String> parse(String text) {
        Properties props = new Properties();
        try {
            props.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(List.of(new ConfigError("", 0, "not a valid properties file: " + e.getMessage())));
        }
        Map<String, String> map = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k).trim()));
        List<ConfigError> errors = new ArrayList<>();
        Lines lines = new Lines(text);

        Set<String> clusters = new LinkedHashSet<>();
        String list = map.get("clusters");
        if (list == null || list.isBlank()) {
            errors.add(new ConfigError("clusters", lines.of("clusters"),
                    "is required: the comma-separated cluster aliases, e.g. clusters = region-eu, central"));
        } else {
            for (String a : list.split(",")) {
                String alias = a.trim();
                if (!ALIAS.matcher(alias).matches()) {
                    errors.add(new ConfigError("clusters", lines.of("clusters"), "'" + alias
                            + "' is not a cluster alias (letters, digits, '.', '_', '-')"));
                } else if (!clusters.add(alias)) {
                    errors.add(new ConfigError("clusters", lines.of("clusters"), "alias '" + alias + "' is listed twice"));
                }
            }
            for (String alias : clusters) {
                String key = alias + ".bootstrap.servers";
                if (map.getOrDefault(key, "").isBlank()) {
                    errors.add(new ConfigError(key, lines.of("clusters"), "is required: cluster '" + alias
                            + "' is listed in clusters"));
                }
            }
        }
        int enabled = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            Matcher m = FLOW.matcher(e.getKey());
            if (!m.matches()) {
                if (e.getKey().equals("topics") || e.getKey().equals("topics.exclude")) {
                    checkRegexList(e.getKey(), e.getValue(), lines, errors);
                }
                continue;
            }
            String source = m.group(1);
            String target = m.group(2);
            String setting = m.group(3);
            if (!clusters.isEmpty()) {
                for (String alias : List.of(source, target)) {
                    if (!clusters.contains(alias)) {
                        errors.add(new ConfigError(e.getKey(), lines.of(e.getKey()), "unknown cluster alias '" + alias
                                + "' (clusters: " + String.join(", ", clusters) + ")"));
                    }
                }
            }
            if (source.equals(target)) {
                errors.add(new ConfigError(e.getKey(), lines.of(e.getKey()), "a flow needs two different clusters"));
            }
            if (setting.equals("enabled")) {
                if (!e.getValue().equalsIgnoreCase("true") && !e.getValue().equalsIgnoreCase("false")) {
                    errors.add(new ConfigError(e.getKey(), lines.of(e.getKey()), "must be true or false, got '"
                            + e.getValue() + "'"));
                } else if (e.getValue().equalsIgnoreCase("true")) {
                    enabled++;
                }
            } else if (setting.equals("topics") || setting.equals("topics.exclude")) {
                checkRegexList(e.getKey(), e.getValue(), lines, errors);
            }
        }
        if (enabled == 0) {
            errors.add(new ConfigError("", 0, "no replication flow is enabled: add a line such as "
                    + "'region-eu->central.enabled = true'"));
        }
        if (!errors.isEmpty()) {
            errors.sort((a, b) -> Integer.compare(a.line(), b.line()));
            throw new ConfigException(errors);
        }
        return Map.copyOf(map);
    }

    private static void checkRegexList(String key, String value, Lines lines, List<ConfigError> errors) {
        for (String part : value.split(",")) {
            try {
                Pattern.compile(part.trim());
            } catch (PatternSyntaxException ex) {
                errors.add(new ConfigError(key, lines.of(key), "'" + part.trim() + "' is not a valid regular "
                        + "expression: " + ex.getDescription()));
            }
        }
    }

    /** The enabled {@code source->target} flows of a checked configuration, sorted. */
    public static List<String> flows(Map<String, String> props) {
        List<String> out = new ArrayList<>();
        props.forEach((k, v) -> {
            Matcher m = FLOW.matcher(k);
            if (m.matches() && m.group(3).equals("enabled") && v.equalsIgnoreCase("true")) {
                out.add(m.group(1) + "->" + m.group(2));
            }
        });
        out.sort(null);
        return out;
    }

    /** First line on which a key is defined (best effort: continuation lines are not followed), or 0. */
    private static final class Lines {
        private final List<String> lines;

        Lines(String text) {
            this.lines = Arrays.asList(text.split("\r?\n", -1));
        }

        int of(String key) {
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).stripLeading();
                if (l.startsWith(key)) {
                    String rest = l.substring(key.length()).stripLeading();
                    if (rest.isEmpty() || rest.charAt(0) == '=' || rest.charAt(0) == ':') {
                        return i + 1;
                    }
                }
            }
            return 0;
        }
    }
}
