package net.edgegw.storeforward;

import net.edgegw.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.codahale.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while appending: a child JVM appends; it is killed with SIGKILL mid-stream (several times, in every sync
 * mode, into the same directory); after each kill every record whose append had returned (reported by the child)
 * is present, intact and in order, no torn or corrupt record is returned, and appends continue with greater indexes.
 */
class CrashTest {
    static final long MAX_BYTES = 256L << 20;

    @TempDir
    Path dir;

    @Test
    void appendedRecordsSurviveSigkill() throws Exception {
        Random rnd = new Random(42);
        long nextSeq = 0;
        long lastIndexSeen = -1;
        for (SyncMode mode : List.of(SyncMode.NONE, SyncMode.INTERVAL, SyncMode.EVERY_BATCH, SyncMode.NONE)) {
            Process p = child(mode, nextSeq);
            long lastIdx = -1;
            long lastSeq = -1;
            int lines = 0;
            int wantLines = mode == SyncMode.EVERY_BATCH ? 1 + rnd.nextInt(3) : 10 + rnd.nextInt(20);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("ready");
                String line;
                while (lines < wantLines && (line = out.readLine()) != null) {
                    String[] f = line.split(" ");
                    lastIdx = Long.parseLong(f[0]);
                    lastSeq = Long.parseLong(f[1]);
                    lines++;
                }
                p.destroyForcibly(); // SIGKILL, mid-stream: the child is appending as fast as it can
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(lines).as("child output (%s)", mode).isEqualTo(wantLines);
            assertThat(lastIdx).isGreaterThan(lastIndexSeen);

            MetricRegistry metrics = new MetricRegistry();
            BufferSettings s = new BufferSettings(dir, MAX_BYTES, null, Overflow.BLOCK, SyncMode.NONE, null);
            try (ChronicleLaneBuffer b = new ChronicleLaneBuffer("crash", s, new MutableClock(0), metrics);
                 LaneReader r = b.reader(-1)) {
                long expect = 0;
                long prevIndex = -1;
                boolean sawLast = false;
                while (true) {
                    List<StoredRecord> batch = r.poll(5000, Long.MAX_VALUE, Duration.ZERO);
                    if (batch.isEmpty()) {
                        break;
                    }
                    for (StoredRecord sr : batch) {
                        assertThat(Records.seqOf(sr.record())).isEqualTo(expect); // content intact, nothing missing
                        assertThat(sr.record().receivedAtMillis()).isEqualTo(expect);
                        assertThat(sr.index()).isGreaterThan(prevIndex);
                        if (sr.index() == lastIdx) {
                            assertThat(expect).isEqualTo(lastSeq);
                            sawLast = true;
                        }
                        prevIndex = sr.index();
                        expect++;
                    }
                }
                assertThat(sawLast).as("last reported record present").isTrue();
                assertThat(expect).isGreaterThan(lastSeq);
                assertThat(b.corruptRecords()).isZero();
                assertThat(b.backlog().records()).isEqualTo(expect);
                long idx = b.append(Records.record(expect, 10, expect), Duration.ZERO);
                assertThat(idx).isGreaterThan(prevIndex);
                nextSeq = expect + 1;
                lastIndexSeen = idx;
            }
        }
    }

    private Process child(SyncMode mode, long startSeq) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashWriterMain.class.getName());
        cmd.add(dir.toString());
        cmd.add(mode.name());
        cmd.add(Long.toString(startSeq));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
