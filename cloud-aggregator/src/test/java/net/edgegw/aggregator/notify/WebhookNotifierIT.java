package net.edgegw.aggregator.notify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfigLoader;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The notifier on a real broker against a real JDK HTTP server that fails the first requests. */
class WebhookNotifierIT {

    record Request(String body, String auth, String contentType) {
    }

    @Test
    void retriesFiltersGivesUpAndCommitsOnlyAfterTheOutcome() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = "alarms-webhook-it";
        kafka.createTopic(topic, 1, false);
        List<Request> requests = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(body, ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRequestHeaders().getFirst("Content-Type")));
            int status = calls.incrementAndGet() <= 2 ? 503 : body.contains("REJECTED_BY_RECEIVER") ? 400 : 204;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        AggregatorConfig cfg = AggregatorConfigLoader.parse("""
                bootstrapServers: "%s"
                applicationId: webhook-it
                topics: {alarms: %s}
                webhook:
                  url: "http://127.0.0.1:%d/hook?token=query-secret"
                  minSeverity: 3
                  headers: {Authorization: "Bearer header-secret"}
                  maxAttempts: 4
                  backoff: 20ms
                  timeout: 5s
                """.formatted(kafka.bootstrapServers(), topic, server.getAddress().getPort()));
        try (WebhookNotifier n = WebhookNotifier.start(cfg)) {
            assertThat(n.enabled()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(n::assigned);
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                    new ByteArraySerializer())) {
                for (Alarm a : List.of(
                        alarm("site:s1:UNREACHABLE:1", "UNREACHABLE", 2, null),     // 2 x 503, then 204
                        alarm("device:s1/r1:NOISE:2", "NOISE", 6, null),            // too mild: skipped
                        alarm("site:s2:UNREACHABLE:3", "UNREACHABLE", 2, "upstream:agg-7:UNREACHABLE:3"), // linked
                        alarm("site:s3:REJECTED_BY_RECEIVER:4", "REJECTED_BY_RECEIVER", 1, null), // 400: give up
                        alarm("upstream:agg-7:UNREACHABLE:3", "UNREACHABLE", 0, null))) {
                    p.send(new ProducerRecord<>(topic, a.id(), HealthJson.MAPPER.writeValueAsBytes(a))).get();
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> n.delivered() + n.failed() + n.skipped() == 5);
            assertThat(n.delivered()).isEqualTo(2);
            assertThat(n.failed()).isEqualTo(1);
            assertThat(n.skipped()).isEqualTo(2);
            assertThat(requests).hasSize(5); // 3 for the first alarm, 1 rejected, 1 incident
            assertThat(requests).allSatisfy(r -> {
                assertThat(r.auth()).isEqualTo("Bearer header-secret");
                assertThat(r.contentType()).isEqualTo("application/json");
            });
            assertThat(requests.get(0).body()).isEqualTo(requests.get(2).body()).contains("site:s1:UNREACHABLE:1");
            assertThat(requests.get(3).body()).contains("REJECTED_BY_RECEIVER");
            assertThat(HealthJson.MAPPER.readValue(requests.get(4).body(), Alarm.class).id())
                    .isEqualTo("upstream:agg-7:UNREACHABLE:3");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin
                            .listConsumerGroupOffsets("webhook-it-webhook").partitionsToOffsetAndMetadata().get();
                    assertThat(committed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(5);
                });
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void noWebhookMeansANoOpNotifier() {
        AggregatorConfig cfg = AggregatorConfigLoader.parse("bootstrapServers: 127.0.0.1:1\n");
        try (WebhookNotifier n = WebhookNotifier.start(cfg)) {
            assertThat(n.enabled()).isFalse();
        }
    }

    @Test
    void backoffDoublesUpToAMinuteAndLogsNoSecrets() {
        assertThat(WebhookNotifier.backoff(Duration.ofSeconds(1), 1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(WebhookNotifier.backoff(Duration.ofSeconds(1), 3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(WebhookNotifier.backoff(Duration.ofSeconds(1), 30)).isEqualTo(Duration.ofMinutes(1));
        assertThat(WebhookNotifier.safeUrl(java.net.URI.create("https://u:pw@hooks.example.net:8443/a/b?token=x#f")))
                .isEqualTo("https://hooks.example.net:8443/a/b");
    }

    static Alarm alarm(String id, String type, int severity, String incidentId) {
        Instant t = Instant.parse("2026-11-24T10:00:00Z");
        return new Alarm(id, type, incidentId == null && id.startsWith("upstream") ? Alarm.Kind.INCIDENT
                : Alarm.Kind.SITE, severity, Alarm.State.RAISED, new Alarm.Scope("s1", null, "agg-7", "eu"), t, t, null,
                type + " at s1", JsonNodeFactory.instance.objectNode().put("why", "test"), incidentId, List.of("s1"), 0);
    }
}
