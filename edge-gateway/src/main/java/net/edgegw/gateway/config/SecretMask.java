package net.edgegw.gateway.config;

import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import net.edgegw.core.security.Secrets;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Secrets in the config text are write-only (SPEC 7): {@link #mask} replaces each secret value with {@link #MASK}
 * keeping every other character (comments, order, line numbers) as written; {@link #unmask} puts the current values
 * back where an edited text still holds the mask, so a technician can change the config without ever seeing or
 * retyping a password. Secret values: {@code password} anywhere (MQTT inputs) and every {@code uplink.properties}
 * key that {@link Secrets#isSensitive} names (SASL JAAS config, key and trust store passwords...). Stateless and
 * thread-safe.
 */
public final class SecretMask {

    /** What a secret value reads as in the API, the pages and the history. */
    public static final String MASK = "********";

    private SecretMask() {
    }

    /** A secret scalar: its path (e.g. {@code inputs[sensors].password}: a named list item by its name), its text range and its value. */
    record Secret(String path, int start, int end, String value) {
    }

    /** The text with every secret value replaced by {@code "********"}; text that is not YAML is not shown at all. */
    public static String mask(String text) {
        List<Secret> secrets;
        try {
            secrets = secrets(text);
        } catch (YAMLException e) {
            // not parseable, so its secrets cannot be located: show nothing rather than risk one
            return "# this text is not valid YAML and is not shown: it may hold secrets\n";
        }
        StringBuilder out = new StringBuilder(text);
        for (int i = secrets.size() - 1; i >= 0; i--) {
            Secret s = secrets.get(i);
            out.replace(s.start(), s.end(), '"' + MASK + '"');
        }
        return out.toString();
    }

    /** The paths of the secret values in {@code text}, in document order. */
    public static List<String> paths(String text) {
        try {
            return secrets(text).stream().map(Secret::path).toList();
        } catch (YAMLException e) {
            return List.of();
        }
    }

    /**
     * {@code edited} with each secret that still reads {@link #MASK} replaced by the value at the same path in
     * {@code current}, as written there (quoting included).
     *
     * @throws ConfigException naming the key and line of a masked secret that {@code current} does not have
     */
    public static String unmask(String edited, String current) {
        List<Secret> masked;
        Map<String, String> editedValues = new LinkedHashMap<>();
        try {
            masked = read(edited, editedValues).stream().filter(s -> MASK.equals(s.value())).toList();
        } catch (YAMLException e) {
            return edited; // the loader reports the syntax error with its line
        }
        if (masked.isEmpty()) {
            return edited;
        }
        Map<String, Secret> known = new LinkedHashMap<>();
        Map<String, String> currentValues = new LinkedHashMap<>();
        try {
            for (Secret s : read(current, currentValues)) {
                known.put(s.path(), s);
            }
        } catch (YAMLException e) {
            // the current file no longer parses: nothing to take a value from
        }
        StringBuilder out = new StringBuilder(edited);
        List<ConfigError> errors = new ArrayList<>();
        for (int i = masked.size() - 1; i >= 0; i--) {
            Secret s = masked.get(i);
            Secret was = known.get(s.path());
            String moved = was == null ? null : movedEndpoint(s.path(), editedValues, currentValues);
            if (was == null || MASK.equals(was.value())) {
                errors.add(0, new ConfigError(s.path(), line(edited, s.start()),
                        "is masked but no current value exists at this key: enter the value"));
            } else if (moved != null) {
                errors.add(0, new ConfigError(s.path(), line(edited, s.start()), "is masked but " + moved
                        + " changed: enter the value again (a kept secret is only ever sent where it went before)"));
            } else {
                out.replace(s.start(), s.end(), current.substring(was.start(), was.end()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return out.toString();
    }

    static List<Secret> secrets(String text) {
        return read(text, new LinkedHashMap<>());
    }

    /** The secrets of {@code text}; every other scalar goes into {@code values} by its path. */
    private static List<Secret> read(String text, Map<String, String> values) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true);
        Node root = new Yaml(options).compose(new StringReader(text));
        List<Secret> out = new ArrayList<>();
        if (root != null) {
            walk(root, "", text, out, values);
        }
        out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return out;
    }

    private static void walk(Node node, String path, String text, List<Secret> out, Map<String, String> values) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    continue;
                }
                String key = k.getValue();
                String child = path.isEmpty() ? key : path + "." + key;
                Node v = t.getValueNode();
                if (v instanceof ScalarNode s && isSecret(path, key)) {
                    int start = s.getStartMark().getIndex();
                    int end = s.getEndMark().getIndex();
                    while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
                        end--; // a block scalar's range ends after its line break: keep the line break
                    }
                    out.add(new Secret(child, start, end, s.getValue()));
                } else if (v instanceof ScalarNode s) {
                    values.put(child, s.getValue());
                } else {
                    walk(v, child, text, out, values);
                }
            }
        } else if (node instanceof SequenceNode seq) {
            List<Node> items = seq.getValue();
            for (int i = 0; i < items.size(); i++) {
                // a named item (an input) is known by its name, so that reordering the list keeps its secrets
                walk(items.get(i), path + "[" + nameOf(items.get(i)).orElse(String.valueOf(i)) + "]", text, out,
                        values);
            }
        }
    }

    private static java.util.Optional<String> nameOf(Node item) {
        if (item instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("name")
                        && t.getValueNode() instanceof ScalarNode v) {
                    return java.util.Optional.of(v.getValue());
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** Settings that decide where a secret is sent; a masked secret keeps its value only if none of them changed. */
    static final List<String> UPLINK_ENDPOINT = List.of("uplink.bootstrapServers", "uplink.properties.security.protocol",
            "uplink.properties.sasl.mechanism", "uplink.properties.ssl.truststore.location",
            "uplink.properties.ssl.endpoint.identification.algorithm", "uplink.properties.sasl.oauthbearer.token.endpoint.url");

    /** The first setting that decides where the secret at {@code path} goes and differs, or null. */
    private static String movedEndpoint(String path, Map<String, String> edited, Map<String, String> current) {
        List<String> keys;
        if (path.startsWith("uplink.properties.")) {
            keys = UPLINK_ENDPOINT;
        } else {
            String parent = path.substring(0, Math.max(path.lastIndexOf('.'), 0));
            keys = List.of(parent + ".type", parent + ".broker", parent + ".username");
        }
        for (String k : keys) {
            if (!java.util.Objects.equals(edited.get(k), current.get(k))) {
                return k;
            }
        }
        return null;
    }

    static boolean isSecret(String parentPath, String key) {
        return key.equals("password") || parentPath.equals("uplink.properties") && Secrets.isSensitive(key);
    }

    private static int line(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
