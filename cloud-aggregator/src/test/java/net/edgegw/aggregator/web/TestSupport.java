package net.edgegw.aggregator.web;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.core.security.PasswordHash;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/** Shared set-up of the dashboard integration tests: broker, topics, config, Kafka Streams, producer. */
final class TestSupport {

    static final String USER = "operator";
    static final String PASSWORD = "correct-horse-battery-staple";
    static final String PEER_SECRET = "peer-secret-0123456789abcdef-XYZ";
    private static String hash;

    static {
        quietLogs();
    }

    private TestSupport() {
    }

    /** Kafka and Jetty at WARN: the module has no logback-test.xml of its own (shared with other packages). */
    static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("ROOT").setLevel(Level.INFO);
            ctx.getLogger("org.apache.kafka").setLevel(Level.WARN);
            ctx.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
            ctx.getLogger("io.javalin").setLevel(Level.WARN);
            ctx.getLogger("io.opentelemetry").setLevel(Level.WARN);
            ctx.getLogger("org.openqa.selenium").setLevel(Level.WARN);
            ctx.getLogger("net.edgegw").setLevel(Level.INFO);
        }
    }

    static synchronized String passwordHash() {
        if (hash == null) {
            hash = PasswordHash.hash(PASSWORD.toCharArray(), new SecureRandom());
        }
        return hash;
    }

    /** Topics unique to one test class, 4 partitions each. */
    static AggregatorConfig.Topics topics(EmbeddedKafka kafka, String prefix) {
        AggregatorConfig.Topics d = AggregatorConfig.Topics.defaults();
        AggregatorConfig.Topics t = new AggregatorConfig.Topics(d.telemetryPattern(), d.heartbeatPattern(),
                prefix + ".network.topology", prefix + ".health.alarms", prefix + ".health.sites");
        kafka.createTopic(t.sites(), 4, true);
        kafka.createTopic(t.alarms(), 4, false);
        return t;
    }

    static AggregatorConfig config(Path dir, AggregatorConfig.Topics topics, boolean tls, Duration sessionTimeout) {
        try {
            Files.createDirectories(dir);
            Path pw = dir.resolve("dashboard.pw");
            if (!Files.exists(pw)) {
                Files.writeString(pw, passwordHash() + "\n");
            }
            Path secret = dir.getParent().resolve("peer.secret");
            if (!Files.exists(secret)) {
                Files.writeString(secret, PEER_SECRET + "\n");
            }
            AggregatorConfig.Dashboard dash = new AggregatorConfig.Dashboard(new InetSocketAddress("127.0.0.1", 0), null,
                    USER, pw, secret, null, null, tls, sessionTimeout);
            return new AggregatorConfig(EmbeddedKafka.shared().bootstrapServers(), Map.of(), "dash-" + UUID.randomUUID(),
                    dir.resolve("state"), 1, topics, new AggregatorConfig.Dedupe(Duration.ofHours(1)), List.of(),
                    new AggregatorConfig.Health(Duration.ofMinutes(2), Duration.ofMinutes(1), 1000, 3,
                            Duration.ofSeconds(10), Duration.ofMinutes(1)),
                    new AggregatorConfig.Correlation(3, Duration.ofMinutes(5), Duration.ofSeconds(30),
                            Duration.ofMinutes(5)), dash, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Kafka Streams app with only the dashboard views, advertising {@code server}; started and attached. */
    static KafkaStreams startStreams(AggregatorConfig config, String applicationId, DashboardServer server) {
        StreamsBuilder b = new StreamsBuilder();
        DashboardViews.addTo(b, config.topics());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server.advertised());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        server.attach(streams);
        streams.start();
        return streams;
    }

    static KafkaProducer<String, byte[]> producer() {
        Properties p = EmbeddedKafka.shared().clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<String, byte[]> producer, AggregatorConfig.Topics topics, SiteSnapshot s) {
        producer.send(new ProducerRecord<>(topics.sites(), s.site(),
                HealthJson.serde(SiteSnapshot.class).serializer().serialize(topics.sites(), s)));
    }

    static void send(KafkaProducer<String, byte[]> producer, AggregatorConfig.Topics topics, Alarm a) {
        producer.send(new ProducerRecord<>(topics.alarms(), a.id(),
                HealthJson.serde(Alarm.class).serializer().serialize(topics.alarms(), a)));
    }
}
