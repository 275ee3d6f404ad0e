package net.edgegw.storeforward;

import net.edgegw.testkit.MutableClock;
import static net.edgegw.storeforward.Records.record;
import static net.edgegw.storeforward.Records.seqOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.SourceKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleLaneBufferTest {
    static final long MiB = 1 << 20;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(1_700_000_000_000L);
    final MetricRegistry metrics = new MetricRegistry();

    static BufferSettings settings(Path dir, long maxBytes, Overflow overflow, SyncMode sync) {
        return new BufferSettings(dir, maxBytes, null, overflow, sync, Duration.ofMillis(50));
    }

    ChronicleLaneBuffer open(BufferSettings s) {
        return new ChronicleLaneBuffer("bulk", s, clock, metrics);
    }

    ChronicleLaneBuffer open() {
        return open(settings(dir, 64 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE));
    }

    static List<StoredRecord> drain(LaneReader r) {
        List<StoredRecord> all = new ArrayList<>();
        while (true) {
            List<StoredRecord> batch = r.poll(1000, Long.MAX_VALUE, Duration.ZERO);
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }

    static long[] seqs(List<StoredRecord> records) {
        return records.stream().mapToLong(s -> seqOf(s.record())).toArray();
    }

    @Test
    void appendReadMarkReplicatedRoundTrip() {
        try (ChronicleLaneBuffer b = open()) {
            long prev = -1;
            for (int i = 0; i < 1000; i++) {
                long idx = b.append(record(i), Duration.ZERO);
                assertThat(idx).isGreaterThan(prev);
                prev = idx;
            }
            clock.advance(Duration.ofHours(1));
            assertThat(b.backlog().records()).isEqualTo(1000);
            assertThat(b.backlog().appended()).isEqualTo(1000);
            assertThat(b.backlog().oldestUnsentAgeMs()).isEqualTo(clock.millis() - record(0).receivedAtMillis());

            try (LaneReader r = b.reader(-1)) {
                List<StoredRecord> all = drain(r);
                assertThat(seqs(all)).containsExactly(java.util.stream.LongStream.range(0, 1000).toArray());
                assertThat(all.get(0).record().topic()).isEqualTo(record(0).topic());
                assertThat(all.get(0).record().source()).isEqualTo(SourceKind.SYSLOG);
                assertThat(all.get(999).index()).isEqualTo(prev);
                b.markReplicated(all.get(499).index());
                assertThat(b.replicatedIndex()).isEqualTo(all.get(499).index());
                assertThat(b.backlog().records()).isEqualTo(500);
                assertThat(b.backlog().oldestUnsentAgeMs()).isEqualTo(clock.millis() - record(500).receivedAtMillis());
                b.markReplicated(all.get(10).index()); // smaller: ignored
                assertThat(b.replicatedIndex()).isEqualTo(all.get(499).index());
                b.markReplicated(prev);
                assertThat(b.backlog().records()).isZero();
                assertThat(b.backlog().bytes()).isZero();
                assertThat(b.backlog().oldestUnsentAgeMs()).isZero();
            }
        }
    }

    @Test
    void emptyBufferReaderSeesLaterAppends() {
        try (ChronicleLaneBuffer b = open(); LaneReader r = b.reader(-1)) {
            assertThat(r.poll(10, Long.MAX_VALUE, Duration.ZERO)).isEmpty();
            long idx = b.append(record(1), Duration.ZERO);
            List<StoredRecord> got = r.poll(10, Long.MAX_VALUE, Duration.ofSeconds(5));
            assertThat(got).extracting(StoredRecord::index).containsExactly(idx);
        }
    }

    @Test
    void pollHonoursMaxRecordsMaxBytesAndWait() throws Exception {
        try (ChronicleLaneBuffer b = open(); LaneReader r = b.reader(-1)) {
            for (int i = 0; i < 10; i++) {
                b.append(record(i, 100, clock.millis()), Duration.ZERO);
            }
            int wire = record(0, 100, 0).wireSize();
            assertThat(seqs(r.poll(3, Long.MAX_VALUE, Duration.ZERO))).containsExactly(0, 1, 2);
            assertThat(seqs(r.poll(100, 2L * wire, Duration.ZERO))).containsExactly(3, 4);
            assertThat(seqs(r.poll(100, 2L * wire + 1, Duration.ZERO))).containsExactly(5, 6);
            assertThat(seqs(r.poll(100, 1, Duration.ZERO))).as("at least one even if larger").containsExactly(7);
            assertThat(seqs(r.poll(100, Long.MAX_VALUE, Duration.ZERO))).containsExactly(8, 9);

            long t0 = System.nanoTime();
            assertThat(r.poll(100, Long.MAX_VALUE, Duration.ofMillis(200))).isEmpty();
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));

            CompletableFuture<List<StoredRecord>> waiting =
                    CompletableFuture.supplyAsync(() -> r.poll(100, Long.MAX_VALUE, Duration.ofSeconds(10)));
            Thread.sleep(100);
            b.append(record(10), Duration.ZERO);
            assertThat(seqs(waiting.get(5, TimeUnit.SECONDS))).containsExactly(10);
        }
    }

    @Test
    void seekAfterAndReaderPositions() {
        try (ChronicleLaneBuffer b = open()) {
            List<Long> idx = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                idx.add(b.append(record(i), Duration.ZERO));
            }
            try (LaneReader r = b.reader(idx.get(49))) {
                assertThat(seqs(r.poll(1, Long.MAX_VALUE, Duration.ZERO))).containsExactly(50);
                r.seekAfter(idx.get(9));
                assertThat(seqs(r.poll(2, Long.MAX_VALUE, Duration.ZERO))).containsExactly(10, 11);
                r.seekAfter(-1);
                assertThat(seqs(r.poll(1, Long.MAX_VALUE, Duration.ZERO))).containsExactly(0);
                r.seekAfter(idx.get(99));
                assertThat(r.poll(10, Long.MAX_VALUE, Duration.ZERO)).isEmpty();
                b.append(record(100), Duration.ZERO);
                assertThat(seqs(r.poll(10, Long.MAX_VALUE, Duration.ZERO))).containsExactly(100);
            }
        }
    }

    @Test
    void restartKeepsRecordsPositionCountersAndIncreasingIndexes() {
        BufferSettings s = settings(dir, 4 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE);
        long lastIndex;
        long replicated;
        Backlog before;
        try (ChronicleLaneBuffer b = open(s)) {
            for (int i = 0; i < 60_000; i++) { // ~14 MB through a 4 MiB buffer: drops
                lastIndex = b.append(record(i), Duration.ZERO);
            }
            try (LaneReader r = b.reader(-1)) {
                List<StoredRecord> first = r.poll(10, Long.MAX_VALUE, Duration.ZERO);
                replicated = first.get(4).index();
                b.markReplicated(replicated);
            }
            before = b.backlog();
            lastIndex = b.append(record(60_000), Duration.ZERO);
            before = b.backlog();
        }
        assertThat(before.droppedOverflow()).isPositive();
        try (ChronicleLaneBuffer b = open(s)) {
            assertThat(b.replicatedIndex()).isEqualTo(replicated);
            Backlog after = b.backlog();
            assertThat(after.records()).isEqualTo(before.records());
            assertThat(after.droppedOverflow()).isEqualTo(before.droppedOverflow());
            assertThat(after.droppedExpired()).isZero();
            assertThat(after.appended()).isZero();
            long next = b.append(record(60_001), Duration.ZERO);
            assertThat(next).isGreaterThan(lastIndex);
            try (LaneReader r = b.reader(b.replicatedIndex())) {
                long[] got = seqs(drain(r));
                assertThat(got.length).isEqualTo(before.records() + 1);
                assertThat(got[got.length - 1]).isEqualTo(60_001);
                assertThat(got[got.length - 2]).isEqualTo(60_000);
                for (int i = 1; i < got.length; i++) {
                    assertThat(got[i]).isEqualTo(got[i - 1] + 1);
                }
                // dropped + stored + replicated (5) == appended
                assertThat(before.droppedOverflow() + got.length - 1 + 5).isEqualTo(60_001);
            }
        }
    }

    @Test
    void scanNewestVisitsNewestFirstStopsWhenToldAndSkipsDeletedSegmentsAfterRestart() {
        BufferSettings s = settings(dir, 4 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE);
        try (ChronicleLaneBuffer b = open(s)) {
            for (int i = 0; i < 60_000; i++) { // ~14 MB through a 4 MiB buffer: the oldest segments are deleted
                b.append(record(i), Duration.ZERO);
            }
        }
        try (ChronicleLaneBuffer b = open(s)) { // as after a crash: what is on disk
            List<Long> firstFive = new ArrayList<>();
            b.scanNewest(5, r -> firstFive.add(seqOf(r.record())));
            assertThat(firstFive).containsExactly(59_999L, 59_998L, 59_997L, 59_996L, 59_995L);

            List<Long> untilStop = new ArrayList<>();
            b.scanNewest(1000, r -> {
                untilStop.add(seqOf(r.record()));
                return seqOf(r.record()) > 59_990;
            });
            assertThat(untilStop).hasSize(10).endsWith(59_990L);

            List<Long> all = new ArrayList<>();
            b.scanNewest(Integer.MAX_VALUE, r -> all.add(seqOf(r.record())));
            long oldestHeld;
            try (LaneReader r = b.reader(-1)) {
                oldestHeld = seqOf(r.poll(1, Long.MAX_VALUE, Duration.ZERO).get(0).record());
            }
            assertThat(oldestHeld).as("segments were deleted").isPositive();
            assertThat(all).hasSize((int) (60_000 - oldestHeld));
            assertThat(all.get(all.size() - 1)).isEqualTo(oldestHeld);
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i)).isEqualTo(all.get(i - 1) - 1);
            }
        }
    }

    @Test
    void indexesNeverGoBackEvenWhenEverySegmentFileWasDeleted() throws IOException {
        BufferSettings s = settings(dir, 4 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE);
        long last;
        try (ChronicleLaneBuffer b = open(s)) {
            last = b.append(record(0), Duration.ZERO);
        }
        try (ChronicleLaneBuffer b = open(s)) {
            b.markReplicated(last); // the only segment is not the one being written any more: deleted
            assertThat(queueFiles()).isEmpty();
        }
        try (ChronicleLaneBuffer b = open(s)) {
            assertThat(b.backlog().records()).isZero();
            long next = b.append(record(1), Duration.ZERO);
            assertThat(next).isGreaterThan(last);
            try (LaneReader r = b.reader(-1)) {
                assertThat(seqs(drain(r))).containsExactly(1);
            }
        }
    }

    @Test
    void replicatedSegmentsAreDeletedAndSpaceReclaimed() throws IOException {
        try (ChronicleLaneBuffer b = open(settings(dir, 4 * MiB, Overflow.BLOCK, SyncMode.NONE))) {
            assertThat(b.segmentBytes()).isEqualTo(256 << 10);
            long last = 0;
            for (int i = 0; i < 10_000; i++) { // ~2.2 MB: about 9 segments
                last = b.append(record(i), Duration.ZERO);
            }
            assertThat(b.segmentCount()).isGreaterThan(5);
            assertThat(b.diskBytes()).isBetween(2_000_000L, 4 * MiB);
            assertThat(queueFiles()).hasSize(b.segmentCount());
            b.markReplicated(last);
            assertThat(b.segmentCount()).isEqualTo(1);
            assertThat(queueFiles()).hasSize(1);
            assertThat(b.diskBytes()).isLessThanOrEqualTo(b.segmentBytes() + 10_000);
            assertThat(b.backlog().records()).isZero();
        }
    }

    @Test
    void dropOldestCountsExactlyTheDroppedRecordsAndKeepsTheNewest() {
        int n = 20_000;
        try (ChronicleLaneBuffer b = open(settings(dir, 1 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE))) {
            for (int i = 0; i < n; i++) {
                assertThat(b.append(record(i), Duration.ZERO)).isPositive();
                assertThat(b.diskBytes()).isLessThanOrEqualTo(1 * MiB);
            }
            Backlog bl = b.backlog();
            try (LaneReader r = b.reader(-1)) {
                long[] got = seqs(drain(r));
                assertThat(bl.droppedOverflow()).isPositive();
                assertThat(bl.droppedOverflow() + got.length).isEqualTo(n);
                assertThat(bl.records()).isEqualTo(got.length);
                // the survivors are exactly the newest records, in order
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).isEqualTo(n - got.length + i);
                }
            }
            assertThat(metrics.getGauges().get("buffer.bulk.dropped.overflow").getValue()).isEqualTo(bl.droppedOverflow());
        }
    }

    @Test
    void dropOldestDoesNotCountReplicatedRecords() {
        try (ChronicleLaneBuffer b = open(settings(dir, 1 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE))) {
            long[] idx = new long[20_000];
            for (int i = 0; i < 3000; i++) {
                idx[i] = b.append(record(i), Duration.ZERO);
            }
            b.markReplicated(idx[1499]); // half of a segment or so is replicated
            for (int i = 3000; i < 20_000; i++) {
                idx[i] = b.append(record(i), Duration.ZERO);
            }
            try (LaneReader r = b.reader(b.replicatedIndex())) {
                long[] got = seqs(drain(r));
                assertThat(b.backlog().droppedOverflow() + got.length).isEqualTo(20_000 - 1500);
            }
        }
    }

    @Test
    void readerLappedByDropOldestSkipsToTheOldestSurvivor() {
        int n = 20_000;
        try (ChronicleLaneBuffer b = open(settings(dir, 1 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE));
             LaneReader r = b.reader(-1)) {
            for (int i = 0; i < 100; i++) {
                b.append(record(i), Duration.ZERO);
            }
            assertThat(seqs(r.poll(10, Long.MAX_VALUE, Duration.ZERO))).startsWith(0);
            for (int i = 100; i < n; i++) {
                b.append(record(i), Duration.ZERO);
            }
            long[] rest = seqs(drain(r));
            long dropped = b.backlog().droppedOverflow();
            assertThat(rest[0]).isEqualTo(dropped);
            assertThat(rest[rest.length - 1]).isEqualTo(n - 1);
            assertThat(rest.length + dropped).isEqualTo(n);
        }
    }

    @Test
    void blockWaitsThenFailsAndSucceedsOnceReplicatedFreesASegment() throws Exception {
        try (ChronicleLaneBuffer b = open(settings(dir, 1 * MiB, Overflow.BLOCK, SyncMode.NONE))) {
            List<Long> idx = new ArrayList<>();
            int i = 0;
            while (true) {
                long x = b.append(record(i), Duration.ZERO);
                if (x < 0) {
                    break;
                }
                idx.add(x);
                i++;
            }
            assertThat(b.diskBytes()).isLessThanOrEqualTo(1 * MiB);
            long t0 = System.nanoTime();
            assertThat(b.append(record(i), Duration.ofMillis(200))).isEqualTo(-1);
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
            assertThat(b.backlog().droppedOverflow()).isZero();

            final int next = i;
            CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> b.append(record(next), Duration.ofSeconds(10)));
            Thread.sleep(100);
            assertThat(blocked).isNotDone();
            b.markReplicated(idx.get(idx.size() / 2));
            assertThat(blocked.get(5, TimeUnit.SECONDS)).isGreaterThan(idx.get(idx.size() - 1));
            try (LaneReader r = b.reader(b.replicatedIndex())) {
                long[] got = seqs(drain(r));
                assertThat(got[got.length - 1]).isEqualTo(next);
                assertThat(got.length).isEqualTo(next - idx.size() / 2);
            }
        }
    }

    @Test
    void maxAgeDropsAndCountsExpiredSegments() {
        BufferSettings s = new BufferSettings(dir, 4 * MiB, Duration.ofMinutes(10), Overflow.DROP_OLDEST, SyncMode.NONE, null);
        try (ChronicleLaneBuffer b = open(s)) {
            long t0 = clock.millis();
            long[] idx = new long[6000];
            for (int i = 0; i < 3000; i++) {
                idx[i] = b.append(record(i, 200, t0), Duration.ZERO); // old: several segments
            }
            b.markReplicated(idx[99]);
            clock.advance(Duration.ofMinutes(5));
            for (int i = 3000; i < 6000; i++) {
                idx[i] = b.append(record(i, 200, clock.millis()), Duration.ZERO);
            }
            b.housekeep();
            assertThat(b.backlog().droppedExpired()).isZero();
            clock.advance(Duration.ofMinutes(6)); // the first 3000 are now 11 minutes old, the rest 6
            b.housekeep();
            Backlog bl = b.backlog();
            try (LaneReader r = b.reader(b.replicatedIndex())) {
                long[] got = seqs(drain(r));
                assertThat(bl.droppedExpired()).isPositive();
                assertThat(bl.droppedExpired() + got.length).isEqualTo(6000 - 100);
                assertThat(got[got.length - 1]).isEqualTo(5999);
                // only segments wholly older than maxAge go: a segment mixing both ages survives
                assertThat(got[0]).isLessThanOrEqualTo(3000);
            }
            clock.advance(Duration.ofMinutes(5)); // everything is old now, including the segment being written
            b.housekeep();
            assertThat(b.backlog().records()).isZero();
            assertThat(b.backlog().droppedExpired()).isEqualTo(6000 - 100);
            long next = b.append(record(6000, 200, clock.millis()), Duration.ZERO);
            assertThat(next).isGreaterThan(idx[5999]);
            try (LaneReader r = b.reader(-1)) {
                assertThat(seqs(drain(r))).containsExactly(6000);
            }
        }
        try (ChronicleLaneBuffer b = open(s)) {
            assertThat(b.backlog().droppedExpired()).isEqualTo(6000 - 100);
        }
    }

    @Test
    void syncModesWork() throws Exception {
        for (SyncMode mode : List.of(SyncMode.INTERVAL, SyncMode.EVERY_BATCH)) {
            Path d = dir.resolve(mode.name());
            try (ChronicleLaneBuffer b = open(settings(d, 1 * MiB, Overflow.DROP_OLDEST, mode))) {
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int base = t * 1000;
                    writers.add(CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < 1000; i++) {
                            assertThat(b.append(record(base + i), Duration.ZERO)).isPositive();
                        }
                    }));
                }
                CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                Thread.sleep(120); // let INTERVAL run at least once
                try (LaneReader r = b.reader(-1)) {
                    assertThat(drain(r).size() + b.backlog().droppedOverflow()).isEqualTo(4000);
                }
            }
        }
    }

    @Test
    void appendAllSyncsOncePerBatchAndStopsAtTheFirstRefusal() {
        try (ChronicleLaneBuffer b = open(settings(dir, 1 * MiB, Overflow.BLOCK, SyncMode.EVERY_BATCH))) {
            List<BufferedRecord> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(record(i));
            }
            long[] idx = b.appendAll(batch, Duration.ZERO);
            assertThat(idx).hasSize(100).doesNotContain(-1L);
            assertThat(b.syncCount()).isEqualTo(1);
            // fill the buffer: a big batch is cut where BLOCK refuses
            List<BufferedRecord> big = new ArrayList<>();
            for (int i = 100; i < 10_000; i++) {
                big.add(record(i));
            }
            long[] more = b.appendAll(big, Duration.ZERO);
            int firstRefused = 0;
            while (more[firstRefused] >= 0) {
                firstRefused++;
            }
            assertThat(firstRefused).isBetween(1000, 9000);
            for (int i = firstRefused; i < more.length; i++) {
                assertThat(more[i]).isEqualTo(-1);
            }
            assertThat(b.syncCount()).isEqualTo(2);
            try (LaneReader r = b.reader(-1)) {
                assertThat(drain(r)).hasSize(100 + firstRefused);
            }
        }
    }

    @Test
    void anInterruptedAppenderStillGetsItsRecordSyncedAndKeepsItsInterrupt() {
        try (ChronicleLaneBuffer b = open(settings(dir, 1 * MiB, Overflow.DROP_OLDEST, SyncMode.EVERY_BATCH))) {
            Thread.currentThread().interrupt();
            long idx;
            try {
                idx = b.append(record(1), Duration.ZERO);
            } finally {
                assertThat(Thread.interrupted()).isTrue();
            }
            assertThat(idx).isPositive();
            assertThat(b.syncCount()).isEqualTo(1);
        }
    }

    @Test
    void rejectsOversizedRecordsAndASecondOpenOfTheSameDirectory() {
        try (ChronicleLaneBuffer b = open(settings(dir, 1 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE))) {
            assertThat(b.maxRecordBytes()).isEqualTo(256 << 10);
            assertThatThrownBy(() -> b.append(record(1, 300 << 10, 0), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than");
            assertThat(b.append(record(2, 200 << 10, 0), Duration.ZERO)).isPositive();
            assertThatThrownBy(() -> open(settings(dir, 1 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE)))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("in use");
        }
    }

    @Test
    void closeIsIdempotentAndStopsEverything() {
        ChronicleLaneBuffer b = open(new BufferSettings(dir, 1 * MiB, Duration.ofHours(1), Overflow.BLOCK,
                SyncMode.INTERVAL, Duration.ofMillis(10)));
        LaneReader r = b.reader(-1);
        b.append(record(1), Duration.ZERO);
        assertThat(metrics.getGauges()).containsKeys("buffer.bulk.records", "buffer.bulk.bytes", "buffer.bulk.oldestAgeMs",
                "buffer.bulk.dropped.overflow", "buffer.bulk.dropped.expired");
        assertThat(metrics.getMeters().get("buffer.bulk.appended").getCount()).isEqualTo(1);
        assertThat(metrics.getGauges().get("buffer.bulk.records").getValue()).isEqualTo(1L);
        b.close();
        b.close();
        r.close();
        assertThat(b.append(record(2), Duration.ofSeconds(1))).isEqualTo(-1);
        assertThat(r.poll(10, Long.MAX_VALUE, Duration.ofMillis(10))).isEmpty();
        assertThat(metrics.getGauges()).doesNotContainKey("buffer.bulk.records");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("buffer-bulk"));
        try (ChronicleLaneBuffer again = open(settings(dir, 1 * MiB, Overflow.BLOCK, SyncMode.NONE))) {
            assertThat(again.backlog().records()).isEqualTo(1);
        }
    }

    @Test
    void corruptRecordIsSkippedAndCounted() throws IOException {
        BufferSettings s = settings(dir, 4 * MiB, Overflow.DROP_OLDEST, SyncMode.NONE);
        try (ChronicleLaneBuffer b = open(s)) {
            for (int i = 0; i < 3; i++) {
                b.append(record(i, 64, 0), Duration.ZERO);
            }
        }
        // flip one byte in the middle of the second record's body
        Path f = queueFiles().get(0);
        byte[] data = Files.readAllBytes(f);
        byte[] needle = record(1, 64, 0).body();
        int at = indexOf(data, needle);
        assertThat(at).isPositive();
        data[at + 40] ^= 0x5A;
        Files.write(f, data);
        try (ChronicleLaneBuffer b = open(s); LaneReader r = b.reader(-1)) {
            assertThat(seqs(drain(r))).containsExactly(0, 2);
            assertThat(b.corruptRecords()).isEqualTo(1);
            assertThat(metrics.getGauges().get("buffer.bulk.dropped.corrupt").getValue()).isEqualTo(1L);
        }
    }

    @Test
    void ensureIndexesAboveMovesPastAForeignPosition() {
        try (ChronicleLaneBuffer b = open()) {
            long a = b.append(record(0), Duration.ZERO);
            long foreign = a + (50L << 30) + 123;
            b.ensureIndexesAbove(foreign);
            long next = b.append(record(1), Duration.ZERO);
            assertThat(next).isGreaterThan(foreign);
            try (LaneReader r = b.reader(-1)) {
                assertThat(drain(r)).extracting(StoredRecord::index).containsExactly(a, next);
            }
            b.ensureIndexesAbove(a); // already above: no effect
            assertThat(b.append(record(2), Duration.ZERO)).isEqualTo(next + 1);
        }
    }

    private List<Path> queueFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
