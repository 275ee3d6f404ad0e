package net.edgegw.aggregator.mirror;

import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MirrorConfigTest {

    @Test
    void shippedExampleIsValid() {
        var props = MirrorConfig.load(Path.of("../packaging/src/config/mirror.properties"));
        assertThat(MirrorConfig.flows(props)).containsExactly("region-eu->central");
        assertThat(props).containsEntry("region-eu->central.topics", "telemetry\\..*, edge\\.heartbeats")
                .containsEntry("region-eu.consumer.isolation.level", "read_committed")
                .containsEntry("replication.policy.class", "org.apache.kafka.connect.mirror.DefaultReplicationPolicy");
    }

    @Test
    void everyProblemNamesKeyAndLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> MirrorConfig.parse("""
                # two regions
                clusters = region-eu, central, bad alias
                region-eu.bootstrap.servers = eu:9092
                region-eu->central.enabled = yes
                region-us->central.enabled = true
                region-eu->central.topics = telemetry\\\\..*, (unclosed
                """));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "clusters (line 2): 'bad alias' is not a cluster alias (letters, digits, '.', '_', '-')",
                "central.bootstrap.servers (line 2): is required: cluster 'central' is listed in clusters",
                "region-eu->central.enabled (line 4): must be true or false, got 'yes'",
                "region-us->central.enabled (line 5): unknown cluster alias 'region-us' (clusters: region-eu, central)",
                "region-eu->central.topics (line 6): '(unclosed' is not a valid regular expression: Unclosed group");
        ConfigException none = catchThrowableOfType(ConfigException.class, () -> MirrorConfig.parse("a.b = c\n"));
        assertThat(none.errors()).extracting(ConfigError::toString).containsExactly(
                "clusters: is required: the comma-separated cluster aliases, e.g. clusters = region-eu, central",
                "no replication flow is enabled: add a line such as 'region-eu->central.enabled = true'");
    }
}
