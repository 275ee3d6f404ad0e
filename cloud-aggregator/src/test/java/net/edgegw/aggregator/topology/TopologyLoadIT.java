package net.edgegw.aggregator.topology;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfigLoader;
import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.testkit.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import net.edgegw.aggregator.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Topic bootstrap and topology load / dry run / prune on a real broker. */
class TopologyLoadIT {

    @Test
    void loadDiffsAgainstTheTopicAndPrunes() {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        Map<String, Object> props = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        TopologyLoader loader = new TopologyLoader(props, "topology-it");
        List<TopologyEntry> v1 = TopologyFile.parseCsv("""
                site,region,upstream,tags
                site-1,eu,agg-7,tier=gold
                site-2,eu,agg-7,
                site-3,eu,agg-8,
                """);
        TopologyLoader.Plan dry = loader.plan(v1, true);
        assertThat(dry.createTopic()).isTrue();
        assertThat(dry.added()).hasSize(3);

        TopologyLoader.Plan first = loader.load(v1, false);
        assertThat(first.createTopic()).isTrue();
        assertThat(first.writes()).isEqualTo(3);
        assertThat(loader.readCurrent()).containsOnlyKeys("site-1", "site-2", "site-3")
                .containsEntry("site-1", new TopologyEntry("site-1", "eu", "agg-7", Map.of("tier", "gold")));

        List<TopologyEntry> v2 = TopologyFile.parseYaml("""
                - {site: site-1, region: eu, upstream: agg-7, tags: {tier: gold}}
                - {site: site-2, region: eu, upstream: agg-9}
                """);
        TopologyLoader.Plan dry2 = loader.plan(v2, true);
        assertThat(dry2.unchanged()).isEqualTo(1);
        assertThat(dry2.changed()).extracting(TopologyEntry::site).containsExactly("site-2");
        assertThat(dry2.pruned()).containsExactly("site-3");
        assertThat(loader.readCurrent()).as("dry run wrote nothing").containsKey("site-3");

        TopologyLoader.Plan second = loader.load(v2, true);
        assertThat(second.writes()).isEqualTo(2);
        assertThat(loader.readCurrent()).containsOnlyKeys("site-1", "site-2")
                .containsEntry("site-2", new TopologyEntry("site-2", "eu", "agg-9", Map.of()));
        assertThat(loader.load(v2, true).writes()).as("idempotent").isZero();
    }

    @Test
    void commandLineDryRunThenLoad(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        Path csv = Files.writeString(dir.resolve("sites.csv"), "site,upstream\nsite-a,agg-1\nsite-b,agg-1\n");
        String[] base = {"topology", "load", csv.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--topic", "topology-cli-it"};
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out));
        String[] dry = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.stream.Stream.of("--dry-run"))
                .toArray(String[]::new);
        assertThat(cli.execute(dry)).isZero();
        assertThat(out.toString()).contains("would create the compacted topic topology-cli-it",
                "would add    site-a (region null, upstream agg-1, tags {})",
                "dry run, topology-cli-it: 2 new, 0 changed, 0 unchanged, 0 to prune; nothing written");
        assertThat(new CommandLine(new Main()).setOut(new PrintWriter(out)).execute(base)).isZero();
        assertThat(out.toString()).contains("topology-cli-it: 2 new, 0 changed, 0 unchanged, 0 pruned (2 record(s) written)");
    }

    @Test
    void bootstrapCreatesMissingTopicsWithTheirPolicies() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        AggregatorConfig cfg = AggregatorConfigLoader.parse("""
                bootstrapServers: "%s"
                topics: {alarms: it.alarms, sites: it.sites, topology: it.topology}
                """.formatted(kafka.bootstrapServers()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            List<String> created = TopicBootstrap.ensure(admin, cfg);
            assertThat(created).startsWith("it.alarms", "it.sites", "it.topology");
            // plus, on a cluster no gateway wrote to yet, the contract input topics (Kafka Streams needs a match)
            assertThat(created.subList(3, created.size())).isSubsetOf("telemetry.syslog", "telemetry.mqtt",
                    "telemetry.tcp", "edge.heartbeats");
            assertThat(TopicBootstrap.ensure(admin, cfg)).isEmpty();
            assertThat(admin.listTopics().names().get()).anyMatch(t -> t.matches(cfg.topics().telemetryPattern()))
                    .anyMatch(t -> t.matches(cfg.topics().heartbeatPattern()));
            for (var t : Map.of("it.alarms", "delete", "it.sites", "compact", "it.topology", "compact").entrySet()) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.getKey());
                ConfigEntry policy = admin.describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy");
                assertThat(policy.value()).as(t.getKey()).isEqualTo(t.getValue());
            }
        }
    }

    @Test
    void anInputPatternThatMatchesNothingCreatableIsAClearStartError() {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        AggregatorConfig cfg = AggregatorConfigLoader.parse("""
                bootstrapServers: "%s"
                topics: {telemetryPattern: '^nothing-matches-this$', alarms: it2.alarms, sites: it2.sites, topology: it2.topology}
                """.formatted(kafka.bootstrapServers()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThatThrownBy(() -> TopicBootstrap.ensure(admin, cfg)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("topics.telemetryPattern '^nothing-matches-this$' matches no topic");
        }
    }
}
