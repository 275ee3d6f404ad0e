package net.edgegw.packaging;

import net.edgegw.testkit.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launchers, {@code bin/edge-gateway} and {@code bin/cloud-aggregator}, as an operator meets them: installed under
 * a path with spaces, called directly, through a symlink elsewhere (a Debian package's {@code /usr/bin} link), through
 * a chain of relative symlinks, through a symlinked installation directory, and from the unpacked tarball. Each way
 * runs {@code check-config} on a valid file (exit 0), {@code --version} and the usage, and starts quietly: no logback
 * status report (one logback config per program, the shipped {@code config/logback.xml}).
 */
class LauncherIT {
    /** A line of logback's own status report ("12:00:00,123 |-INFO in ch.qos.logback.classic..."). */
    private static final Pattern LOGBACK_STATUS = Pattern.compile("\\|-(INFO|WARN|ERROR) in |ch\\.qos\\.logback");
    /** A line in the shipped config's pattern: ISO timestamp with offset, level, [thread]. */
    private static final Pattern SHIPPED_PATTERN =
            Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[main] ");

    @TempDir
    Path tmp;

    private final AtomicInteger runs = new AtomicInteger();

    record Result(int code, String output) {
    }

    @Test
    void gatewayLauncherWorksFromASpacedPathThroughSymlinksAndFromTheTarball() throws Exception {
        Path config = E2E.writeConfig(tmp.resolve("site config"), """
                site: site-7
                gateway: gw-launch
                dataDir: "buffer dir"
                inputs:
                  - {type: syslog, name: udp-514, protocol: udp, bind: "127.0.0.1:0"}
                uplink: {bootstrapServers: "127.0.0.1:9"}
                """);
        Map<String, Path> ways = everyWay("edge-gateway", E2E.dist());

        for (Map.Entry<String, Path> way : ways.entrySet()) {
            checkCommands(way.getKey(), way.getValue(), "edge-gateway", config, "OK (site site-7, gateway gw-launch");
        }

        // run through the /usr/bin-style symlink: starts with the shipped logback config, no status report
        String run = runUntilReady(ways.get("symlink"), config, null);
        assertThat(run).as(run).containsPattern(SHIPPED_PATTERN);

        // JAVA_OPTS is a list of options, given after the launcher's own (so an operator's logback config wins)
        Path alt = tmp.resolve("alt-logback.xml");
        Files.writeString(alt, """
                <configuration><appender name="O" class="ch.qos.logback.core.ConsoleAppender">
                  <encoder><pattern>ALT %msg%n</pattern></encoder></appender>
                  <root level="INFO"><appender-ref ref="O"/></root></configuration>
                """);
        String altRun = runUntilReady(ways.get("tarball"), config, "-Xms16m -Dlogback.configurationFile=" + alt);
        assertThat(altRun).as(altRun).containsPattern("(?m)^ALT edge-gateway \\S+ ready");
    }

    @Test
    void aggregatorLauncherWorksFromASpacedPathThroughSymlinksAndFromTheTarball() throws Exception {
        Path config = Files.createDirectories(tmp.resolve("agg config")).resolve("cloud-aggregator.yaml");
        Files.writeString(config, "bootstrapServers: kafka.example.net:9092\n");
        Path dist = GatewayToAggregatorIT.aggregatorLauncher().toAbsolutePath().normalize().getParent().getParent();

        for (Map.Entry<String, Path> way : everyWay("cloud-aggregator", dist).entrySet()) {
            checkCommands(way.getKey(), way.getValue(), "cloud-aggregator", config,
                    "OK (kafka kafka.example.net:9092, application cloud-aggregator");
        }
    }

    /**
     * The launcher of a copy of {@code dist} under a path with spaces, reached each way: "direct", "symlink"
     * (absolute, from another directory), "relative chain" (two relative links), "linked home" (the installation
     * directory is a symlink) and "tarball" (the release tarball unpacked under a path with spaces).
     */
    private Map<String, Path> everyWay(String program, Path dist) throws Exception {
        Path home = tmp.resolve("opt with space").resolve(program + " home");
        copyTree(dist, home);
        Path direct = home.resolve("bin").resolve(program);
        Map<String, Path> ways = new LinkedHashMap<>();
        ways.put("direct", direct);

        Path usrBin = Files.createDirectories(tmp.resolve("usr bin"));
        ways.put("symlink", Files.createSymbolicLink(usrBin.resolve(program), direct));

        Path chain = Files.createDirectories(tmp.resolve("link chain"));
        Path second = Files.createSymbolicLink(chain.resolve("second link"), chain.relativize(direct));
        Path first = Files.createSymbolicLink(chain.resolve("first link"), Path.of(second.getFileName().toString()));
        Path otherBin = Files.createDirectories(tmp.resolve("other bin"));
        ways.put("relative chain", Files.createSymbolicLink(otherBin.resolve(program),
                otherBin.relativize(first)));

        Path linkedHome = Files.createSymbolicLink(tmp.resolve("current " + program), home);
        ways.put("linked home", linkedHome.resolve("bin").resolve(program));

        String version = versionOf(program, direct);
        Path tarball = dist.getParent().resolve(program + "-" + version + ".tar.gz");
        assertThat(tarball).as("the release tarball").isRegularFile();
        Path unpacked = Files.createDirectories(tmp.resolve("un packed " + program));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString())
                .inheritIO().start();
        assertThat(tar.waitFor()).as("tar -xzf " + tarball).isZero();
        ways.put("tarball", unpacked.resolve(program).resolve("bin").resolve(program));
        return ways;
    }

    private String versionOf(String program, Path launcher) {
        Result v = run(launcher, "--version");
        assertThat(v.code()).as(v.output()).isZero();
        assertThat(v.output().strip()).as("a packaged version").matches(Pattern.quote(program) + " \\d\\S*");
        return v.output().strip().substring(program.length() + 1);
    }

    private void checkCommands(String way, Path launcher, String program, Path config, String ok) {
        Result check = run(launcher, "check-config", "--config", config.toString());
        assertThat(check.code()).as(way + ": " + check.output()).isZero();
        assertThat(check.output()).as(way).contains(ok);
        assertQuiet(way, check.output());

        Result version = run(launcher, "--version");
        assertThat(version.code()).as(way + ": " + version.output()).isZero();
        assertThat(version.output()).as(way).startsWith(program + " ");
        assertQuiet(way, version.output());

        Result usage = run(launcher);
        assertThat(usage.code()).as(way + ": " + usage.output()).isEqualTo(1);
        assertThat(usage.output()).as(way).contains("Usage: " + program).contains("check-config");
        assertQuiet(way, usage.output());
    }

    private static void assertQuiet(String way, String output) {
        assertThat(output.lines().filter(l -> LOGBACK_STATUS.matcher(l).find()))
                .as(way + ": no logback status lines in\n" + output).isEmpty();
    }

    /** Starts {@code run}, waits for "ready", stops it; returns its output, asserted free of logback status lines. */
    private String runUntilReady(Path launcher, Path config, String javaOpts) throws IOException {
        Path log = tmp.resolve("logs").resolve("run-" + runs.incrementAndGet() + ".log");
        try (ProcessRunner gw = ProcessRunner.builder(launcher.toString()).args("run", "--config", config.toString())
                .env("JAVA_OPTS", javaOpts).log(log).start()) {
            gw.waitForLine(E2E.READY, Duration.ofSeconds(90));
            gw.terminate(Duration.ofSeconds(30));
        }
        String out = Files.readString(log);
        assertQuiet(launcher.toString(), out);
        return out;
    }

    private Result run(Path launcher, String... args) {
        Path log = tmp.resolve("logs").resolve("cmd-" + runs.incrementAndGet() + ".log");
        try (ProcessRunner p = ProcessRunner.builder(launcher.toString()).args(args).env("JAVA_OPTS", null)
                .log(log).start()) {
            OptionalInt code = p.waitFor(Duration.ofSeconds(60));
            assertThat(code).as(launcher + " " + String.join(" ", args) + " exits").isPresent();
            return new Result(code.getAsInt(), Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a distribution with its file modes (the launcher stays executable). */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
