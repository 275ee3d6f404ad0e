package net.edgegw.aggregator.config;

import net.edgegw.core.kafka.KafkaClientProperties;
import net.edgegw.core.security.Secrets;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The validated, immutable configuration of {@code cloud-aggregator run} (YAML, see docs/aggregator.md). Built by
 * {@link AggregatorConfigLoader}, which collects every error with its key and line; nothing here falls back silently.
 *
 * @param bootstrapServers the central Kafka cluster
 * @param kafka            extra Kafka client properties (security.protocol, sasl.*, ssl.*) passed to every client;
 *                         values of keys that look secret are never logged
 * @param applicationId    Kafka Streams {@code application.id}; every instance of one aggregator uses the same
 * @param stateDir         Kafka Streams state directory (RocksDB stores, changelogs restore into it)
 * @param streamThreads    Kafka Streams {@code num.stream.threads}
 * @param topics           input patterns and output topics
 * @param dedupe           de-duplication window
 * @param rules            health signal rules, in order
 * @param health           site state machine settings
 * @param correlation      incident correlation settings
 * @param dashboard        the dashboard and its HTTP API
 * @param webhook          optional webhook notifier, or null
 */
public record AggregatorConfig(String bootstrapServers, Map<String, String> kafka, String applicationId, Path stateDir,
                               int streamThreads, Topics topics, Dedupe dedupe, List<Rule> rules, Health health,
                               Correlation correlation, Dashboard dashboard, Webhook webhook) {

    public AggregatorConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        kafka = Map.copyOf(kafka);
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(dedupe, "dedupe");
        rules = List.copyOf(rules);
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(correlation, "correlation");
        Objects.requireNonNull(dashboard, "dashboard");
    }

    /** A new mutable map of Kafka client properties for the central cluster: {@link #kafka()}, then
     * {@link #bootstrapServers()} ({@link KafkaClientProperties}). Log it only through {@link Secrets#redact(Map)}. */
    public Map<String, Object> kafkaClientProperties() {
        return KafkaClientProperties.base(bootstrapServers, kafka);
    }

    /** As the generated one, but the values of secret Kafka properties are hidden ({@link Secrets}). */
    @Override
    public String toString() {
        return "AggregatorConfig[bootstrapServers=" + bootstrapServers + ", kafka=" + Secrets.redact(kafka)
                + ", applicationId=" + applicationId + ", stateDir=" + stateDir + ", streamThreads=" + streamThreads
                + ", topics=" + topics + ", dedupe=" + dedupe + ", rules=" + rules + ", health=" + health
                + ", correlation=" + correlation + ", dashboard=" + dashboard + ", webhook=" + webhook + "]";
    }

    /**
     * @param telemetryPattern regex over topic names: {@code telemetry.*} and MirrorMaker 2 remote topics
     *                         {@code <alias>.telemetry.*}, the dead-letter topics excluded
     * @param heartbeatPattern regex over topic names: {@code edge.heartbeats} and {@code <alias>.edge.heartbeats}
     * @param topology         compacted topology topic ({@code network.topology})
     * @param alarms           alarm output topic ({@code health.alarms})
     * @param sites            compacted per-site snapshot topic ({@code health.sites})
     */
    public record Topics(String telemetryPattern, String heartbeatPattern, String topology, String alarms,
                         String sites) {
        public static final String DEFAULT_TELEMETRY = "^([A-Za-z0-9_-]+\\.)*telemetry\\.(?!deadletter$)[A-Za-z0-9_-]+$";
        public static final String DEFAULT_HEARTBEATS = "^([A-Za-z0-9_-]+\\.)*edge\\.heartbeats$";

        public static Topics defaults() {
            return new Topics(DEFAULT_TELEMETRY, DEFAULT_HEARTBEATS, "network.topology", "health.alarms",
                    "health.sites");
        }
    }

    /** @param retention how long an id is remembered; a duplicate arriving later than this counts again */
    public record Dedupe(Duration retention) {
    }

    /** Scope of a rule's signal: one device ({@code <site>/<host>}, optionally plus a key group) or the whole site. */
    public enum RuleScope { DEVICE, SITE }

    /**
     * A predicate over the envelope; every non-null part must match (logical AND).
     *
     * @param source         {@code syslog}, {@code mqtt}, {@code tcp} or null for any
     * @param input          the gateway input name, or null
     * @param host           regex over {@code host} (find), or null
     * @param topic          MQTT topic filter with {@code +}/{@code #} over {@code mqtt.topic}, or null
     * @param message        regex over {@code message} (find); named groups become evidence and may key the signal
     * @param severityAtMost matches records with a known severity {@code <=} this (0 emergency .. 7 debug), or null
     * @param attributes     attribute name -> regex (find); all must match
     */
    public record Match(String source, String input, String host, String topic, String message,
                        Integer severityAtMost, Map<String, String> attributes) {
        public Match {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }
    }

    /**
     * A metric threshold held for a duration: raise when {@code field} is above {@code above} (or below
     * {@code below}) continuously for {@code hold}; clear when it has been back inside for {@code hold}.
     *
     * @param field dotted path into the envelope JSON, e.g. {@code payload.temperature} or {@code payload.fields.temp}
     */
    public record Threshold(String field, Double above, Double below, Duration hold) {
    }

    /** A sliding-window counter: raise when at least {@code count} matches fall within {@code size}. */
    public record Window(Duration size, int count) {
    }

    /**
     * One health-signal rule. Exactly one of the kinds applies:
     * <ul>
     *   <li>event: {@code match} raises, {@code clear} (if set) clears;</li>
     *   <li>threshold: {@code match} selects records, {@code threshold} decides;</li>
     *   <li>rate: {@code match} selects records, {@code window} counts them.</li>
     * </ul>
     *
     * @param name     unique rule name
     * @param signal   the signal type (e.g. {@code LINK_DOWN}); correlation groups equal signals
     * @param severity alarm severity, syslog numbering (0 most severe)
     * @param scope    device or site
     * @param keyGroup optional named regex group of {@code match.message} that distinguishes instances (an interface)
     */
    public record Rule(String name, String signal, int severity, RuleScope scope, Match match, Match clear,
                       Threshold threshold, Window window, String keyGroup) {
        public Rule {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(signal, "signal");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(match, "match");
        }
    }

    /**
     * Site state machine.
     *
     * @param unreachableAfter    no heartbeat from any of the site's gateways for this long -> UNREACHABLE
     * @param recoverAfter        heartbeats again for this long before UNREACHABLE ends (hysteresis)
     * @param catchingUpBacklog   backlog records at or above this with a positive drain rate -> CATCHING_UP
     * @param degradedSeverity    an active alarm at this severity or more severe makes the site DEGRADED
     * @param checkInterval       how often timeouts are evaluated (wall clock punctuation)
     * @param clearAfter          a cleared condition must stay clear this long before its alarm is CLEARED;
     *                            if it comes back meanwhile the alarm stays RAISED (hysteresis against flapping)
     * @param snapshotInterval    (added by the health topology) a site whose counters changed publishes its
     *                            {@code health.sites} snapshot at most once per this interval; state and alarm
     *                            changes publish at once. YAML key {@code health.snapshotInterval}, default
     *                            {@link #DEFAULT_SNAPSHOT_INTERVAL}
     */
    public record Health(Duration unreachableAfter, Duration recoverAfter, long catchingUpBacklog,
                         int degradedSeverity, Duration checkInterval, Duration clearAfter,
                         Duration snapshotInterval) {

        /** Default of {@link #snapshotInterval}: 10,000 busy sites publish about 2,000 snapshots per second. */
        public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofSeconds(5);

        public Health {
            snapshotInterval = snapshotInterval == null ? DEFAULT_SNAPSHOT_INTERVAL : snapshotInterval;
        }

        /** The settings without {@code snapshotInterval} (default {@link #DEFAULT_SNAPSHOT_INTERVAL}). */
        public Health(Duration unreachableAfter, Duration recoverAfter, long catchingUpBacklog, int degradedSeverity,
                      Duration checkInterval, Duration clearAfter) {
            this(unreachableAfter, recoverAfter, catchingUpBacklog, degradedSeverity, checkInterval, clearAfter,
                    DEFAULT_SNAPSHOT_INTERVAL);
        }
    }

    /**
     * Cross-site correlation.
     *
     * @param minSites  K: this many sites behind one upstream with the same signal (or UNREACHABLE) within
     *                  {@code window} -> one incident naming the upstream
     * @param window    the correlation window
     * @param holdDown  a site alarm waits this long before it is published on its own, so that it can join an
     *                  incident instead of adding to a storm
     * @param clearAfter an incident clears when all its sites have cleared and stayed clear this long
     */
    public record Correlation(int minSites, Duration window, Duration holdDown, Duration clearAfter) {
    }

    /**
     * The dashboard and JSON API.
     *
     * @param bind              listen address
     * @param advertised        {@code host:port} other instances use to reach this one (Kafka Streams
     *                          {@code application.server}); defaults to {@code bind} with 127.0.0.1 for 0.0.0.0
     * @param username          login name
     * @param passwordHashFile  file holding the PBKDF2 hash ({@code cloud-aggregator set-password})
     * @param peerSecretFile    file holding the secret instances share to query each other's stores
     * @param tlsCert           PEM certificate chain, or null for a generated self-signed certificate
     * @param tlsKey            PEM private key, or null
     * @param tls               false only for tests and demos behind a TLS-terminating proxy
     * @param sessionTimeout    idle session lifetime
     * @param metricsTokenFile  file holding the bearer token of {@code GET /metrics} (read again when it changes), or
     *                          null: then only a login session may read {@code /metrics}
     */
    public record Dashboard(InetSocketAddress bind, String advertised, String username, Path passwordHashFile,
                            Path peerSecretFile, Path tlsCert, Path tlsKey, boolean tls, Duration sessionTimeout,
                            Path metricsTokenFile) {

        /** Without a metrics token file. */
        public Dashboard(InetSocketAddress bind, String advertised, String username, Path passwordHashFile,
                         Path peerSecretFile, Path tlsCert, Path tlsKey, boolean tls, Duration sessionTimeout) {
            this(bind, advertised, username, passwordHashFile, peerSecretFile, tlsCert, tlsKey, tls, sessionTimeout,
                    null);
        }
    }

    /**
     * Optional webhook: POSTs each alarm (JSON, the {@code health.alarms} value) to {@code url}.
     *
     * @param url          http(s) URL
     * @param minSeverity  only alarms at this severity or more severe
     * @param linked       also post site alarms linked to an incident (default false: the incident speaks for them)
     * @param headers      extra request headers (e.g. Authorization); values are never logged
     * @param maxAttempts  attempts per alarm before it is counted as failed and skipped
     * @param backoff      first retry delay, doubled per attempt up to 1 min
     * @param timeout      per-request timeout
     */
    public record Webhook(String url, int minSeverity, boolean linked, Map<String, String> headers, int maxAttempts,
                         Duration backoff, Duration timeout) {
        public Webhook {
            headers = Map.copyOf(headers);
        }

        @Override
        public String toString() {
            return "Webhook[url=" + url + ", minSeverity=" + minSeverity + ", linked=" + linked + ", headers="
                    + headers.keySet() + ", maxAttempts=" + maxAttempts + "]";
        }
    }
}
