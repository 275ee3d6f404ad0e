package net.edgegw.storeforward;

import static net.edgegw.storeforward.ChronicleLaneBufferTest.drain;
import static net.edgegw.storeforward.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code minFreeDisk} with an injected {@link FreeSpace}: a fake filesystem of {@link #capacity} bytes on which the
 * lane's own segments are the only thing written (free = capacity - the lane's bytes), asked on every append.
 */
class DiskGuardTest {
    static final long MiB = 1 << 20;
    static final long MIN_FREE = 8 * MiB;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(1_700_000_000_000L);
    final MetricRegistry metrics = new MetricRegistry();
    final AtomicLong capacity = new AtomicLong();
    final AtomicReference<ChronicleLaneBuffer> lane = new AtomicReference<>();
    final LogCapture log = new LogCapture();

    @AfterEach
    void tearDown() {
        log.close();
    }

    /** maxBytes 64 MiB: 4 MiB segments. */
    ChronicleLaneBuffer open(Overflow overflow) {
        BufferSettings s = new BufferSettings(dir, 64 * MiB, null, overflow, SyncMode.NONE, null, MIN_FREE);
        FreeSpace fake = d -> capacity.get() - lane.get().diskBytes();
        ChronicleLaneBuffer b = new ChronicleLaneBuffer("bulk", s, clock, metrics, fake, Duration.ZERO);
        lane.set(b);
        return b;
    }

    @Test
    void dropOldestDeletesTheOldestSegmentsToStayAboveMinFreeDiskAndCountsThem() {
        capacity.set(MIN_FREE + 20 * MiB);
        int n = 40_000; // about 40 MiB of 1 KiB records: twice what the disk leaves for the buffer
        try (ChronicleLaneBuffer b = open(Overflow.DROP_OLDEST)) {
            for (int i = 0; i < n; i++) {
                assertThat(b.append(record(i, 1000, clock.millis()), Duration.ZERO)).isNotNegative();
                assertThat(b.diskBytes()).isLessThanOrEqualTo(capacity.get() - MIN_FREE);
            }
            Backlog bl = b.backlog();
            assertThat(bl.droppedOverflow()).isPositive();
            assertThat(bl.droppedDiskFull()).isZero();
            try (LaneReader r = b.reader(-1)) {
                assertThat(drain(r).size() + bl.droppedOverflow()).isEqualTo(n);
            }
            assertThat(log.lines(Level.WARN, "disk full")).singleElement().asString()
                    .contains("lane bulk").contains("< minFreeDisk 8.0 MiB").contains("dropping oldest");
            assertThat(log.lines(Level.WARN, "unreplicated")).isEmpty(); // no line per deleted segment
        }
    }

    @Test
    void dropOldestRefusesAndCountsWhenNothingIsLeftToDeleteThenRecoversByItself() {
        capacity.set(MIN_FREE + 2 * MiB); // less than one 4 MiB segment
        try (ChronicleLaneBuffer b = open(Overflow.DROP_OLDEST)) {
            for (int i = 0; i < 500; i++) {
                assertThat(b.append(record(i), Duration.ZERO)).isEqualTo(LaneBuffer.DROPPED);
            }
            assertThat(b.backlog().droppedDiskFull()).isEqualTo(500);
            assertThat(b.backlog().records()).isZero();
            assertThat(metrics.getGauges().get("buffer.bulk.dropped.diskFull").getValue()).isEqualTo(500L);
            assertThat(log.lines(Level.WARN, "disk full")).singleElement().asString().contains("refusing records");

            capacity.set(MIN_FREE + 64 * MiB);
            long index = b.append(record(500), Duration.ZERO);
            assertThat(index).isNotNegative();
            b.append(record(501), Duration.ZERO);
            assertThat(log.lines(Level.INFO, "disk space recovered")).singleElement().asString()
                    .contains("500 record(s) refused");
            assertThat(log.lines(Level.WARN, "disk full")).hasSize(1);
            try (LaneReader r = b.reader(-1)) {
                assertThat(ChronicleLaneBufferTest.seqs(drain(r))).containsExactly(500, 501);
            }
        }
        // persisted with the other counters
        try (ChronicleLaneBuffer b = open(Overflow.DROP_OLDEST)) {
            assertThat(b.backlog().droppedDiskFull()).isEqualTo(500);
        }
    }

    @Test
    void blockHoldsTheAppenderUntilSpaceComesBackAndCountsNothing() throws Exception {
        capacity.set(MIN_FREE + 2 * MiB);
        try (ChronicleLaneBuffer b = open(Overflow.BLOCK)) {
            assertThat(b.append(record(0), Duration.ofMillis(50))).isEqualTo(-1);
            CompletableFuture<Long> held = CompletableFuture.supplyAsync(() -> b.append(record(1), Duration.ofSeconds(60)));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.lines(Level.WARN, "holding inputs").size() == 1);
            assertThat(held).isNotDone();
            capacity.set(MIN_FREE + 64 * MiB);
            assertThat(held.get()).isNotNegative();
            assertThat(b.backlog().records()).isEqualTo(1);
            assertThat(b.backlog().droppedDiskFull()).isZero();
            assertThat(log.lines(Level.WARN, "disk full")).hasSize(1);
            assertThat(log.lines(Level.INFO, "disk space recovered")).hasSize(1);
        }
    }

    @Test
    void rollingToANewSegmentNeedsASegmentsWorthOfSpace() {
        try (ChronicleLaneBuffer b = open(Overflow.DROP_OLDEST)) {
            capacity.set(MIN_FREE + 64 * MiB);
            int i = 0;
            while (b.segmentCount() < 2) {
                assertThat(b.append(record(i++, 1000, clock.millis()), Duration.ZERO)).isNotNegative();
            }
            // 4 MiB written (a full segment and one record): room for the current segment but not for another one
            capacity.set(MIN_FREE + b.diskBytes() + b.segmentBytes() - 64 * 1024);
            long appended = 0;
            while (b.segmentCount() == 2 && appended < 10_000) {
                long index = b.append(record(i++, 1000, clock.millis()), Duration.ZERO);
                if (index == LaneBuffer.DROPPED) {
                    break;
                }
                appended++;
            }
            // the full first segment was deleted (counted) to make room for the third; nothing was refused
            assertThat(b.backlog().droppedDiskFull()).isZero();
            assertThat(b.backlog().droppedOverflow()).isPositive();
            assertThat(b.diskBytes()).isLessThanOrEqualTo(capacity.get() - MIN_FREE);
        }
    }

    @Test
    void aSampleFailureDoesNotStopTheBuffer() {
        BufferSettings s = new BufferSettings(dir, 64 * MiB, null, Overflow.DROP_OLDEST, SyncMode.NONE, null, MIN_FREE);
        FreeSpace broken = d -> {
            throw new java.io.IOException("statfs failed");
        };
        try (ChronicleLaneBuffer b = new ChronicleLaneBuffer("bulk", s, clock, metrics, broken, Duration.ZERO)) {
            for (int i = 0; i < 10; i++) {
                assertThat(b.append(record(i), Duration.ZERO)).isNotNegative();
            }
            assertThat(log.lines(Level.WARN, "cannot read the free space")).hasSize(1);
        }
    }
}
