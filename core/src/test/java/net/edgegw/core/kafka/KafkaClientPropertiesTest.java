package net.edgegw.core.kafka;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaClientPropertiesTest {

    @Test
    void userPropertiesThenBootstrapServersWhichTheyCannotOverride() {
        Map<String, Object> p = KafkaClientProperties.base("kafka:9093",
                Map.of("security.protocol", "SSL", "bootstrap.servers", "elsewhere:1"));
        assertThat(p).containsExactlyInAnyOrderEntriesOf(
                Map.of("security.protocol", "SSL", "bootstrap.servers", "kafka:9093"));
        p.put("client.id", "mutable");
        assertThat(p).containsKey("client.id");
    }
}
