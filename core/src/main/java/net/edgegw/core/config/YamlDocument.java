package net.edgegw.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree, remembering the line of every key and value so that validation
 * messages can name the line ({@code inputs[0].bind (line 7)}). Duplicate keys are errors.
 */
public final class YamlDocument {

    private static final YAMLFactory YAML = new YAMLFactory();

    private final JsonNode root;
    private final Map<String, Integer> lines;

    private YamlDocument(JsonNode root, Map<String, Integer> lines) {
        this.root = root;
        this.lines = lines;
    }

    public JsonNode root() {
        return root;
    }

    /** The 1-based line of a path such as {@code inputs[0].bind}, or of its nearest ancestor, or 0. */
    public int line(String path) {
        String p = path;
        while (true) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return lines.getOrDefault("", 0);
            }
            p = p.substring(0, cut);
        }
    }

    /** Parses YAML text; throws {@link ConfigException} with the line of a syntax error. */
    public static YamlDocument parse(String text) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new YamlDocument(f.objectNode(), lines);
            }
            JsonNode root = read(p, t, "", lines, f);
            if (p.nextToken() != null) {
                throw new ConfigException(java.util.List.of(new ConfigError("", line(p.currentLocation()),
                        "the file holds more than one YAML document")));
            }
            return new YamlDocument(root, lines);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new ConfigException(java.util.List.of(new ConfigError("", loc == null ? 0 : loc.getLineNr(),
                    "not valid YAML: " + problem(e))));
        } catch (IOException e) {
            throw new ConfigException(java.util.List.of(new ConfigError("", 0, "cannot read YAML: " + e.getMessage())));
        }
    }

    /**
     * The syntax problem without the text around it: SnakeYAML's message quotes the offending line, which may hold a
     * password (the error goes to logs, events and the web API).
     */
    static String problem(JsonProcessingException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
                String problem = m.getProblem() == null ? "syntax error" : m.getProblem();
                String column = m.getProblemMark() == null ? "" : " at column " + (m.getProblemMark().getColumn() + 1);
                return (m.getContext() == null ? "" : m.getContext() + ": ") + problem + column;
            }
        }
        String msg = e.getOriginalMessage() == null ? "syntax error" : e.getOriginalMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    private static JsonNode read(JsonParser p, JsonToken t, String path, Map<String, Integer> lines, JsonNodeFactory f)
            throws IOException {
        lines.putIfAbsent(path, line(p.currentTokenLocation()));
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                Deque<String> seen = new ArrayDeque<>();
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = path.isEmpty() ? name : path + "." + name;
                    int keyLine = line(p.currentTokenLocation());
                    if (o.has(name)) {
                        throw new ConfigException(java.util.List.of(new ConfigError(child, keyLine,
                                "duplicate key '" + name + "'")));
                    }
                    seen.push(name);
                    lines.put(child, keyLine);
                    o.set(name, read(p, p.nextToken(), child, lines, f));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                int i = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    a.add(read(p, t, path + "[" + i + "]", lines, f));
                    i++;
                }
                return a;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return f.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return f.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return f.booleanNode(false);
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default -> throw new IOException("unexpected YAML token " + t);
        }
    }

    private static int line(JsonLocation loc) {
        return loc == null ? 0 : loc.getLineNr();
    }
}
