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

    /** The text with every secret value replaced by {@code "********"}; text that is not YAML is returned as is. */
    public static String mask(String text) {
        List<Secret> secrets;
        try {
            secrets = secrets(text);
        } catch (YAMLException e) {
            return text; // not parseable: it holds no value we could locate; the loader reports the error
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
        try {
            masked = secrets(edited).stream().filter(s -> MASK.equals(s.value())).toList();
        } catch (YAMLException e) {
            return edited; // the loader reports the syntax error with its line
        }
        if (masked.isEmpty()) {
            return edited;
        }
        Map<String, Secret> known = new LinkedHashMap<>();
        try {
            for (Secret s : secrets(current)) {
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
            if (was == null || MASK.equals(was.value())) {
                errors.add(0, new ConfigError(s.path(), line(edited, s.start()),
                        "is masked but no current value exists at this key: enter the value"));
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
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true);
        Node root = new Yaml(options).compose(new StringReader(text));
        List<Secret> out = new ArrayList<>();
        if (root != null) {
            walk(root, "", text, out);
        }
        out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return out;
    }

    private static void walk(Node node, String path, String text, List<Secret> out) {
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
                } else {
                    walk(v, child, text, out);
                }
            }
        } else if (node instanceof SequenceNode seq) {
            List<Node> items = seq.getValue();
            for (int i = 0; i < items.size(); i++) {
                // a named item (an input) is known by its name, so that reordering the list keeps its secrets
                walk(items.get(i), path + "[" + nameOf(items.get(i)).orElse(String.valueOf(i)) + "]", text, out);
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
