package net.edgegw.storeforward;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static net.edgegw.storeforward.Records.record;
import static net.edgegw.storeforward.Records.seqOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A read-only inspection sees what the open buffer sees, while the buffer holds the lane and appends. */
class LaneInspectorTest {
    static final long MiB = 1 << 20;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(1_700_000_100_000L);

    BufferSettings settings() {
        return new BufferSettings(dir, 2 * MiB, null, Overflow.DROP_OLDEST, SyncMode.NONE, Duration.ofMillis(50));
    }

    /**
     * The open buffer's backlog as the inspector reports it: without {@code appended} (per process), and with the
     * bytes as recovery reads them from disk (the end of each segment's last record: a few bytes per segment below
     * the writer's position), so compared within 0.1 %.
     */
    static void assertSame(Backlog seen, Backlog expected) {
        assertThat(seen).usingRecursiveComparison().ignoringFields("bytes", "appended").isEqualTo(expected);
        assertThat(seen.appended()).isZero();
        assertThat(seen.bytes()).isCloseTo(expected.bytes(), org.assertj.core.data.Percentage.withPercentage(0.1));
    }

    @Test
    void seesTheSameBacklogAsTheOpenBufferWhileItAppends() throws Exception {
        try (ChronicleLaneBuffer b = new ChronicleLaneBuffer("bulk", settings(), clock, new MetricRegistry())) {
            // enough to roll several segments and overflow (drops counted), then some replicated
            for (long i = 0; i < 20_000; i++) {
                b.append(record(i), Duration.ZERO);
            }
            try (LaneReader r = b.reader(-1)) {
                var first = r.poll(100, Long.MAX_VALUE, Duration.ZERO);
                b.markReplicated(first.get(first.size() - 1).index());
            }
            Backlog expected = b.backlog();
            assertThat(expected.droppedOverflow()).isPositive();
            Map<String, Long> filesBefore = files();

            try (LaneInspector in = LaneInspector.open("bulk", settings(), clock)) {
                assertSame(in.backlog(), expected);
                assertThat(in.replicatedIndex()).isEqualTo(b.replicatedIndex());
                try (LaneReader r = in.reader(in.replicatedIndex()); LaneReader mine = b.reader(b.replicatedIndex())) {
                    var seen = r.poll(10, Long.MAX_VALUE, Duration.ZERO);
                    var theirs = mine.poll(10, Long.MAX_VALUE, Duration.ZERO);
                    assertThat(seen).extracting(StoredRecord::index)
                            .containsExactlyElementsOf(theirs.stream().map(StoredRecord::index).toList());
                    assertThat(seqOf(seen.get(0).record())).isEqualTo(seqOf(theirs.get(0).record()));
                }
            }
            assertThat(files()).as("nothing written, created or deleted").isEqualTo(filesBefore);

            // inspections while another thread appends: every one succeeds and lies between before and after
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong next = new AtomicLong(20_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    b.append(record(next.getAndIncrement()), Duration.ZERO);
                }
            });
            try {
                for (int i = 0; i < 20; i++) {
                    long droppedBefore = b.backlog().droppedOverflow();
                    try (LaneInspector in = LaneInspector.open("bulk", settings(), clock)) {
                        Backlog seen = in.backlog();
                        assertThat(seen.records()).isPositive();
                        assertThat(seen.droppedOverflow()).isGreaterThanOrEqualTo(droppedBefore)
                                .isLessThanOrEqualTo(b.backlog().droppedOverflow());
                    }
                }
            } finally {
                stop.set(true);
                writer.get();
            }
            try (LaneInspector in = LaneInspector.open("bulk", settings(), clock)) {
                assertSame(in.backlog(), b.backlog());
            }
            assertThat(b.append(record(next.get()), Duration.ZERO)).as("the buffer still appends").isPositive();
        }
    }

    @Test
    void aDirectoryWithoutABufferIsNotOpened() throws IOException {
        assertThat(LaneInspector.exists(dir)).isFalse();
        assertThatThrownBy(() -> LaneInspector.open("bulk", settings(), clock))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no lane buffer");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).isEmpty();
        }
    }

    private Map<String, Long> files() throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                try {
                    out.put(p.getFileName().toString(), Files.getLastModifiedTime(p).toMillis());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        return out;
    }
}
