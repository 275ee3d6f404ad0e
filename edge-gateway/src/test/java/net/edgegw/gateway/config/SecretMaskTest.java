package net.edgegw.gateway.config;

import net.edgegw.core.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SecretMaskTest {

    static final String CONFIG = """
            site: site-1   # the site
            inputs:
              - {type: mqtt, name: sensors, broker: "tcp://127.0.0.1:1883", topics: ["a/#"], username: gw, password: 'mqtt-pw-1'}
              - type: mqtt
                name: meters
                broker: "tcp://127.0.0.1:1883"
                topics: ["m/#"]
                password: "mqtt-pw-2"
            uplink:
              bootstrapServers: "k:9093"
              properties:
                security.protocol: SASL_SSL
                sasl.jaas.config: |
                  org.apache.kafka.common.security.scram.ScramLoginModule required
                  username="gw" password="jaas-pw-3";
                ssl.key.password: key-pw-4
            """;

    @Test
    void masksEverySecretAndKeepsEverythingElseAsWritten() {
        String masked = SecretMask.mask(CONFIG);
        assertThat(masked).doesNotContain("mqtt-pw-1", "mqtt-pw-2", "jaas-pw-3", "key-pw-4", "ScramLoginModule");
        assertThat(masked).contains("# the site", "username: gw", "security.protocol: SASL_SSL",
                "password: \"********\"}", "sasl.jaas.config: \"********\"\n", "ssl.key.password: \"********\"\n");
        assertThat(masked.lines().count()).isLessThan(CONFIG.lines().count()); // the block scalar became one line
        assertThat(SecretMask.paths(CONFIG)).containsExactly("inputs[sensors].password", "inputs[meters].password",
                "uplink.properties.sasl.jaas.config", "uplink.properties.ssl.key.password");
        // still a valid config with the same structure
        assertThat(SecretMask.paths(masked)).isEqualTo(SecretMask.paths(CONFIG));
    }

    @Test
    void unmaskPutsTheCurrentValuesBackEvenAfterTheInputsWereReordered() {
        String masked = SecretMask.mask(CONFIG);
        // the technician swaps the two inputs (block style first) and changes a non-secret value
        String edited = masked.replace("site: site-1", "site: site-2");
        String restored = SecretMask.unmask(edited, CONFIG);
        assertThat(restored).isEqualTo(CONFIG.replace("site: site-1", "site: site-2"));

        String reordered = """
                site: site-1
                inputs:
                  - {type: mqtt, name: meters, broker: "tcp://127.0.0.1:1883", topics: ["m/#"], password: "********"}
                  - {type: mqtt, name: sensors, broker: "tcp://127.0.0.1:1883", topics: ["a/#"], username: gw, password: "********"}
                uplink: {bootstrapServers: "k:9093"}
                """;
        String r = SecretMask.unmask(reordered, CONFIG);
        assertThat(r).contains("name: meters, broker: \"tcp://127.0.0.1:1883\", topics: [\"m/#\"], password: \"mqtt-pw-2\"")
                .contains("name: sensors, broker: \"tcp://127.0.0.1:1883\", topics: [\"a/#\"], username: gw, password: 'mqtt-pw-1'");
    }

    @Test
    void aNewValueReplacesTheSecretAndAMaskWithoutACurrentValueIsAnErrorWithItsLine() {
        String edited = SecretMask.mask(CONFIG).replace("ssl.key.password: \"********\"", "ssl.key.password: new-pw");
        assertThat(SecretMask.unmask(edited, CONFIG)).contains("ssl.key.password: new-pw").contains("jaas-pw-3");

        String newInput = """
                site: site-1
                inputs:
                  - {type: mqtt, name: fresh, broker: "tcp://127.0.0.1:1883", topics: ["f/#"], password: "********"}
                """;
        ConfigException e = catchThrowableOfType(() -> SecretMask.unmask(newInput, CONFIG), ConfigException.class);
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.key()).isEqualTo("inputs[fresh].password");
            assertThat(err.line()).isEqualTo(3);
            assertThat(err.message()).contains("enter the value");
        });
    }

    @Test
    void aMaskedSecretIsNotSentToANewPlace() {
        String masked = SecretMask.mask(CONFIG);
        String otherBroker = masked.replace("name: sensors, broker: \"tcp://127.0.0.1:1883\"",
                "name: sensors, broker: \"tcp://evil.example:1883\"");
        ConfigException e = catchThrowableOfType(() -> SecretMask.unmask(otherBroker, CONFIG), ConfigException.class);
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.key()).isEqualTo("inputs[sensors].password");
            assertThat(err.line()).isEqualTo(3);
            assertThat(err.message()).contains("inputs[sensors].broker changed", "enter the value again");
        });
        String otherKafka = masked.replace("bootstrapServers: \"k:9093\"", "bootstrapServers: \"evil:9092\"");
        ConfigException k = catchThrowableOfType(() -> SecretMask.unmask(otherKafka, CONFIG), ConfigException.class);
        assertThat(k.errors()).extracting(err -> err.key()).containsExactly("uplink.properties.sasl.jaas.config",
                "uplink.properties.ssl.key.password");
        // with the value entered again the change is fine
        String reentered = otherKafka.replace("ssl.key.password: \"********\"", "ssl.key.password: key-pw-4")
                .replace("sasl.jaas.config: \"********\"", "sasl.jaas.config: \"x required;\"");
        assertThat(SecretMask.unmask(reentered, CONFIG)).contains("evil:9092", "key-pw-4");
    }

    @Test
    void textThatIsNotYamlIsLeftToTheLoaderToReport() {
        String broken = "site: [unclosed\n";
        assertThat(SecretMask.mask(broken)).startsWith("# this text is not valid YAML and is not shown");
        assertThat(SecretMask.unmask(broken, CONFIG)).isEqualTo(broken);
        catchThrowableOfType(() -> ConfigLoader.parse(broken, Path.of("/tmp")), ConfigException.class);
    }
}
