package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.notify.WebhookNotifier;
import net.edgegw.aggregator.streams.HealthCounters;
import net.edgegw.aggregator.streams.HealthTopology;
import net.edgegw.aggregator.topology.TopicBootstrap;
import net.edgegw.aggregator.web.DashboardServer;
import net.edgegw.aggregator.web.DashboardViews;
import net.edgegw.core.cli.ProgramVersion;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wiring of {@code cloud-aggregator run}: the output and reference topics, the Kafka Streams application (the health
 * topology plus the dashboard's queryable views, one application so that the dashboard reads the same instance's
 * stores), the dashboard server and the webhook notifier. Start order: topics, dashboard (so that its address can be
 * advertised as {@code application.server}), Kafka Streams, webhook; {@link #close()} stops in reverse order.
 * {@link #close()} is idempotent and thread-safe.
 */
public final class AggregatorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AggregatorApp.class);
    private static final Duration STREAMS_CLOSE = Duration.ofSeconds(30);

    private final DashboardServer dashboard;
    private final KafkaStreams streams;
    private final WebhookNotifier webhook;
    private final HealthCounters counters;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private AggregatorApp(DashboardServer dashboard, KafkaStreams streams, WebhookNotifier webhook,
                          HealthCounters counters) {
        this.dashboard = dashboard;
        this.streams = streams;
        this.webhook = webhook;
        this.counters = counters;
    }

    /** The Kafka Streams topology of one aggregator instance: the health flow and the dashboard views. */
    public static Topology topology(AggregatorConfig config, HealthCounters counters, Properties props) {
        StreamsBuilder builder = new StreamsBuilder();
        HealthTopology.addTo(builder, config, counters);
        DashboardViews.addTo(builder, config.topics());
        return builder.build(props);
    }

    /**
     * Starts everything and returns once the dashboard is listening and Kafka Streams is starting.
     *
     * @throws RuntimeException when a topic cannot be created, the dashboard cannot bind or load its password or
     *                          certificate, or Kafka Streams refuses the configuration; nothing is left running
     */
    public static AggregatorApp start(AggregatorConfig config) {
        try (Admin admin = Admin.create(config.kafkaClientProperties())) {
            List<String> created = TopicBootstrap.ensure(admin, config);
            if (!created.isEmpty()) {
                LOG.info("created topics {}", created);
            }
        }
        DashboardServer dashboard = DashboardServer.start(config);
        KafkaStreams streams = null;
        WebhookNotifier webhook = null;
        try {
            HealthCounters counters = new HealthCounters();
            Properties props = HealthTopology.streamsProperties(config, counters);
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, dashboard.advertised());
            streams = new KafkaStreams(topology(config, counters, props), props);
            webhook = WebhookNotifier.start(config);
            AggregatorApp app = new AggregatorApp(dashboard, streams, webhook, counters);
            dashboard.exposeHealthCounters(counters::snapshot);
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("stream thread failed; replacing it", e);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            streams.setStateListener((now, before) -> {
                LOG.info("kafka streams {} -> {}", before, now);
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    app.stopped.countDown();
                }
            });
            streams.start();
            dashboard.attach(streams);
            LOG.info("cloud-aggregator {} ready: dashboard {}{}, application.server {}",
                    ProgramVersion.of(AggregatorApp.class),
                    dashboard.url(), dashboard.tlsFingerprint().map(f -> " (certificate SHA-256 " + f + ")").orElse(""),
                    dashboard.advertised());
            return app;
        } catch (RuntimeException e) {
            if (webhook != null) {
                webhook.close();
            }
            if (streams != null) {
                streams.close(STREAMS_CLOSE);
            }
            dashboard.close();
            throw e;
        }
    }

    /** The dashboard server (its URL and certificate fingerprint). */
    public DashboardServer dashboard() {
        return dashboard;
    }

    /** The Kafka Streams instance (for its state and metrics). */
    public KafkaStreams streams() {
        return streams;
    }

    /** Counters of skipped and deduplicated records. */
    public HealthCounters counters() {
        return counters;
    }

    /** Blocks until {@link #close()} is called or Kafka Streams fails for good. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("cloud-aggregator stopping");
        if (webhook != null) {
            webhook.close();
        }
        streams.close(STREAMS_CLOSE);
        dashboard.close();
        stopped.countDown();
        LOG.info("cloud-aggregator stopped");
    }
}
