package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.aggregator.rules.RuleEngine;
import net.edgegw.aggregator.rules.RuleInstance;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The health flow of the cloud aggregator as a Kafka Streams topology (docs/aggregator-health.md):
 * <pre>
 *  telemetry.* / &lt;alias&gt;.telemetry.*  ─┐ route by site (header edge.site / key prefix)
 *  edge.heartbeats / &lt;alias&gt;.…         ─┴► merge ► repartition "by-site"
 *     ► site-health (dedupe by id, rules, heartbeats, state machine, hysteresis; topology lookup)
 *         ├► health.sites (SiteSnapshot, key = site, throttled)
 *         └► alarm candidates, key u:&lt;upstream&gt; | s:&lt;site&gt; ► repartition "by-upstream"
 *              ► correlation (hold-down, incidents) ► health.alarms (Alarm, key = alarm id)
 *  network.topology ► GlobalKTable (store {@value #TOPOLOGY_STORE})
 * </pre>
 * Stateless utility; thread-safe.
 */
public final class HealthTopology {

    /** Global store of {@code network.topology}: site -> {@link TopologyEntry}. */
    public static final String TOPOLOGY_STORE = "health-topology";
    /** Window store of envelope ids seen within {@code dedupe.retention}. */
    public static final String DEDUPE_STORE = "health-dedupe";
    /** Per-site state (counters, gateways, open alarms). */
    public static final String SITE_STORE = "health-site-state";
    /** Threshold and window rule instances. */
    public static final String RULE_STORE = "health-rule-state";
    /** Correlation: alarms behind an upstream. */
    public static final String MEMBER_STORE = "health-correlation-members";
    /** Correlation: open incidents. */
    public static final String INCIDENT_STORE = "health-correlation-incidents";
    /** Name of the site repartition (topic {@code <application.id>-by-site-repartition}). */
    public static final String BY_SITE = "by-site";
    /** Name of the upstream repartition (topic {@code <application.id>-by-upstream-repartition}). */
    public static final String BY_UPSTREAM = "by-upstream";

    private static final Logger LOG = LoggerFactory.getLogger(HealthTopology.class);
    private static final RateLimitedLog WARN = new RateLimitedLog(LOG, 60, TimeUnit.SECONDS);

    private HealthTopology() {
    }

    /** {@link #addTo(StreamsBuilder, AggregatorConfig, HealthCounters)} with counters nobody reads. */
    public static void addTo(StreamsBuilder builder, AggregatorConfig cfg) {
        addTo(builder, cfg, new HealthCounters());
    }

    /**
     * Adds the whole health flow to {@code builder}.
     *
     * @throws IllegalArgumentException when a rule or pattern of {@code cfg} is invalid
     */
    public static void addTo(StreamsBuilder builder, AggregatorConfig cfg, HealthCounters counters) {
        RuleEngine engine = new RuleEngine(cfg.rules());
        Serde<Alarm> alarmSerde = HealthJson.serde(Alarm.class);

        builder.globalTable(cfg.topics().topology(),
                Consumed.with(Serdes.String(), topologySerde(counters)).withName("topology-source"),
                Materialized.<String, TopologyEntry, KeyValueStore<Bytes, byte[]>>as(TOPOLOGY_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(topologySerde(counters)));

        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DEDUPE_STORE, cfg.dedupe().retention(), Duration.ofMillis(1), false),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SITE_STORE),
                Serdes.String(), HealthJson.serde(SiteState.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RULE_STORE),
                Serdes.String(), HealthJson.serde(RuleInstance.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MEMBER_STORE),
                Serdes.String(), HealthJson.serde(CorrelationEntries.Member.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INCIDENT_STORE),
                Serdes.String(), HealthJson.serde(CorrelationEntries.Incident.class)));

        Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
        KStream<String, byte[]> telemetry = builder
                .stream(Pattern.compile(cfg.topics().telemetryPattern()), raw.withName("telemetry-source"))
                .process(() -> new SiteRouter(SiteRouter.ENVELOPE, counters), Named.as("route-telemetry"));
        KStream<String, byte[]> heartbeats = builder
                .stream(Pattern.compile(cfg.topics().heartbeatPattern()), raw.withName("heartbeat-source"))
                .process(() -> new SiteRouter(SiteRouter.HEARTBEAT, counters), Named.as("route-heartbeats"));

        Map<String, KStream<String, Object>> out = telemetry.merge(heartbeats, Named.as("site-events"))
                .repartition(Repartitioned.<String, byte[]>as(BY_SITE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()))
                .process(() -> new SiteProcessor(cfg, engine, counters), Named.as("site-health"),
                        DEDUPE_STORE, SITE_STORE, RULE_STORE)
                .split(Named.as("site-health-"))
                .branch((k, v) -> v instanceof SiteSnapshot, Branched.as("snapshots"))
                .defaultBranch(Branched.as("alarms"));

        out.get("site-health-snapshots")
                .mapValues(v -> (SiteSnapshot) v, Named.as("as-snapshot"))
                .to(cfg.topics().sites(), Produced.with(Serdes.String(), HealthJson.serde(SiteSnapshot.class))
                        .withName("sites-sink"));

        out.get("site-health-alarms")
                .mapValues(v -> (Alarm) v, Named.as("as-alarm"))
                .repartition(Repartitioned.<String, Alarm>as(BY_UPSTREAM)
                        .withKeySerde(Serdes.String()).withValueSerde(alarmSerde))
                .process(() -> new CorrelationProcessor(cfg.correlation(), cfg.health().checkInterval(), counters),
                        Named.as("correlation"), MEMBER_STORE, INCIDENT_STORE)
                .to(cfg.topics().alarms(), Produced.with(Serdes.String(), alarmSerde).withName("alarms-sink"));
    }

    /** {@link #streamsProperties(AggregatorConfig, HealthCounters)} with counters nobody reads. */
    public static Properties streamsProperties(AggregatorConfig cfg) {
        return streamsProperties(cfg, new HealthCounters());
    }

    /**
     * Kafka Streams properties for the aggregator: defaults first, then {@code cfg.kafka()} (security and any
     * tuning), then what the product requires: application id, bootstrap servers, state directory, threads,
     * exactly-once v2, and the skip-and-count exception handlers feeding {@code counters}. The caller adds
     * {@code application.server}.
     */
    public static Properties streamsProperties(AggregatorConfig cfg, HealthCounters counters) {
        Properties p = new Properties();
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, String.valueOf(32L * 1024 * 1024));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
        // repartition and changelog topics carry JSON: lz4 makes them ~5x smaller and the run faster (bench A/B)
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // new MirrorMaker 2 remote topics matching the patterns are picked up within 30 s
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), "30000");
        p.putAll(cfg.kafka());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(cfg.streamThreads()));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                SkipAndCountHandlers.Deserialization.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                SkipAndCountHandlers.Production.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                SkipAndCountHandlers.Processing.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        p.put(SkipAndCountHandlers.COUNTERS_CONFIG, counters);
        return p;
    }

    /** Topology values: JSON; a value that does not parse counts, is logged (rate-limited) and reads as absent. */
    private static Serde<TopologyEntry> topologySerde(HealthCounters counters) {
        Serde<TopologyEntry> json = HealthJson.serde(TopologyEntry.class);
        return Serdes.serdeFrom(json.serializer(), (topic, bytes) -> {
            try {
                return json.deserializer().deserialize(topic, bytes);
            } catch (RuntimeException e) {
                counters.inc(HealthCounters.TOPOLOGY_UNDECODABLE);
                WARN.warn("topology", "a {} value does not parse as a topology entry: {}", topic, e.toString());
                return null;
            }
        });
    }
}
