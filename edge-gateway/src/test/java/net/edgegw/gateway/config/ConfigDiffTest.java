package net.edgegw.gateway.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigDiffTest {

    static final String BASE = """
            site: site-1
            gateway: gw-1
            dataDir: /var/lib/edge-gateway
            inputs:
              - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "0.0.0.0:514"}
              - {type: syslog, name: syslog-udp, protocol: udp, bind: "0.0.0.0:514"}
            uplink: {bootstrapServers: "k:9093", properties: {ssl.key.password: hunter2}}
            web: {bind: "0.0.0.0:8443"}
            """;

    static GatewayConfig parse(String text) {
        return ConfigLoader.parse(text, Path.of("/etc/edge-gateway"));
    }

    @Test
    void liveChangesAreListedAndNeedNoRestart() {
        String next = BASE.replace("bind: \"0.0.0.0:514\"}\n  - {type: syslog, name: syslog-udp", "bind: \"0.0.0.0:1514\"}\n  - {type: syslog, name: syslog-udp")
                .replace("  - {type: syslog, name: syslog-udp, protocol: udp, bind: \"0.0.0.0:514\"}\n",
                        "  - {type: tcp, name: collector, bind: \"0.0.0.0:5170\", format: ndjson}\n")
                .replace("uplink: {bootstrapServers: \"k:9093\", properties: {ssl.key.password: hunter2}}",
                        "uplink: {bootstrapServers: \"k:9093\", bandwidth: 64KiB, properties: {ssl.key.password: other}}\n"
                                + "routes: [{match: {severityAtMost: 7}, drop: true}]\ntags: {region: north}\n"
                                + "heartbeat: {interval: 2s}");
        ConfigDiff d = ConfigDiff.of(parse(BASE), parse(next));
        assertThat(d.restartRequired()).isEmpty();
        assertThat(d.inputsAdded()).containsExactly("collector");
        assertThat(d.inputsRemoved()).containsExactly("syslog-udp");
        assertThat(d.inputsChanged()).containsExactly("syslog-tcp");
        assertThat(d.pipelineChanged()).isTrue();
        assertThat(d.uplinkChanged()).isTrue();
        assertThat(d.heartbeatChanged()).isTrue();
        assertThat(String.join("\n", d.changes()))
                .contains("input collector added", "input syslog-udp removed", "input syslog-tcp changed",
                        "routes changed (0 -> 1)", "tags changed", "bandwidth 65536 B/s", "properties.ssl.key.password",
                        "interval 5000 ms -> 2000 ms")
                .doesNotContain("hunter2", "other");
    }

    @Test
    void identityFilesAndTheWebServerNeedARestart() {
        String next = BASE.replace("site: site-1", "site: site-2").replace("/var/lib/edge-gateway", "/srv/gw")
                .replace("0.0.0.0:8443", "0.0.0.0:9443") + "buffer: {maxBytes: 2GiB}\n";
        ConfigDiff d = ConfigDiff.of(parse(BASE), parse(next));
        assertThat(d.restartRequired()).hasSize(5); // the default lane's share follows buffer.maxBytes
        assertThat(String.join("\n", d.restartRequired())).contains("site changed from site-1 to site-2",
                "dataDir changed from /var/lib/edge-gateway to /srv/gw", "buffer changed", "lanes changed", "web changed",
                "needs a restart");
    }

    @Test
    void sameConfigIsNoChange() {
        assertThat(ConfigDiff.of(parse(BASE), parse(BASE + "# a comment\n")).isEmpty()).isTrue();
    }
}
