package net.edgegw.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged command line (SPEC section 6): check-config, set-password, backlog, through bin/edge-gateway. */
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
}
