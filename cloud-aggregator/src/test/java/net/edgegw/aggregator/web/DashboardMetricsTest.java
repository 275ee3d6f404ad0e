package net.edgegw.aggregator.web;

import io.prometheus.metrics.expositionformats.generated.Metrics;
import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.streams.HealthCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's {@code GET /metrics} on a real server (no Kafka needed: the route works before Kafka Streams is
 * attached): 401 without authentication, 200 with the bearer token of {@code dashboard.metricsTokenFile}, the body in
 * the Prometheus text format (every line checked) and, asked for, in the protobuf format with the health counters as
 * {@code cloud_aggregator_*} counters.
 */
class DashboardMetricsTest {

    private static final String TOKEN = "aggregator-scrape-token-0123456789";
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern LINE = Pattern.compile("# HELP " + NAME + " .*|# TYPE " + NAME
            + " (counter|gauge|summary|histogram|untyped)|" + NAME
            + "(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"(,[a-zA-Z_][a-zA-Z0-9_]*="
            + "\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*\\})? (NaN|[+-]Inf|[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)");

    @TempDir
    Path dir;
    private DashboardServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<byte[]> get(String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.url().resolve("/metrics")).GET();
        if (headers.length > 0) {
            r.headers(headers);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void metricsNeedTheBearerTokenAndAreValidPrometheus() throws Exception {
        Path token = dir.resolve("metrics.token");
        Files.writeString(token, TOKEN + "\n");
        Path pw = dir.resolve("dashboard.pw");
        Files.writeString(pw, TestSupport.passwordHash() + "\n");
        AggregatorConfig.Dashboard dash = new AggregatorConfig.Dashboard(new InetSocketAddress("127.0.0.1", 0), null,
                TestSupport.USER, pw, null, null, null, false, Duration.ofMinutes(5), token);
        AggregatorConfig config = new AggregatorConfig("127.0.0.1:9", Map.of(), "dash-metrics", dir.resolve("state"),
                1, AggregatorConfig.Topics.defaults(), new AggregatorConfig.Dedupe(Duration.ofHours(1)), List.of(),
                new AggregatorConfig.Health(Duration.ofMinutes(2), Duration.ofMinutes(1), 1000, 3,
                        Duration.ofSeconds(10), Duration.ofMinutes(1)),
                new AggregatorConfig.Correlation(3, Duration.ofMinutes(5), Duration.ofSeconds(30),
                        Duration.ofMinutes(5)), dash, null);
        server = DashboardServer.start(config, Clock.systemUTC(), 4);
        HealthCounters counters = new HealthCounters();
        counters.inc(HealthCounters.DUPLICATES);
        counters.inc(HealthCounters.DUPLICATES);
        counters.inc(HealthCounters.TELEMETRY_UNDECODABLE);
        server.exposeHealthCounters(counters::snapshot);

        HttpResponse<byte[]> none = get();
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(new String(none.body(), StandardCharsets.UTF_8)).startsWith("{\"error\":\"authentication required\"");
        assertThat(get("Authorization", "Bearer wrong-token").statusCode()).isEqualTo(401);

        HttpResponse<byte[]> ok = get("Authorization", "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        String text = new String(ok.body(), StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        for (String line : text.split("\n")) {
            assertThat(line).as("text format line").matches(LINE);
        }
        assertThat(text).contains("# TYPE cloud_aggregator_records_total counter\n",
                "cloud_aggregator_records_total{outcome=\"duplicates\"} 2.0\n",
                "cloud_aggregator_undecodable_records_total{topic=\"telemetry\"} 1.0\n",
                "cloud_aggregator_dashboard_event_streams 0.0\n");

        HttpResponse<byte[]> proto = get("Authorization", "Bearer " + TOKEN, "Accept",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
        Map<String, Metrics.MetricFamily> families = new HashMap<>();
        try (InputStream in = new ByteArrayInputStream(proto.body())) {
            Metrics.MetricFamily f;
            while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.put(f.getName(), f);
            }
        }
        assertThat(families).containsKeys("cloud_aggregator_records_total", "cloud_aggregator_alarms_ignored_total",
                "cloud_aggregator_streams_skipped_records_total", "cloud_aggregator_conditions_dropped_total",
                "cloud_aggregator_dashboard_event_streams");
        assertThat(families.keySet()).allMatch(n -> n.startsWith("cloud_aggregator_"));
        assertThat(families.get("cloud_aggregator_records_total").getType()).isEqualTo(Metrics.MetricType.COUNTER);
        assertThat(families.get("cloud_aggregator_records_total").getMetricCount()).isEqualTo(5);
    }
}
