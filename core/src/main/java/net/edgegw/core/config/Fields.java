package net.edgegw.core.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the keys of one YAML mapping, converting and validating each, collecting every error with its key and line
 * instead of stopping at the first. {@link #finish()} reports keys nobody asked for (unknown keys are errors).
 */
public final class Fields {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final YamlDocument doc;
    private final String path;
    private final JsonNode node;
    private final List<ConfigError> errors;
    private final Set<String> used = new LinkedHashSet<>();

    public Fields(YamlDocument doc, String path, JsonNode node, List<ConfigError> errors) {
        this.doc = doc;
        this.path = path;
        this.node = node;
        this.errors = errors;
        if (node != null && !node.isObject()) {
            error(path, "must be a mapping of keys to values");
        }
    }

    public String path() {
        return path;
    }

    public String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public void error(String at, String message) {
        errors.add(new ConfigError(at, doc.line(at), message));
    }

    public boolean has(String key) {
        return node != null && node.isObject() && node.has(key) && !node.get(key).isNull();
    }

    private JsonNode raw(String key) {
        used.add(key);
        return has(key) ? node.get(key) : null;
    }

    public String string(String key, String def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!v.isValueNode()) {
            error(child(key), "must be a single value");
            return def;
        }
        return v.asText();
    }

    public String requiredString(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            if (!errorsMention(child(key))) {
                error(has(key) || node == null ? child(key) : child(key), "is required");
            }
            return null;
        }
        return v;
    }

    private boolean errorsMention(String at) {
        return errors.stream().anyMatch(e -> e.key().equals(at));
    }

    public String matching(String key, String def, Pattern pattern, String what) {
        String v = string(key, def);
        if (v != null && !pattern.matcher(v).matches()) {
            error(child(key), "'" + v + "' is not " + what);
        }
        return v;
    }

    public boolean bool(String key, boolean def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!v.isBoolean()) {
            error(child(key), "must be true or false, got '" + v.asText() + "'");
            return def;
        }
        return v.booleanValue();
    }

    public int integer(String key, int def, int min, int max) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!v.isIntegralNumber() || v.longValue() < min || v.longValue() > max) {
            error(child(key), "must be a whole number from " + min + " to " + max + ", got '" + v.asText() + "'");
            return def;
        }
        return v.intValue();
    }

    /** A byte size: a number of bytes or "64KiB", "512MB", "8GiB" (KB/MB/GB are taken as binary units too). */
    public long size(String key, long def, long min, long max) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        long bytes = -1;
        if (v.isIntegralNumber()) {
            bytes = v.longValue();
        } else if (v.isTextual()) {
            Matcher m = SIZE.matcher(v.asText().trim());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String u = m.group(2).toLowerCase(Locale.ROOT);
                int shift = u.isEmpty() || u.equals("b") ? 0 : switch (u.charAt(0)) {
                    case 'k' -> 10;
                    case 'm' -> 20;
                    case 'g' -> 30;
                    default -> 40;
                };
                bytes = n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
            }
        }
        if (bytes < 0) {
            error(child(key), "must be a size such as 65536, 64KiB, 512MiB or 8GiB, got '" + v.asText() + "'");
            return def;
        }
        if (bytes < min || bytes > max) {
            error(child(key), "must be between " + min + " and " + max + " bytes, got " + bytes);
            return def;
        }
        return bytes;
    }

    /** A duration: "250ms", "10s", "5m", "1h", "7d". */
    public Duration duration(String key, Duration def, Duration min) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        Matcher m = DURATION.matcher(v.asText().trim());
        if (!v.isTextual() || !m.matches()) {
            error(child(key), "must be a duration such as 250ms, 10s, 5m, 1h or 7d, got '" + v.asText() + "'");
            return def;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.compareTo(min) < 0) {
            error(child(key), "must be at least " + min.toMillis() + "ms, got '" + v.asText() + "'");
            return def;
        }
        return d;
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E def) {
        String v = string(key, null);
        if (v == null) {
            return def;
        }
        for (E e : type.getEnumConstants()) {
            if (wire(e).equals(v)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(wire(e));
        }
        error(child(key), "must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
        return def;
    }

    public static String wire(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** host:port, with [v6]:port accepted; port 0-65535. */
    public InetSocketAddress address(String key, String def) {
        String v = string(key, def);
        if (v == null) {
            error(child(key), "is required (host:port)");
            return null;
        }
        int colon = v.lastIndexOf(':');
        String host = colon > 0 ? v.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(v.substring(colon + 1));
            if (colon <= 0 || port < 0 || port > 65535 || host.isEmpty()) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(host, port);
        } catch (NumberFormatException e) {
            error(child(key), "must be host:port such as 0.0.0.0:514, got '" + v + "'");
            return null;
        }
    }

    public List<String> stringList(String key) {
        JsonNode v = raw(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isValueNode()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            error(child(key), "must be a list");
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isValueNode()) {
                error(child(key) + "[" + i + "]", "must be a single value");
            } else {
                out.add(v.get(i).asText());
            }
        }
        return out;
    }

    public Map<String, String> stringMap(String key) {
        JsonNode v = raw(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            error(child(key), "must be a mapping of names to values");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                error(child(key) + "." + e.getKey(), "must be a single value");
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    /** A nested mapping (possibly absent: then its fields all take defaults). */
    public Fields object(String key) {
        JsonNode v = raw(key);
        return new Fields(doc, child(key), v, errors);
    }

    /** The items of a list of mappings. */
    public List<Fields> objects(String key) {
        JsonNode v = raw(key);
        List<Fields> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            error(child(key), "must be a list");
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(new Fields(doc, child(key) + "[" + i + "]", v.get(i), errors));
        }
        return out;
    }

    /** Reports every key of this mapping that no reader asked for. Call after reading all known keys. */
    public void finish() {
        if (node == null || !node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!used.contains(k)) {
                error(child(k), "unknown key (known here: " + String.join(", ", used) + ")");
            }
        }
    }
}
