package net.edgegw.bench.aggregator;

import net.edgegw.testkit.EmbeddedKafka;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The aggregator of the fleet and coldstart modes, alone in its own JVM ({@link AggregatorChild}) with a fresh state
 * directory: started with {@code --child-heap} (1g), {@code --child-jvm-opts} and {@code --child-jfr FILE}, driven by
 * line commands on its stdin. Its stderr goes to {@code <out>/child.err}.
 */
final class Child implements AutoCloseable {

    final Process process;
    final BlockingQueue<String> out;
    private final Writer in;

    private Child(Process process) {
        this.process = process;
        this.out = Support.pump(process);
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Launches the child and returns once it says {@code CHILD READY} (at most 180 s). */
    static Child start(Map<String, String> a, EmbeddedKafka kafka, Path outDir, Path state, String appId, int threads,
                       int holdDownS) throws IOException, InterruptedException {
        Support.deleteTree(state);
        Files.createDirectories(outDir);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + a.getOrDefault("child-heap", "1g"), "-XX:+UseG1GC"));
        for (String o : a.getOrDefault("child-jvm-opts", "").split(" ")) { // e.g. NMT for a memory breakdown
            if (!o.isBlank()) {
                cmd.add(o);
            }
        }
        if (a.containsKey("child-jfr")) {
            cmd.add("-XX:StartFlightRecording=filename=" + a.get("child-jfr") + ",settings=profile");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AggregatorBench.class.getName(),
                "child", "--bootstrap", kafka.bootstrapServers(), "--app-id", appId, "--state-dir",
                state.toString(), "--threads", String.valueOf(threads), "--hold-down-s", String.valueOf(holdDownS),
                "--alarms", "health.alarms", "--sites", "health.sites"));
        Child c = new Child(new ProcessBuilder(cmd).redirectError(outDir.resolve("child.err").toFile()).start());
        try {
            Support.expect(c.out, "CHILD READY", 180);
        } catch (RuntimeException | InterruptedException e) {
            c.close();
            throw e;
        }
        return c;
    }

    long pid() {
        return process.pid();
    }

    /** Sends {@code cmd} and returns the answer line starting with {@code answer}. */
    String command(String cmd, String answer) throws Exception {
        return Support.command(in, out, cmd, answer);
    }

    /** Stops the child if it is still running (SIGTERM, then up to 60 s). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
