package net.edgegw.gateway.config;

import net.edgegw.core.config.ConfigException;
import net.edgegw.core.config.ConfigError;
import net.edgegw.adapters.mqtt.MqttInput;
import net.edgegw.adapters.mqtt.MqttInputSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MqttConfigTest {

    @TempDir
    Path dir;

    private static String config(String input) {
        return """
                site: site-1
                gateway: gw-1
                dataDir: data
                inputs:
                  - %s
                uplink: {bootstrapServers: "k:9092"}
                """.formatted(input);
    }

    private List<ConfigError> errors(String input) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(config(input), dir));
        assertThat(e).as("config must be refused").isNotNull();
        return e.errors();
    }

    @Test
    void specExampleLoadsWithDefaults() {
        GatewayConfig c = ConfigLoader.parse(config(
                "{type: mqtt, name: sensors, broker: \"tcp://127.0.0.1:1883\", topics: [\"sensors/#\"], qos: 1}"), dir);
        MqttInput in = (MqttInput) c.inputs().get(0);
        MqttInputSettings s = in.settings();
        assertThat(s.version()).isEqualTo(MqttInputSettings.Version.V5);
        assertThat(s.broker()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(s.topics()).containsExactly("sensors/#");
        assertThat(s.qos()).isEqualTo(1);
        assertThat(s.maxPayloadBytes()).isEqualTo(256 * 1024);
        assertThat(s.sessionExpiry()).isEqualTo(Duration.ofDays(7));
        assertThat(s.clientId()).isNull();
        assertThat(s.tls()).isNull();
        assertThat(in.lane()).isEqualTo("default");
    }

    @Test
    void everyKey() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "x");
        Files.writeString(dir.resolve("pw.txt"), "s3cret-from-file\n");
        GatewayConfig c = ConfigLoader.parse(config("""
                {type: mqtt, name: plc, broker: "mqtts://broker.site:8883", version: "3.1.1", clientId: gw-plc,
                     topics: ["plc/+/state", "plc/alarms/#"], qos: 2, username: gw, passwordFile: pw.txt,
                     tls: {ca: ca.pem}, hostFrom: "plc/{device}/state", maxPayloadBytes: 64KiB, sessionExpiry: 2d,
                     keepAlive: 20s, reconnectMax: 10s, topic: plc.events}"""), dir);
        MqttInput in = (MqttInput) c.inputs().get(0);
        MqttInputSettings s = in.settings();
        assertThat(s.version()).isEqualTo(MqttInputSettings.Version.V3_1_1);
        assertThat(s.broker()).isEqualTo("ssl://broker.site:8883");
        assertThat(s.clientId()).isEqualTo("gw-plc");
        assertThat(s.topics()).containsExactly("plc/+/state", "plc/alarms/#");
        assertThat(s.qos()).isEqualTo(2);
        assertThat(s.username()).isEqualTo("gw");
        assertThat(s.password()).isEqualTo("s3cret-from-file");
        assertThat(s.tls().caPem()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(s.hostFrom()).isEqualTo("plc/{device}/state");
        assertThat(s.maxPayloadBytes()).isEqualTo(65536);
        assertThat(s.sessionExpiry()).isEqualTo(Duration.ofDays(2));
        assertThat(s.keepAlive()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.reconnectMax()).isEqualTo(Duration.ofSeconds(10));
        assertThat(in.topic()).isEqualTo("plc.events");
        assertThat(in.toString()).doesNotContain("s3cret").contains("(hidden)");
        assertThat(s.toString()).doesNotContain("s3cret");
    }

    @Test
    void badValuesAreReportedWithTheirKeys() {
        List<ConfigError> errs = errors("""
                {type: mqtt, name: m, broker: "http://x:1", version: 4, topics: ["a/#/b", "c+"], qos: 3,
                     password: pw, hostFrom: "a/b", maxPayloadBytes: 1MiB, tls: {ca: missing.pem}, colour: red}""");
        assertThat(errs).extracting(ConfigError::key).contains("inputs[0].broker", "inputs[0].version",
                "inputs[0].topics[0]", "inputs[0].topics[1]", "inputs[0].qos", "inputs[0].username",
                "inputs[0].hostFrom", "inputs[0].maxPayloadBytes", "inputs[0].tls.ca", "inputs[0].colour");
        assertThat(errs).allSatisfy(e -> assertThat(e.line()).isBetween(5, 6)); // the flow mapping spans two lines
        assertThat(errs.toString()).doesNotContain("pw,").contains("must use tcp://, ssl://, mqtt:// or mqtts://")
                .contains("'#' must be").contains("'+' must be").contains("unknown key");
    }

    @Test
    void requiredKeysAndConflicts() throws Exception {
        Files.writeString(dir.resolve("pw.txt"), "x");
        assertThat(errors("{type: mqtt, name: m}")).extracting(ConfigError::key)
                .contains("inputs[0].broker", "inputs[0].topics");
        assertThat(errors("{type: mqtt, name: m, broker: \"tcp://h:1883\", topics: [a], username: u, password: p, passwordFile: pw.txt}"))
                .extracting(ConfigError::key).containsExactly("inputs[0].passwordFile");
        assertThat(errors("{type: mqtt, name: m, broker: \"tcp://h:1883\", topics: [a], tls: {}}"))
                .extracting(ConfigError::key).containsExactly("inputs[0].broker");
        assertThat(errors("{type: mqtt, name: m, broker: \"tcp://h:1883\", topics: [a], username: u, passwordFile: nope.txt}"))
                .extracting(ConfigError::message).anyMatch(m -> m.contains("not readable"));
    }
}
