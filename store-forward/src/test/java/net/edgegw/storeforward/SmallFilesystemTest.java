package net.edgegw.storeforward;

import static net.edgegw.storeforward.ChronicleLaneBufferTest.drain;
import static net.edgegw.storeforward.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lane on a real 3 MiB tmpfs (skipped where this process may not mount one): the disk really fills, and a write
 * into a page it cannot back raises SIGBUS, which the JVM reports as {@code InternalError}. Every record offered is
 * either stored (and readable, intact) or counted; nothing is thrown to the caller; one log line per state change.
 */
class SmallFilesystemTest {
    static final long MiB = 1 << 20;

    @TempDir
    Path tmp;
    Path mount;
    boolean mounted;

    final MutableClock clock = new MutableClock(1_700_000_000_000L);
    final MetricRegistry metrics = new MetricRegistry();
    final LogCapture log = new LogCapture();

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createDirectory(tmp.resolve("small"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.toString()) == 0;
        assumeThat(mounted).as("mounting a 3 MiB tmpfs (needs root)").isTrue();
    }

    @AfterEach
    void unmount() throws Exception {
        log.close();
        if (mounted) {
            run("umount", "-l", mount.toString()); // lazy: the JVM may unmap the last file a little later
        }
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Test
    void writeFaultsOfAFullDiskAreCaughtCountedAndTheLaneKeepsWorking() {
        // a provider that sees 128 KiB more than there is (as if another process filled the disk since the last
        // sample), so that the writes really hit the full filesystem; a new 256 KiB segment needs more than it sees
        FreeSpace optimistic = d -> FreeSpace.FILE_STORE.usableBytes(d) + 128 * 1024;
        BufferSettings s = new BufferSettings(mount.resolve("bulk"), 4 * MiB, null, Overflow.DROP_OLDEST,
                SyncMode.NONE, null, 0);
        int n = 6500; // ~3.5 MB of 500-byte records on a 3 MiB filesystem
        try (ChronicleLaneBuffer b = new ChronicleLaneBuffer("bulk", s, clock, metrics, optimistic,
                Duration.ZERO)) {
            long stored = 0;
            long last = -1;
            for (int i = 0; i < n; i++) {
                long index = b.append(record(i, 500, clock.millis()), Duration.ZERO);
                assertThat(index).isNotEqualTo(-1);
                if (index >= 0) {
                    stored++;
                    last = index;
                }
            }
            Backlog bl = b.backlog();
            assertThat(b.diskFaults()).as("real write faults (SIGBUS) caught").isPositive();
            assertThat(bl.droppedDiskFull()).isPositive();
            assertThat(stored + bl.droppedDiskFull()).isEqualTo(n);
            try (LaneReader r = b.reader(-1)) {
                // what is still stored is intact (seqOf checks every byte); what drop-oldest deleted is counted
                List<StoredRecord> got = drain(r);
                assertThat(got.size() + bl.droppedOverflow()).isEqualTo(stored);
                assertThat(ChronicleLaneBufferTest.seqs(got)).isSorted();
            }
            List<String> warnings = log.lines(Level.WARN, "disk full");
            assertThat(warnings).isNotEmpty().hasSizeLessThanOrEqualTo(3).allMatch(w -> w.contains("lane bulk"));
            for (int i = 1; i < warnings.size(); i++) {
                assertThat(warnings.get(i)).as("one line per change").isNotEqualTo(warnings.get(i - 1));
            }
            assertThat(log.anyStackTrace()).isFalse();

            // the uplink confirms everything: the segments go, the space comes back, the lane writes again by itself
            b.markReplicated(last);
            long seq = n;
            await().atMost(Duration.ofSeconds(30)).until(() -> b.append(record(seq, 500, clock.millis()),
                    Duration.ZERO) >= 0);
            assertThat(log.lines(Level.WARN, "disk full")).isEqualTo(warnings);
            assertThat(log.lines(Level.INFO, "disk space recovered")).hasSize(1);
            assertThat(log.anyStackTrace()).isFalse();
        }
    }

    @Test
    void theGuardKeepsMinFreeDiskFreeOnARealFilesystem() throws IOException {
        BufferSettings s = new BufferSettings(mount.resolve("bulk"), 8 * MiB, null, Overflow.DROP_OLDEST,
                SyncMode.NONE, null, 512 * 1024);
        int n = 20_000; // ~10 MB
        try (ChronicleLaneBuffer b = new ChronicleLaneBuffer("bulk", s, clock, metrics, FreeSpace.FILE_STORE,
                Duration.ZERO)) {
            long stored = 0;
            for (int i = 0; i < n; i++) {
                long index = b.append(record(i, 500, clock.millis()), Duration.ZERO);
                assertThat(index).isNotEqualTo(-1);
                if (index >= 0) {
                    stored++;
                }
            }
            assertThat(Files.getFileStore(mount).getUsableSpace()).isGreaterThanOrEqualTo(256 * 1024);
            assertThat(b.diskFaults()).as("the guard kept every write away from a full disk").isZero();
            Backlog bl = b.backlog();
            assertThat(bl.droppedOverflow()).isPositive();
            try (LaneReader r = b.reader(-1)) {
                assertThat(drain(r).size() + bl.droppedOverflow()).isEqualTo(stored);
            }
            assertThat(stored + bl.droppedDiskFull()).isEqualTo(n);
            assertThat(log.lines(Level.WARN, "disk full")).first().asString().contains("dropping oldest");
            assertThat(log.anyStackTrace()).isFalse();
        }
    }
}
