package net.edgegw.aggregator;

import net.edgegw.core.security.PasswordHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void checkConfigExitsZeroOrTwoWithKeyAndLine(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("ok.yaml"), "bootstrapServers: k:9092\n");
        Result ok = run("check-config", "--config", good.toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("OK (kafka k:9092, application cloud-aggregator, 0 rule(s)");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "bootstrapServers: k:9092\nstreamThreads: lots\n");
        Result ko = run("check-config", "--config", bad.toString());
        assertThat(ko.code()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(ko.err()).contains("1 error(s)")
                .contains("streamThreads (line 2): must be a whole number from 1 to 64, got 'lots'");
        assertThat(run("check-config").code()).isEqualTo(2); // picocli: missing option
        assertThat(run().code()).isEqualTo(1);
    }

    @Test
    void setPasswordWritesPrivateHashAndPeerSecretOnce(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("agg.yaml"), "bootstrapServers: k:9092\nstateDir: state\n");
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("correct horse battery\n".getBytes(StandardCharsets.UTF_8)));
            Result r = run("set-password", "--config", cfg.toString(), "--stdin");
            assertThat(r.code()).as(r.err()).isZero();
            Path hash = dir.resolve("state/dashboard-password");
            Path peer = dir.resolve("state/peer-secret");
            assertThat(PasswordHash.verify("correct horse battery".toCharArray(), Files.readString(hash).trim())).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hash))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(peer))).isEqualTo("rw-------");
            String secret = Files.readString(peer).trim();
            assertThat(Base64.getDecoder().decode(secret)).hasSize(32);

            System.setIn(new ByteArrayInputStream("another good password\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(run("set-password", "--config", cfg.toString(), "--stdin").code()).isZero();
            assertThat(PasswordHash.verify("another good password".toCharArray(), Files.readString(hash).trim())).isTrue();
            assertThat(Files.readString(peer).trim()).as("kept").isEqualTo(secret);
            try (var files = Files.list(dir.resolve("state"))) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                        "dashboard-password", "peer-secret");
            }

            System.setIn(new ByteArrayInputStream("short\n".getBytes(StandardCharsets.UTF_8)));
            Result tooShort = run("set-password", "--config", cfg.toString(), "--stdin");
            assertThat(tooShort.code()).isEqualTo(1);
            assertThat(tooShort.err()).contains("at least 10 characters");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void topologyLoadRejectsABadFileBeforeTouchingKafka(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("topo.csv"), "site,region\nsite-1,eu\nBAD,eu\n");
        Result r = run("topology", "load", csv.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertThat(r.code()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err()).contains("row 2.site (line 3): 'BAD' is not a site id").contains("nothing loaded");
        Result none = run("topology", "load", csv.toString());
        assertThat(none.code()).as("needs --config, --bootstrap-servers or a default config").isEqualTo(2);
        assertThat(none.err()).contains("no --config or --bootstrap-servers given");
    }

    @Test
    void topologyLoadFallsBackToTheDistributionsConfig(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/cloud-aggregator.yaml"), "bootstrapServers: \"127.0.0.1:1\"\n");
        Path csv = Files.writeString(dir.resolve("topo.csv"), "site,region\nBAD,eu\n");
        String before = System.getProperty("aggregator.home");
        System.setProperty("aggregator.home", dir.toString());
        try {
            Result r = run("topology", "load", csv.toString());
            assertThat(r.err()).doesNotContain("no --config").contains("'BAD' is not a site id");
            assertThat(r.code()).isEqualTo(Main.EXIT_CONFIG);
        } finally {
            if (before == null) {
                System.clearProperty("aggregator.home");
            } else {
                System.setProperty("aggregator.home", before);
            }
        }
    }

    @Test
    void mirrorRejectsAnIncompleteFile(@TempDir Path dir) throws Exception {
        Path props = Files.writeString(dir.resolve("mm2.properties"), "clusters = a, b\na.bootstrap.servers = x:1\n");
        Result r = run("mirror", "--config", props.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err()).contains("b.bootstrap.servers (line 1): is required: cluster 'b' is listed in clusters")
                .contains("no replication flow is enabled");
    }
}
