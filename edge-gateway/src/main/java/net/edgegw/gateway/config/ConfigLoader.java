package net.edgegw.gateway.config;

import net.edgegw.core.config.ConfigException;
import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.Fields;
import net.edgegw.core.config.YamlDocument;
import net.edgegw.storeforward.BufferSettings;
import net.edgegw.storeforward.Overflow;
import net.edgegw.storeforward.SyncMode;
import net.edgegw.adapters.InputCommon;
import net.edgegw.adapters.InputRegistry;
import net.edgegw.core.Envelope;
import net.edgegw.core.InputConfig;
import net.edgegw.core.Headers;
import net.edgegw.gateway.config.GatewayConfig.BufferConfig;
import net.edgegw.gateway.config.GatewayConfig.DeadLetterConfig;
import net.edgegw.gateway.config.GatewayConfig.Delivery;
import net.edgegw.gateway.config.GatewayConfig.HeartbeatConfig;
import net.edgegw.gateway.config.GatewayConfig.LaneConfig;
import net.edgegw.gateway.config.GatewayConfig.UplinkConfig;
import net.edgegw.gateway.config.GatewayConfig.WebConfig;
import net.edgegw.pipeline.RouteConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import net.edgegw.adapters.net.Cidr;
import net.edgegw.adapters.net.ListenerFields;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * YAML -> validated {@link GatewayConfig}. Every error is collected with its key and line; unknown keys are errors;
 * nothing falls back silently. Stateless and thread-safe.
 */
public final class ConfigLoader {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final long GIB = 1L << 30;

    private ConfigLoader() {
    }

    /** Reads and validates a config file with the gateway's input kinds ({@link Inputs#registry()}). */
    public static GatewayConfig load(Path file) {
        return load(file, Inputs.registry());
    }

    /** Reads and validates a config file; {@code inputs} knows the input kinds. */
    public static GatewayConfig load(Path file, InputRegistry inputs) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError("", 0, "cannot read " + file + ": " + e)));
        }
        return parse(text, file.toAbsolutePath().getParent(), inputs);
    }

    /** Validates config text; relative paths are resolved against {@code baseDir}. */
    public static GatewayConfig parse(String text, Path baseDir) {
        return parse(text, baseDir, Inputs.registry());
    }

    /** As {@link #parse(String, Path)} with the input kinds of {@code inputKinds}. */
    public static GatewayConfig parse(String text, Path baseDir, InputRegistry inputKinds) {
        YamlDocument doc = YamlDocument.parse(text);
        List<ConfigError> errors = new ArrayList<>();
        Fields root = new Fields(doc, "", doc.root(), errors);

        String site = root.requiredString("site");
        if (site != null && !Envelope.SITE_PATTERN.matcher(site).matches()) {
            root.error("site", "'" + site + "' must match [a-z0-9][a-z0-9-]{0,62}");
        }
        String gateway = root.matching("gateway", defaultGatewayId(), NAME,
                "a valid gateway id (letters, digits, '.', '_', '-'; up to 63)");
        String dataDirText = root.string("dataDir", "/var/lib/edge-gateway");
        Path dataDir = baseDir == null ? Path.of(dataDirText) : baseDir.resolve(dataDirText).normalize();

        Map<String, String> tags = root.stringMap("tags");

        BufferConfig buffer = buffer(root.object("buffer"));
        List<LaneConfig> lanes = lanes(root, buffer, errors);
        Set<String> laneNames = new HashSet<>();
        lanes.forEach(l -> laneNames.add(l.name()));
        String defaultLane = lanes.isEmpty() ? "default" : lanes.stream()
                .max((a, b) -> Integer.compare(a.priority(), b.priority())).get().name();

        List<InputConfig> inputs = new ArrayList<>();
        Set<String> inputNames = new HashSet<>();
        List<Fields> inputItems = root.objects("inputs");
        if (inputItems.isEmpty()) {
            root.error("inputs", "at least one input is required");
        }
        for (Fields in : inputItems) {
            InputConfig ic = input(in, defaultLane, laneNames, baseDir, inputKinds);
            if (ic != null) {
                if (!inputNames.add(ic.name())) {
                    in.error(in.child("name"), "duplicate input name '" + ic.name() + "'");
                }
                inputs.add(ic);
            }
        }
        List<RouteConfig> routes = new ArrayList<>();
        for (Fields r : root.objects("routes")) {
            routes.add(route(r, laneNames, inputNames));
        }
        UplinkConfig uplink = uplink(root.object("uplink"));
        Fields hb = root.object("heartbeat");
        HeartbeatConfig heartbeat = new HeartbeatConfig(hb.duration("interval", Duration.ofSeconds(5), Duration.ofMillis(100)),
                hb.matching("topic", Headers.TOPIC_HEARTBEATS, TOPIC, "a valid Kafka topic name"));
        hb.finish();
        Fields dl = root.object("deadLetter");
        DeadLetterConfig deadLetter = new DeadLetterConfig(dl.bool("enabled", true),
                dl.matching("topic", Headers.TOPIC_DEADLETTER, TOPIC, "a valid Kafka topic name"));
        dl.finish();
        WebConfig webConfig = web(root.object("web"), baseDir);
        root.finish();

        if (!errors.isEmpty()) {
            errors.sort((a, b) -> Integer.compare(a.line(), b.line()));
            throw new ConfigException(errors);
        }
        return new GatewayConfig(site, gateway, dataDir, List.copyOf(inputs), buffer, List.copyOf(lanes),
                List.copyOf(routes), Map.copyOf(tags), uplink, heartbeat, deadLetter, webConfig, sha256(text));
    }

    private static BufferConfig buffer(Fields b) {
        BufferConfig c = new BufferConfig(
                b.size("maxBytes", GIB, 1L << 20, 1L << 50),
                b.has("maxAge") ? b.duration("maxAge", null, Duration.ofSeconds(1)) : null,
                b.enumValue("overflow", Overflow.class, Overflow.DROP_OLDEST),
                b.enumValue("sync", SyncMode.class, SyncMode.NONE),
                b.duration("syncInterval", Duration.ofSeconds(1), Duration.ofMillis(10)),
                b.size("minFreeDisk", BufferSettings.DEFAULT_MIN_FREE_DISK, 0, 1L << 50));
        b.finish();
        return c;
    }

    private static List<LaneConfig> lanes(Fields root, BufferConfig buffer, List<ConfigError> errors) {
        List<Fields> items = root.objects("lanes");
        List<LaneConfig> out = new ArrayList<>();
        if (items.isEmpty()) {
            out.add(new LaneConfig("default", 0, buffer.maxBytes()));
            return out;
        }
        Set<String> names = new HashSet<>();
        long share = buffer.maxBytes() / items.size();
        for (Fields l : items) {
            String name = l.matching("name", null, NAME, "a valid lane name");
            if (name == null) {
                l.error(l.child("name"), "is required");
            } else if (!names.add(name)) {
                l.error(l.child("name"), "duplicate lane name '" + name + "'");
            }
            int priority = l.integer("priority", out.size(), 0, 99);
            long max = l.size("maxBytes", share, 1L << 20, 1L << 50);
            l.finish();
            out.add(new LaneConfig(name == null ? "?" : name, priority, max));
        }
        return out;
    }

    private static InputConfig input(Fields in, String defaultLane, Set<String> lanes, Path baseDir,
                                     InputRegistry kinds) {
        String type = in.requiredString("type");
        String name = in.matching("name", null, NAME, "a valid input name (letters, digits, '.', '_', '-')");
        if (name == null && in.has("name") == false) {
            in.error(in.child("name"), "is required");
        }
        String lane = in.string("lane", defaultLane);
        if (!lanes.contains(lane)) {
            in.error(in.child("lane"), "unknown lane '" + lane + "' (lanes: " + String.join(", ", lanes) + ")");
        }
        String topic = in.matching("topic", null, TOPIC, "a valid Kafka topic name");
        if (type == null) {
            return null;
        }
        return kinds.parse(type, in, new InputCommon(name, lane, topic, baseDir));
    }

    private static RouteConfig route(Fields r, Set<String> lanes, Set<String> inputs) {
        Fields m = r.object("match");
        String input = m.string("input", null);
        if (input != null && !inputs.contains(input)) {
            m.error(m.child("input"), "unknown input '" + input + "'");
        }
        String source = m.string("source", null);
        if (source != null && !List.of("syslog", "mqtt", "tcp").contains(source)) {
            m.error(m.child("source"), "must be one of syslog, mqtt, tcp, got '" + source + "'");
        }
        Integer sev = m.has("severityAtMost") ? m.integer("severityAtMost", 7, 0, 7) : null;
        String contains = m.string("contains", null);
        m.finish();
        String lane = r.string("lane", null);
        if (lane != null && !lanes.contains(lane)) {
            r.error(r.child("lane"), "unknown lane '" + lane + "' (lanes: " + String.join(", ", lanes) + ")");
        }
        String topic = r.matching("topic", null, TOPIC, "a valid Kafka topic name");
        boolean drop = r.bool("drop", false);
        if (!drop && lane == null && topic == null) {
            r.error(r.path(), "a route needs lane, topic or drop: true");
        }
        r.finish();
        return new RouteConfig(input, source, sev, contains, lane, topic, drop);
    }

    private static WebConfig web(Fields w, Path baseDir) {
        InetSocketAddress bind = w.has("bind") ? w.address("bind", null) : null;
        List<Cidr> allow = ListenerFields.allow(w);
        String token = w.string("metricsTokenFile", null);
        boolean tls = w.bool("tls", true);
        String cert = w.string("tlsCert", null);
        String key = w.string("tlsKey", null);
        if ((cert == null) != (key == null)) {
            w.error(w.child(cert == null ? "tlsCert" : "tlsKey"), "tlsCert and tlsKey go together (PEM files)");
        }
        Duration session = w.duration("sessionTimeout", Duration.ofMinutes(30), Duration.ofMinutes(1));
        if (bind == null && w.has("allow")) {
            w.error(w.child("bind"), "is required when the web section is used");
        }
        w.finish();
        return new WebConfig(bind, allow == null ? List.of() : allow, resolve(baseDir, token), tls,
                resolve(baseDir, cert), resolve(baseDir, key), session);
    }

    private static Path resolve(Path baseDir, String path) {
        return path == null ? null : baseDir == null ? Path.of(path) : baseDir.resolve(path).normalize();
    }

    private static UplinkConfig uplink(Fields u) {
        String bootstrap = u.requiredString("bootstrapServers");
        Delivery delivery = u.enumValue("delivery", Delivery.class, Delivery.EXACTLY_ONCE);
        String compression = u.string("compression", "zstd");
        if (!List.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
            u.error(u.child("compression"), "must be one of none, gzip, snappy, lz4, zstd, got '" + compression + "'");
        }
        long bandwidth = u.size("bandwidth", 0, 0, 1L << 40);
        if (bandwidth > 0 && bandwidth < 1024) {
            u.error(u.child("bandwidth"), "must be 0 (no cap) or at least 1KiB per second");
        }
        int batchMaxRecords = u.integer("batchMaxRecords", 10_000, 1, 1_000_000);
        long batchMaxBytes = u.size("batchMaxBytes", 4L << 20, 1024, 256L << 20);
        Duration batchWait = u.duration("batchWait", Duration.ofMillis(50), Duration.ZERO);
        Map<String, String> props = u.stringMap("properties");
        for (String k : List.of("bootstrap.servers", "transactional.id", "enable.idempotence", "acks", "isolation.level",
                "key.serializer", "value.serializer")) {
            if (props.containsKey(k)) {
                u.error(u.child("properties") + "." + k, "is set by the gateway and cannot be overridden");
            }
        }
        u.finish();
        return new UplinkConfig(bootstrap, delivery, compression, bandwidth, batchMaxRecords, batchMaxBytes, batchWait,
                Map.copyOf(props));
    }

    private static String defaultGatewayId() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "gateway";
            }
        }
        h = h.replaceAll("[^A-Za-z0-9._-]", "-");
        return h.length() > 63 ? h.substring(0, 63) : h;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
