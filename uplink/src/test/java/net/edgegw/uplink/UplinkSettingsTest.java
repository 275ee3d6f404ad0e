package net.edgegw.uplink;

import net.edgegw.core.security.Secrets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UplinkSettingsTest {

    private static final UplinkSettings D = UplinkSettings.defaults("kafka:9093");

    @Test
    void defaults() {
        assertThat(D.delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(D.compression()).isEqualTo("zstd");
        assertThat(D.clientProperties()).isEmpty();
        assertThat(D.batchMaxRecords()).isEqualTo(10_000);
        assertThat(D.batchMaxBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(D.batchWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(D.bandwidthBytesPerSec()).isZero();
        assertThat(D.checkpointsTopic()).isEqualTo("edge.checkpoints");
        assertThat(D.backoffMin()).isEqualTo(Duration.ofMillis(200));
        assertThat(D.backoffMax()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void nullsMeanDefaults() {
        UplinkSettings s = new UplinkSettings(" kafka:9093 ", null, null, null, 10, 2048, null, 0, null, null, null);
        assertThat(s.bootstrapServers()).isEqualTo("kafka:9093");
        assertThat(s.delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(s.compression()).isEqualTo("zstd");
        assertThat(s.checkpointsTopic()).isEqualTo("edge.checkpoints");
        assertThat(s.batchWait()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void refusesInvalidValuesNamingTheField() {
        assertThatThrownBy(() -> UplinkSettings.defaults(" ")).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> D.withCompression("brotli")).hasMessageContaining("compression");
        assertThatThrownBy(() -> D.withBatch(0, 4096, Duration.ZERO)).hasMessageContaining("batchMaxRecords");
        assertThatThrownBy(() -> D.withBatch(10, 100, Duration.ZERO)).hasMessageContaining("batchMaxBytes");
        assertThatThrownBy(() -> D.withBatch(10, 4096, Duration.ofMillis(-1))).hasMessageContaining("batchWait");
        assertThatThrownBy(() -> D.withBandwidth(-1)).hasMessageContaining("bandwidthBytesPerSec");
        assertThatThrownBy(() -> D.withBandwidth(10)).hasMessageContaining("bandwidthBytesPerSec");
        assertThatThrownBy(() -> D.withCheckpointsTopic("bad topic")).hasMessageContaining("checkpointsTopic");
        assertThatThrownBy(() -> D.withCheckpointsTopic("..")).hasMessageContaining("checkpointsTopic");
        assertThatThrownBy(() -> D.withBackoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("backoffMin");
        assertThatThrownBy(() -> D.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("backoffMax");
        assertThat(D.withBatch(1, 1024, Duration.ZERO).batchWait()).isZero();
        assertThat(D.withCompression("LZ4").compression()).isEqualTo("lz4");
    }

    @Test
    void refusesClientPropertiesTheGuaranteeDependsOn() {
        for (String k : new String[]{"transactional.id", "enable.idempotence", "acks", "isolation.level",
                "bootstrap.servers", "value.serializer"}) {
            assertThatThrownBy(() -> D.withClientProperties(Map.of(k, "x")))
                    .as(k).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(k);
        }
        assertThat(D.withClientProperties(Map.of("linger.ms", "20")).clientProperties())
                .containsEntry("linger.ms", "20");
    }

    @Test
    void toStringRedactsSecrets() {
        UplinkSettings s = D.withClientProperties(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"gw\" password=\"hunter2\";",
                "ssl.truststore.password", "trustpw",
                "ssl.key.password", "keypw",
                "ssl.keystore.certificate.chain", "-----BEGIN CERTIFICATE-----",
                "sasl.oauthbearer.token.endpoint.url", "https://idp/token",
                "my.client.secret", "s3cr3t"));
        String text = s.toString();
        assertThat(text).doesNotContain("hunter2", "trustpw", "keypw", "s3cr3t", "BEGIN CERTIFICATE", "idp/token")
                .contains("SASL_SSL", "SCRAM-SHA-512", "sasl.jaas.config=[redacted]", "ssl.key.password=[redacted]",
                        "bootstrapServers=kafka:9093", "delivery=exactly-once");
        assertThat(Secrets.isSensitive("SSL.KEY.PASSWORD")).isTrue();
        assertThat(Secrets.isSensitive("linger.ms")).isFalse();
    }

    @Test
    void deliveryParsesConfigNames() {
        assertThat(Delivery.fromConfig("exactly-once")).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(Delivery.fromConfig("AT_LEAST_ONCE")).isEqualTo(Delivery.AT_LEAST_ONCE);
        assertThatThrownBy(() -> Delivery.fromConfig("maybe")).hasMessageContaining("exactly-once");
    }
}
