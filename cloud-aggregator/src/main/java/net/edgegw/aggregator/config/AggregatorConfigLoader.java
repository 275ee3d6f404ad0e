package net.edgegw.aggregator.config;

import net.edgegw.aggregator.config.AggregatorConfig.Correlation;
import net.edgegw.aggregator.config.AggregatorConfig.Dashboard;
import net.edgegw.aggregator.config.AggregatorConfig.Dedupe;
import net.edgegw.aggregator.config.AggregatorConfig.Health;
import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.Topics;
import net.edgegw.aggregator.config.AggregatorConfig.Webhook;
import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import net.edgegw.core.config.Fields;
import net.edgegw.core.config.YamlDocument;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * YAML -> validated {@link AggregatorConfig} (reference: docs/aggregator.md). Uses the shared core parsing
 * ({@link YamlDocument}, {@link Fields}) like the gateway: every error is collected with its key and line, unknown
 * keys are errors, nothing falls back silently. Relative paths are resolved against the config file's directory.
 * Stateless and thread-safe.
 */
public final class AggregatorConfigLoader {

    static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    static final Pattern APPLICATION_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Kafka client properties the aggregator sets itself from other keys. */
    static final Map<String, String> RESERVED_KAFKA = Map.of(
            "bootstrap.servers", "bootstrapServers",
            "application.id", "applicationId",
            "state.dir", "stateDir",
            "num.stream.threads", "streamThreads");

    private AggregatorConfigLoader() {
    }

    /** Reads and validates a config file; throws {@link ConfigException} listing every problem. */
    public static AggregatorConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError("", 0, "cannot read " + file + ": " + e)));
        }
        return parse(text, file.toAbsolutePath().getParent());
    }

    /** Validates config text; relative paths stay relative (to the working directory). */
    public static AggregatorConfig parse(String text) {
        return parse(text, null);
    }

    /** Validates config text; relative paths are resolved against {@code baseDir} (if not null). */
    public static AggregatorConfig parse(String text, Path baseDir) {
        YamlDocument doc = YamlDocument.parse(text);
        List<ConfigError> errors = new ArrayList<>();
        Fields root = new Fields(doc, "", doc.root(), errors);

        String bootstrap = root.requiredString("bootstrapServers");
        Map<String, String> kafka = root.stringMap("kafka");
        RESERVED_KAFKA.forEach((prop, key) -> {
            if (kafka.containsKey(prop)) {
                root.error("kafka." + prop, "is set by the aggregator: use the top-level key '" + key + "'");
            }
        });
        String applicationId = root.matching("applicationId", "cloud-aggregator", APPLICATION_ID,
                "a valid Kafka Streams application id (letters, digits, '.', '_', '-')");
        Path stateDir = resolve(baseDir, root.string("stateDir", "/var/lib/cloud-aggregator"));
        int streamThreads = root.integer("streamThreads", 2, 1, 64);
        Topics topics = topics(root.object("topics"));
        Fields d = root.object("dedupe");
        Dedupe dedupe = new Dedupe(d.duration("retention", Duration.ofHours(24), Duration.ofMinutes(1)));
        d.finish();
        List<Rule> rules = RuleParser.rules(root);
        Health health = health(root.object("health"));
        Correlation correlation = correlation(root.object("correlation"));
        Dashboard dashboard = dashboard(root.object("dashboard"), stateDir, baseDir);
        Webhook webhook = root.has("webhook") ? webhook(root.object("webhook")) : null;
        if (!root.has("webhook")) {
            root.object("webhook").finish(); // marks the key known (null or absent)
        }
        root.finish();

        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparingInt(ConfigError::line));
            throw new ConfigException(errors);
        }
        return new AggregatorConfig(bootstrap, kafka, applicationId, stateDir, streamThreads, topics, dedupe, rules,
                health, correlation, dashboard, webhook);
    }

    private static Topics topics(Fields t) {
        Topics def = Topics.defaults();
        Topics topics = new Topics(
                regex(t, "telemetryPattern", def.telemetryPattern()),
                regex(t, "heartbeatPattern", def.heartbeatPattern()),
                t.matching("topology", def.topology(), TOPIC, "a valid Kafka topic name"),
                t.matching("alarms", def.alarms(), TOPIC, "a valid Kafka topic name"),
                t.matching("sites", def.sites(), TOPIC, "a valid Kafka topic name"));
        t.finish();
        return topics;
    }

    /** A string that must compile as a Java regex; the compiler's description is reported. */
    static String regex(Fields f, String key, String def) {
        String v = f.string(key, def);
        if (v != null) {
            compile(f, f.child(key), v);
        }
        return v;
    }

    static Pattern compile(Fields f, String at, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            f.error(at, "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex()
                    + " of '" + regex + "'");
            return null;
        }
    }

    private static Health health(Fields h) {
        Duration unreachableAfter = h.duration("unreachableAfter", Duration.ofSeconds(30), Duration.ofSeconds(1));
        Duration recoverAfter = h.duration("recoverAfter", Duration.ofSeconds(10), Duration.ZERO);
        long catchingUp = h.integer("catchingUpBacklog", 1000, 1, Integer.MAX_VALUE);
        int degraded = h.integer("degradedSeverity", 3, 0, 7);
        Duration checkInterval = h.duration("checkInterval", Duration.ofSeconds(1), Duration.ofMillis(100));
        Duration clearAfter = h.duration("clearAfter", Duration.ofSeconds(60), Duration.ZERO);
        Duration snapshotInterval = h.duration("snapshotInterval", Health.DEFAULT_SNAPSHOT_INTERVAL,
                Duration.ofMillis(100));
        if (checkInterval.compareTo(unreachableAfter) > 0) {
            h.error(h.child("checkInterval"), "must not be longer than health.unreachableAfter ("
                    + unreachableAfter.toMillis() + "ms)");
        }
        h.finish();
        return new Health(unreachableAfter, recoverAfter, catchingUp, degraded, checkInterval, clearAfter,
                snapshotInterval);
    }

    private static Correlation correlation(Fields c) {
        Correlation corr = new Correlation(
                c.integer("minSites", 3, 2, 100_000),
                c.duration("window", Duration.ofMinutes(2), Duration.ofSeconds(1)),
                c.duration("holdDown", Duration.ofSeconds(20), Duration.ZERO),
                c.duration("clearAfter", Duration.ofSeconds(60), Duration.ZERO));
        c.finish();
        return corr;
    }

    private static Dashboard dashboard(Fields d, Path stateDir, Path baseDir) {
        InetSocketAddress bind = d.address("bind", "0.0.0.0:8443");
        String advertised = null;
        if (d.has("advertised")) {
            InetSocketAddress a = d.address("advertised", null);
            advertised = a == null ? null : d.string("advertised", null);
        } else {
            d.string("advertised", null);
            if (bind != null) {
                String host = bind.getHostString();
                host = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
                advertised = (host.contains(":") ? "[" + host + "]" : host) + ":" + bind.getPort();
            }
        }
        String username = d.matching("username", "admin", Pattern.compile("[A-Za-z0-9._@-]{1,64}"),
                "a user name (letters, digits, '.', '_', '@', '-'; up to 64)");
        Path hashFile = d.has("passwordHashFile") ? resolve(baseDir, d.string("passwordHashFile", null))
                : nullSafe(d, "passwordHashFile", stateDir.resolve("dashboard-password"));
        Path peerFile = d.has("peerSecretFile") ? resolve(baseDir, d.string("peerSecretFile", null))
                : nullSafe(d, "peerSecretFile", stateDir.resolve("peer-secret"));
        String cert = d.string("tlsCert", null);
        String key = d.string("tlsKey", null);
        boolean tls = d.bool("tls", true);
        Path certPath = cert == null ? null : resolve(baseDir, cert);
        Path keyPath = key == null ? null : resolve(baseDir, key);
        if ((cert == null) != (key == null)) {
            d.error(d.child(cert == null ? "tlsKey" : "tlsCert"), "tlsCert and tlsKey go together: set both "
                    + "(PEM files) or neither (a self-signed certificate is generated)");
        } else if (cert != null && !tls) {
            d.error(d.child("tlsCert"), "is set but dashboard.tls is false");
        } else if (cert != null) {
            for (String k : List.of("tlsCert", "tlsKey")) {
                Path p = k.equals("tlsCert") ? certPath : keyPath;
                if (!Files.isReadable(p)) {
                    d.error(d.child(k), "file not found or not readable: " + p);
                }
            }
        }
        Duration session = d.duration("sessionTimeout", Duration.ofMinutes(30), Duration.ofMinutes(1));
        String token = d.string("metricsTokenFile", null);
        Path tokenPath = token == null ? null : resolve(baseDir, token);
        if (tokenPath != null && Files.isDirectory(tokenPath)) {
            d.error(d.child("metricsTokenFile"), "is a directory, not a token file: " + tokenPath);
        }
        d.finish();
        return new Dashboard(bind, advertised, username, hashFile, peerFile, certPath, keyPath, tls, session,
                tokenPath);
    }

    private static Path nullSafe(Fields d, String key, Path def) {
        d.string(key, null); // marks the key known
        return def;
    }

    private static Webhook webhook(Fields w) {
        String url = w.requiredString("url");
        if (url != null) {
            String why = checkUrl(url);
            if (why != null) {
                w.error(w.child("url"), why);
            }
        }
        int minSeverity = w.integer("minSeverity", 3, 0, 7);
        boolean linked = w.bool("linked", false);
        Map<String, String> headers = w.stringMap("headers");
        for (String h : headers.keySet()) {
            if (!HEADER_NAME.matcher(h).matches()) {
                w.error(w.child("headers") + "." + h, "'" + h + "' is not a valid HTTP header name");
            } else if (List.of("host", "content-length", "connection", "upgrade", "expect")
                    .contains(h.toLowerCase(java.util.Locale.ROOT))) {
                w.error(w.child("headers") + "." + h, "is set by the HTTP client and cannot be overridden");
            }
        }
        int maxAttempts = w.integer("maxAttempts", 5, 1, 100);
        Duration backoff = w.duration("backoff", Duration.ofSeconds(1), Duration.ofMillis(10));
        Duration timeout = w.duration("timeout", Duration.ofSeconds(10), Duration.ofMillis(100));
        w.finish();
        return new Webhook(url, minSeverity, linked, headers, maxAttempts, backoff, timeout);
    }

    /** Why {@code url} is not an absolute http(s) URL with a host, or null if it is one. */
    static String checkUrl(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "must be an http:// or https:// URL";
            }
            if (u.getHost() == null) {
                return "must name a host (http(s)://host[:port]/path)";
            }
            return null;
        } catch (URISyntaxException e) {
            return "not a valid URL: " + e.getReason();
        }
    }

    static Path resolve(Path base, String p) {
        return base == null ? Path.of(p) : base.resolve(p).normalize();
    }
}
