package net.edgegw.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.testkit.FreePorts;
import net.edgegw.testkit.ProcessRunner;
import net.edgegw.testkit.SyslogSender;
import net.edgegw.testkit.SyslogSender.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The packaged command line (SPEC section 6): check-config, set-password, backlog, through bin/edge-gateway; dataDir
 * problems named with key and line by check-config and run (before any port is opened); backlog while the gateway
 * runs.
 */
class CliIT {

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(E2E.launcher().toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void checkConfigAcceptsAGoodFileAndNamesKeyAndLineOfEveryError() throws Exception {
        Path good = E2E.writeConfig(tmp.resolve("good"), """
                site: site-0042
                gateway: gw-1
                dataDir: data
                inputs:
                  - {type: syslog, name: syslog-udp, protocol: udp, bind: "0.0.0.0:514"}
                buffer: {maxBytes: 8GiB, overflow: drop-oldest}
                uplink: {bootstrapServers: "kafka.example.net:9093", delivery: exactly-once, compression: zstd,
                         properties: {sasl.jaas.config: "top-secret-value"}}
                """);
        Result ok = run(null, "check-config", "--config", good.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("OK").contains("site-0042").doesNotContain("top-secret-value");

        Path bad = E2E.writeConfig(tmp.resolve("bad"), """
                site: Bad Site
                inputs:
                  - {type: syslog, name: s, protocol: udp, bind: "0.0.0.0:514", colour: red}
                uplink: {delivery: maybe}
                """);
        Result ko = run(null, "check-config", "--config", bad.toString());
        assertThat(ko.code()).isEqualTo(2);
        assertThat(ko.err()).contains("site (line 1): 'Bad Site' must match")
                .contains("inputs[0].colour (line 3): unknown key")
                .contains("uplink.bootstrapServers (line 4): is required")
                .contains("uplink.delivery (line 4): must be one of exactly-once, at-least-once, got 'maybe'");

        Result run = run(null, "run", "--config", bad.toString());
        assertThat(run.code()).as("run refuses a bad config").isEqualTo(2);
    }

    @Test
    void setPasswordStoresOnlyASaltedHashAndBacklogReadsAStoppedGatewaysBuffer() throws Exception {
        Path config = E2E.writeConfig(tmp.resolve("gw"), """
                site: site-1
                gateway: gw-1
                dataDir: data
                inputs:
                  - {type: syslog, name: syslog-udp, protocol: udp, bind: "127.0.0.1:0"}
                uplink: {bootstrapServers: "127.0.0.1:9"}
                """);
        Result tooShort = run("short\n", "set-password", "--config", config.toString(), "--stdin");
        assertThat(tooShort.code()).isEqualTo(1);
        Result set = run("correct horse battery staple\n", "set-password", "--config", config.toString(), "--stdin");
        assertThat(set.code()).as(set.err()).isZero();
        Path hash = tmp.resolve("gw/data/web-password");
        String stored = Files.readString(hash);
        assertThat(stored).startsWith("pbkdf2-sha256$210000$").doesNotContain("horse");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hash))).isEqualTo("rw-------");

        Result empty = run(null, "backlog", "--config", config.toString());
        assertThat(empty.code()).as(empty.err()).isZero();
        assertThat(empty.out()).contains("default").contains("no buffer yet");
    }

    @Test
    void checkConfigAndRunNameAnUnusableDataDirWithKeyAndLineAndRunOpensNothing() throws Exception {
        Path file = Files.writeString(tmp.resolve("data-file"), "a plain file");
        Path parent; // the nearest existing ancestor, which the gateway cannot write
        if ("root".equals(System.getProperty("user.name"))) {
            parent = Path.of("/sys"); // root writes through permissions; sysfs takes no new file
        } else {
            parent = Files.createDirectory(tmp.resolve("ro"));
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        String unwritable = parent.resolve("edge-gateway-it/data").toString();
        for (String[] c : new String[][]{{file.toString(), file + " is a file, not a directory"},
                {unwritable, unwritable + " cannot be created: parent " + parent
                        + " is not writable by user " + System.getProperty("user.name")}}) {
            int port = FreePorts.tcp();
            Path config = E2E.writeConfig(tmp.resolve("bad-data-" + port), """
                    site: site-1
                    gateway: gw-1
                    dataDir: %s
                    inputs:
                      - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                    uplink: {bootstrapServers: "127.0.0.1:9"}
                    """.formatted(c[0], port));
            String expected = "dataDir (line 3): " + c[1];
            Result check = run(null, "check-config", "--config", config.toString());
            assertThat(check.code()).as(check.err()).isEqualTo(2);
            assertThat(check.err()).contains(config + ": 1 error(s)").contains(expected);

            Result run = run(null, "run", "--config", config.toString());
            assertThat(run.code()).as(run.err() + run.out()).isEqualTo(2);
            assertThat(run.err()).contains(config + ": 1 error(s)").contains(expected);
            assertThat(run.out() + run.err()).as("no stack trace, nothing started")
                    .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("listening on")
                    .doesNotContain("Buffer lane");
            try (java.net.Socket s = new java.net.Socket()) {
                assertThatThrownBy(() -> s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000))
                        .as("the input's port was never bound").isInstanceOf(IOException.class);
            }
        }
        assertThat(file).hasContent("a plain file");
    }

    @Test
    void backlogReadsTheBufferOfARunningGatewayInTextAndJson() throws Exception {
        int tcp = FreePorts.tcp();
        Path config = E2E.writeConfig(tmp.resolve("running"), """
                site: site-1
                gateway: gw-1
                dataDir: data
                inputs:
                  - {type: syslog, name: syslog-tcp, protocol: tcp, bind: "127.0.0.1:%d"}
                uplink: {bootstrapServers: "127.0.0.1:%d"}
                """.formatted(tcp, FreePorts.tcp())); // no broker there: every record stays buffered
        int n = 500;
        try (ProcessRunner gw = E2E.startGateway(config, tmp.resolve("running/gateway.log"))) {
            assertThat(SyslogSender.to("127.0.0.1", tcp).transport(Transport.TCP_OCTET_COUNTING).hostname("rtr")
                    .appName("cli").messageSize(200).build().send(0, n)).isEqualTo(n);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                Result json = run(null, "backlog", "--config", config.toString(), "--json");
                assertThat(json.code()).as(json.err()).isZero();
                JsonNode doc = E2E.JSON.readTree(json.out());
                JsonNode lane = doc.get("lanes").get(0);
                assertThat(lane.get("lane").asText()).isEqualTo("default");
                assertThat(lane.get("records").asLong()).isEqualTo(n);
                assertThat(lane.get("bytes").asLong()).isGreaterThan(n * 200L);
                assertThat(lane.get("oldestUnsentAgeMs").asLong()).isNotNegative();
                assertThat(lane.get("droppedOverflow").asLong()).isZero();
                assertThat(lane.get("droppedExpired").asLong()).isZero();
                assertThat(lane.get("droppedDiskFull").asLong()).isZero();
                assertThat(doc.get("total").get("records").asLong()).isEqualTo(n);
            });
            Result text = run(null, "backlog", "--config", config.toString(), "--records", "2");
            assertThat(text.code()).as(text.err()).isZero();
            assertThat(text.out()).containsPattern("(?m)^default +" + n + " +\\d+\\.\\d (KiB|MiB) +(\\d+ ms|\\d+ s|\\d+ m \\d+ s) +0 +0 +0 +- *$")
                    .containsPattern("(?m)^total +" + n + " ")
                    .contains("site-1:gw-1:default:").contains("-> telemetry.syslog");
            assertThat(gw.isAlive()).as("the running gateway is undisturbed").isTrue();
            assertThat(gw.terminate(Duration.ofSeconds(30))).isTrue();
        }
    }
}
