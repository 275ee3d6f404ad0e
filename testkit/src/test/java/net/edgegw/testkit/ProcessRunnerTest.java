package net.edgegw.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    @Test
    void waitsForLinesAndTerminatesGracefully(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("svc.sh");
        Files.writeString(script, """
                #!/usr/bin/env bash
                trap 'echo "got TERM, bye"; exit 0' TERM
                echo "starting with GREETING=$GREETING in $(pwd)"
                echo "oops" >&2
                echo "listening on port 1234"
                while true; do sleep 0.1; done
                """);
        try (ProcessRunner p = ProcessRunner.builder("bash", script.toString()).env("GREETING", "hi")
                .directory(dir).log(dir.resolve("logs/svc.log")).start()) {
            String line = p.waitForLine(Pattern.compile("listening on port (\\d+)"), Duration.ofSeconds(10));
            assertThat(line).isEqualTo("listening on port 1234");
            assertThat(p.waitForLine(Pattern.compile("GREETING=hi in " + Pattern.quote(dir.toRealPath().toString())),
                    Duration.ofSeconds(1))).isNotNull();
            assertThat(p.tail(10)).contains("oops");
            assertThat(p.isAlive()).isTrue();
            assertThat(p.exitCode()).isEmpty();
            long mark = p.mark();
            assertThat(p.terminate(Duration.ofSeconds(10))).isTrue();
            assertThat(p.exitCode()).hasValue(0);
            assertThat(p.waitForLineAfter(mark, Pattern.compile("got TERM"), Duration.ofSeconds(2))).contains("bye");
            assertThatThrownBy(() -> p.waitForLine(Pattern.compile("never printed"), Duration.ofSeconds(5)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("exited with code 0")
                    .hasMessageContaining("| got TERM, bye");
        }
    }

    @Test
    void kill9TakesDescendantsAlong(@TempDir Path dir) throws Exception {
        // the script does not exec: its child must not survive the kill
        try (ProcessRunner p = ProcessRunner.builder("bash", "-c", "sleep 300 & echo child=$!; trap '' TERM; wait")
                .log(dir.resolve("k.log")).start()) {
            String line = p.waitForLine(Pattern.compile("child=\\d+"), Duration.ofSeconds(10));
            long child = Long.parseLong(line.substring("child=".length()));
            assertThat(ProcessHandle.of(child)).isPresent();
            assertThat(p.terminate(Duration.ofMillis(300))).as("TERM is ignored").isFalse();
            assertThat(p.exitCode()).hasValue(137);
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void timeoutMessageQuotesTheLog(@TempDir Path dir) {
        try (ProcessRunner p = ProcessRunner.start(List.of("bash", "-c", "echo line-one; sleep 30"),
                java.util.Map.of(), dir, dir.resolve("t.log"))) {
            assertThatThrownBy(() -> p.waitForLine(Pattern.compile("ready"), Duration.ofMillis(500)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("| line-one");
            assertThat(p.kill9()).isEqualTo(137);
        }
    }
}
