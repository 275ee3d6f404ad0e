package net.edgegw.aggregator.web;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two aggregator instances (same application.id, health topics with 4 partitions), each with its own dashboard: the
 * API of either returns every site and every alarm although each store holds only part of them; a single site is
 * found through either; when one instance stops answering, the other says so ({@code partial}, instance named).
 * Plain HTTP here (the TLS path is covered by {@link DashboardApiIT}).
 */
class DashboardClusterIT {

    static final int SITES = 16;

    @TempDir
    static Path dir;
    static AggregatorConfig configA;
    static AggregatorConfig configB;
    static DashboardServer serverA;
    static DashboardServer serverB;
    static KafkaStreams streamsA;
    static KafkaStreams streamsB;
    static final List<Alarm> alarms = new ArrayList<>();

    @BeforeAll
    static void start() {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        AggregatorConfig.Topics topics = TestSupport.topics(kafka, "cluster");
        configA = TestSupport.config(dir.resolve("a"), topics, false, Duration.ofMinutes(15));
        configB = TestSupport.config(dir.resolve("b"), topics, false, Duration.ofMinutes(15));
        String appId = "dash-cluster-" + System.nanoTime();
        serverA = DashboardServer.start(configA);
        serverB = DashboardServer.start(configB);
        streamsA = TestSupport.startStreams(configA, appId, serverA);
        streamsB = TestSupport.startStreams(configB, appId, serverB);
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> p = TestSupport.producer()) {
            for (int i = 1; i <= SITES; i++) {
                String site = String.format("site-%04d", i);
                TestSupport.send(p, topics, Samples.site(site, i % 5 == 0 ? SiteState.UNREACHABLE : SiteState.UP, now));
                Alarm a = Samples.siteAlarm(site, "LINK_DOWN", 3, Alarm.State.RAISED, now, now, null);
                alarms.add(a);
                TestSupport.send(p, topics, a);
            }
            p.flush();
        }
    }

    @AfterAll
    static void stop() {
        for (KafkaStreams s : new KafkaStreams[]{streamsA, streamsB}) {
            if (s != null) {
                s.close(Duration.ofSeconds(10));
            }
        }
        for (DashboardServer s : new DashboardServer[]{serverA, serverB}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static TestHttp loggedIn(DashboardServer s) {
        TestHttp h = new TestHttp(s.url(), null);
        assertThat(h.login(TestSupport.USER, TestSupport.PASSWORD).statusCode()).isEqualTo(200);
        return h;
    }

    private static int localCount(DashboardServer s, String path) {
        PeerAuth auth = new PeerAuth(TestSupport.PEER_SECRET.getBytes(), Clock.systemUTC());
        JsonNode n = TestHttp.parse(new TestHttp(s.url(), null).get(path, auth.sign("GET", path)));
        return n.get("items").size();
    }

    @Test
    void eitherInstanceAnswersForTheWholeCluster() {
        TestHttp a = loggedIn(serverA);
        TestHttp b = loggedIn(serverB);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(streamsA.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(streamsB.state()).isEqualTo(KafkaStreams.State.RUNNING);
            // both instances own part of the partitions: neither store alone has every site
            int localA = localCount(serverA, "/internal/sites");
            int localB = localCount(serverB, "/internal/sites");
            assertThat(localA).isPositive().isLessThan(SITES);
            assertThat(localB).isPositive().isLessThan(SITES);
            for (TestHttp h : List.of(a, b)) {
                JsonNode sites = h.json("/api/sites");
                assertThat(sites.get("partial").asBoolean()).as(sites.toString()).isFalse();
                assertThat(sites.get("instances").asInt()).isEqualTo(2);
                assertThat(sites.get("sites")).hasSize(SITES);
                JsonNode all = h.json("/api/alarms");
                assertThat(all.get("alarms")).extracting(n -> n.get("id").asText())
                        .containsExactlyInAnyOrderElementsOf(alarms.stream().map(Alarm::id).toList());
            }
        });
        assertThat(localCount(serverA, "/internal/alarms") + localCount(serverB, "/internal/alarms"))
                .isEqualTo(SITES);

        // every site's drill-down through either instance (key routed to the owner of its partition)
        for (TestHttp h : List.of(a, b)) {
            IntStream.rangeClosed(1, SITES).mapToObj(i -> String.format("site-%04d", i)).forEach(site -> {
                JsonNode d = h.json("/api/sites/" + site);
                assertThat(d.get("site").get("site").asText()).isEqualTo(site);
                assertThat(d.get("activeAlarms")).hasSize(1);
            });
        }
        JsonNode summary = b.json("/api/summary").get("summary");
        assertThat(summary.get("sites").asInt()).isEqualTo(SITES);
        assertThat(summary.get("byState").get("UNREACHABLE").asInt()).isEqualTo(3);
        JsonNode fleet = a.json("/api/fleet").get("gateways");
        assertThat(StreamSupport.stream(fleet.spliterator(), false).map(n -> n.get("site").asText()).distinct())
                .hasSize(SITES);

        // instance B's dashboard goes away (its Kafka Streams keeps its partitions): A says what is missing
        String bName = serverB.advertised();
        serverB.close();
        JsonNode partial = a.json("/api/sites");
        assertThat(partial.get("partial").asBoolean()).isTrue();
        assertThat(partial.get("missing")).extracting(n -> n.get("instance").asText()).containsExactly(bName);
        assertThat(partial.get("missing").get(0).get("reason").asText()).startsWith("unreachable");
        assertThat(partial.get("sites").size()).isEqualTo(localCount(serverA, "/internal/sites"));
    }
}
