package net.edgegw.gateway.config;

import net.edgegw.core.config.ConfigException;
import net.edgegw.core.config.ConfigError;
import net.edgegw.adapters.net.Cidr;
import net.edgegw.adapters.tcp.TcpInput;
import net.edgegw.adapters.tcp.TcpInputSettings;
import net.edgegw.adapters.tcp.TcpInputSettings.Format;
import net.edgegw.adapters.tcp.TcpInputSettings.Precision;
import net.edgegw.adapters.tcp.TcpSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TcpConfigTest {

    static String config(String inputs) {
        return """
                site: site-1
                gateway: gw-1
                dataDir: /tmp/x
                inputs:
                %s
                uplink: {bootstrapServers: "127.0.0.1:9092"}
                """.formatted(inputs);
    }

    @Test
    void specExampleWithDefaults() {
        GatewayConfig c = ConfigLoader.parse(config("  - {type: tcp, name: collector, bind: \"0.0.0.0:5170\", format: ndjson}"),
                Path.of("/etc"));
        TcpInput t = (TcpInput) c.inputs().get(0);
        assertThat(t.name()).isEqualTo("collector");
        assertThat(t.settings().format()).isEqualTo(Format.NDJSON);
        assertThat(t.settings().bind().getPort()).isEqualTo(5170);
        assertThat(t.settings().precision()).isEqualTo(Precision.NS);
        assertThat(t.settings().hostField()).isNull();
        assertThat(t.settings().maxLineBytes()).isEqualTo(64 * 1024);
        assertThat(t.settings().maxConnections()).isEqualTo(1000);
        assertThat(t.settings().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(t.settings().allow()).isEmpty();
        assertThat(t.settings().tls()).isNull();
        assertThat(t.lane()).isEqualTo("default");
        assertThat(t.topic()).isNull();
        TcpInputSettings s = t.settings();
        assertThat(s.bind().getHostString()).isEqualTo("0.0.0.0");
        assertThat(s.format()).isEqualTo(Format.NDJSON);
        assertThat(Inputs.registry().createSource(t, new com.codahale.metrics.MetricRegistry(), Path.of("/tmp/x/inputs/collector")))
                .isInstanceOf(TcpSource.class);
    }

    @Test
    void everyKeyIsRead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("c.pem"), "x");
        Files.writeString(dir.resolve("k.pem"), "x");
        GatewayConfig c = ConfigLoader.parse(config("""
                  - type: tcp
                    name: metrics
                    bind: "127.0.0.1:8094"
                    format: influx
                    precision: ms
                    maxLineBytes: 512KiB
                    maxConnections: 20
                    idleTimeout: 30s
                    allow: ["10.0.0.0/8", "192.168.1.7"]
                    tls: {cert: c.pem, key: k.pem}
                    topic: telemetry.metrics
                  - {type: tcp, name: json, bind: "127.0.0.1:8095", format: ndjson, hostField: device}
                  - {type: tcp, name: text, bind: "127.0.0.1:8096", format: lines}
                """), dir);
        TcpInput m = (TcpInput) c.inputs().get(0);
        assertThat(m.settings().format()).isEqualTo(Format.INFLUX);
        assertThat(m.settings().precision()).isEqualTo(Precision.MS);
        assertThat(m.settings().maxLineBytes()).isEqualTo(512 * 1024);
        assertThat(m.settings().maxConnections()).isEqualTo(20);
        assertThat(m.settings().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(m.settings().allow()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.168.1.7"));
        assertThat(m.settings().tls().certChainPem()).isEqualTo(dir.resolve("c.pem"));
        assertThat(m.topic()).isEqualTo("telemetry.metrics");
        assertThat(m.settings().allow()).hasSize(2);
        assertThat(m.settings().tls().privateKeyPem()).isEqualTo(dir.resolve("k.pem"));
                assertThat(((TcpInput) c.inputs().get(1)).settings().hostField()).isEqualTo("device");
        assertThat(((TcpInput) c.inputs().get(2)).settings().format()).isEqualTo(Format.LINES);
    }

    @Test
    void errorsNameTheKeyAndLine() {
        String yaml = config("""
                  - type: tcp
                    name: bad
                    format: xml
                    maxLineBytes: 1MiB
                    maxConnections: 0
                    idleTimeout: soon
                    allow: ["10.1.2.3/8", "example.com"]
                    colour: blue
                  - {type: tcp, name: bad2, bind: "nohost", format: lines, precision: ms, hostField: dev}
                  - {type: tcp, name: bad3, bind: "127.0.0.1:1", format: influx, precision: minutes, tls: {cert: nope.pem}}
                  - {type: tcp, name: bad4, bind: "127.0.0.1:2"}
                """);
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(yaml, Path.of("/nonexistent")),
                ConfigException.class);
        assertThat(e).isNotNull();
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactlyInAnyOrder(
                "inputs[0].bind (line 5): is required (host:port such as 0.0.0.0:5170)",
                "inputs[0].format (line 7): must be one of ndjson, lines, influx, got 'xml'",
                "inputs[0].maxLineBytes (line 8): must be between 16 and 524288 bytes, got 1048576",
                "inputs[0].maxConnections (line 9): must be a whole number from 1 to 1000000, got '0'",
                "inputs[0].idleTimeout (line 10): must be a duration such as 250ms, 10s, 5m, 1h or 7d, got 'soon'",
                "inputs[0].allow[0] (line 11): CIDR '10.1.2.3/8' has host bits set; did you mean 10.0.0.0/8?",
                "inputs[0].allow[1] (line 11): 'example.com' is not an address or CIDR block such as 10.0.0.0/8 or 2001:db8::/32",
                "inputs[0].colour (line 12): unknown key (known here: type, name, lane, topic, bind, format, precision, "
                        + "hostField, maxLineBytes, maxConnections, idleTimeout, allow, tls)",
                "inputs[1].bind (line 13): must be host:port such as 0.0.0.0:514, got 'nohost'",
                "inputs[1].precision (line 13): only applies to format influx (this input is lines)",
                "inputs[1].hostField (line 13): only applies to format ndjson (this input is lines)",
                "inputs[2].precision (line 14): must be one of ns, us, ms, s, got 'minutes'",
                "inputs[2].tls (line 14): tls.cert and tls.key (PEM files)",
                "inputs[3].format (line 15): is required: ndjson, lines or influx");
    }
}
