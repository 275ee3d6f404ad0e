package net.edgegw.gateway.config;

import net.edgegw.core.config.ConfigException;
import net.edgegw.core.config.ConfigError;
import net.edgegw.storeforward.Overflow;
import net.edgegw.storeforward.SyncMode;
import net.edgegw.adapters.syslog.SyslogInput;
import net.edgegw.adapters.syslog.SyslogInputSettings.Protocol;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {

    static final String SPEC_EXAMPLE = """
            site: site-0042                 # required, [a-z0-9][a-z0-9-]{0,62}
            gateway: gw-1                   # default: host name
            dataDir: /var/lib/edge-gateway
            inputs:
              - {type: syslog, name: syslog-udp, protocol: udp, bind: "0.0.0.0:514"}
              - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "0.0.0.0:514"}
            buffer: {maxBytes: 8GiB, overflow: drop-oldest}
            uplink: {bootstrapServers: "kafka.example.net:9093", delivery: exactly-once, compression: zstd}
            web: {bind: "0.0.0.0:8443"}
            """;

    @Test
    void specExampleLoadsWithDefaults() {
        GatewayConfig c = ConfigLoader.parse(SPEC_EXAMPLE, Path.of("/etc/edge-gateway"));
        assertThat(c.site()).isEqualTo("site-0042");
        assertThat(c.gateway()).isEqualTo("gw-1");
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/edge-gateway"));
        assertThat(c.buffer().maxBytes()).isEqualTo(8L << 30);
        assertThat(c.buffer().overflow()).isEqualTo(Overflow.DROP_OLDEST);
        assertThat(c.buffer().sync()).isEqualTo(SyncMode.NONE);
        assertThat(c.uplink().delivery()).isEqualTo(GatewayConfig.Delivery.EXACTLY_ONCE);
        assertThat(c.uplink().compression()).isEqualTo("zstd");
        assertThat(c.lanes()).extracting(GatewayConfig.LaneConfig::name).containsExactly("default");
        assertThat(c.inputs()).hasSize(2);
        SyslogInput udp = (SyslogInput) c.inputs().get(0);
        assertThat(udp.settings().protocol()).isEqualTo(Protocol.UDP);
        assertThat(udp.settings().bind().getHostString()).isEqualTo("0.0.0.0");
        assertThat(udp.settings().bind().getPort()).isEqualTo(514);
        assertThat(udp.settings().maxMessageBytes()).isEqualTo(65536);
        assertThat(udp.settings().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(udp.lane()).isEqualTo("default");
        assertThat(c.heartbeat().topic()).isEqualTo("edge.heartbeats");
        assertThat(c.deadLetter().topic()).isEqualTo("telemetry.deadletter");
        assertThat(c.hash()).hasSize(64);
    }

    @Test
    void everyErrorIsReportedWithKeyAndLine() {
        String yaml = """
                site: Site_42
                dataDir: ./data
                inputs:
                  - type: syslog
                    name: syslog-tcp
                    protocol: tpc
                    bind: "0.0.0.0:99999"
                    maxMessageBytes: 12 parsecs
                    colour: blue
                  - type: carrier-pigeon
                    name: birds
                buffer:
                  maxBytes: 8GiB
                  overflow: explode
                  maxAge: forever
                uplink:
                  delivery: twice
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, Path.of("/tmp")));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactlyInAnyOrder(
                "site (line 1): 'Site_42' must match [a-z0-9][a-z0-9-]{0,62}",
                "inputs[0].protocol (line 6): must be one of udp, tcp, tls, got 'tpc'",
                "inputs[0].bind (line 7): must be host:port such as 0.0.0.0:514, got '0.0.0.0:99999'",
                "inputs[0].maxMessageBytes (line 8): must be a size such as 65536, 64KiB, 512MiB or 8GiB, got '12 parsecs'",
                "inputs[0].colour (line 9): unknown key (known here: type, name, lane, topic, protocol, bind, maxMessageBytes, maxConnections, idleTimeout, allow, timezone, tls)",
                "inputs[1].type (line 10): unknown input type 'carrier-pigeon' (supported: syslog, mqtt, tcp)",
                "buffer.overflow (line 14): must be one of drop-oldest, block, got 'explode'",
                "buffer.maxAge (line 15): must be a duration such as 250ms, 10s, 5m, 1h or 7d, got 'forever'",
                "uplink.bootstrapServers (line 16): is required",
                "uplink.delivery (line 17): must be one of exactly-once, at-least-once, got 'twice'");
        assertThat(e.getMessage()).startsWith("site (line 1)");
    }

    @Test
    void minFreeDiskHasADefaultAndIsCheckedWithItsLine() {
        String base = """
                site: s1
                dataDir: data
                inputs:
                  - {type: syslog, name: in1, protocol: udp, bind: "127.0.0.1:0"}
                uplink: {bootstrapServers: "localhost:9092"}
                """;
        assertThat(ConfigLoader.parse(base, null).buffer().minFreeDisk()).isEqualTo(64L << 20);
        assertThat(ConfigLoader.parse(base + "buffer: {minFreeDisk: 1GiB}\n", null).buffer().minFreeDisk())
                .isEqualTo(1L << 30);
        assertThat(ConfigLoader.parse(base + "buffer: {minFreeDisk: 0}\n", null).buffer().minFreeDisk()).isZero();
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(base + "buffer:\n  minFreeDisk: lots\n", null));
        assertThat(e.getMessage()).isEqualTo("buffer.minFreeDisk (line 7): must be a size such as 65536, 64KiB, "
                + "512MiB or 8GiB, got 'lots'");
    }

    @Test
    void syntaxErrorsAndDuplicatesNameTheLine() {
        ConfigException bad = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse("site: a\ninputs: [\n  {type: syslog\n", null));
        assertThat(bad.getMessage()).contains("not valid YAML").contains("line");
        ConfigException dup = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse("site: a\nsite: b\n", null));
        assertThat(dup.getMessage()).isEqualTo("site (line 2): duplicate key 'site'");
    }

    @Test
    void lanesRoutesAndSecretsAreValidated() {
        String yaml = """
                site: s1
                gateway: gw-7
                dataDir: data
                lanes:
                  - {name: alarms, priority: 0}
                  - {name: bulk, priority: 1}
                inputs:
                  - {type: syslog, name: in1, protocol: tcp, bind: "127.0.0.1:0", lane: bulk, allow: ["10.0.0.0/8", "::1"]}
                routes:
                  - {match: {severityAtMost: 3}, lane: alarms}
                  - {match: {contains: debug}, drop: true}
                buffer: {maxBytes: 64MiB, overflow: block, sync: every-batch}
                uplink:
                  bootstrapServers: "127.0.0.1:9092"
                  delivery: at-least-once
                  bandwidth: 64KiB
                  properties: {security.protocol: SASL_SSL, sasl.jaas.config: "secret-jaas-line"}
                """;
        GatewayConfig c = ConfigLoader.parse(yaml, Path.of("/opt/gw"));
        assertThat(c.dataDir()).isEqualTo(Path.of("/opt/gw/data"));
        assertThat(c.lanes()).extracting(GatewayConfig.LaneConfig::maxBytes).containsExactly(32L << 20, 32L << 20);
        assertThat(c.routes()).hasSize(2);
        assertThat(c.routes().get(0).severityAtMost()).isEqualTo(3);
        assertThat(c.routes().get(1).drop()).isTrue();
        assertThat(c.uplink().bandwidth()).isEqualTo(65536);
        assertThat(c.uplink().toString()).doesNotContain("secret-jaas-line");
        assertThat(c.toString()).doesNotContain("secret-jaas-line");

        assertThatThrownBy(() -> ConfigLoader.parse(yaml.replace("lane: bulk", "lane: fast")
                .replace("bootstrap.servers", "x"), null))
                .hasMessageContaining("inputs[0].lane (line 8): unknown lane 'fast' (lanes: ");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml.replace("\"::1\"", "\"10.0.0.0/33\""), null))
                .hasMessageContaining("inputs[0].allow[1] (line 8): '10.0.0.0/33' is not an address or CIDR block");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml.replace("security.protocol", "transactional.id"), null))
                .hasMessageContaining("uplink.properties.transactional.id (line 17): is set by the gateway");
    }
}
