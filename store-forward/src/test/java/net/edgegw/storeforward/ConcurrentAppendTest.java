package net.edgegw.storeforward;

import net.edgegw.testkit.MutableClock;
import static net.edgegw.storeforward.Records.record;
import static net.edgegw.storeforward.Records.seqOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.codahale.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several appender threads, one reader that marks what it read as replicated, a buffer small enough to block. */
class ConcurrentAppendTest {
    static final int THREADS = 4;
        static final long SEQ_STRIDE = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void everyRecordIsReadExactlyOnceInPerThreadOrder() throws Exception {
        test(SyncMode.NONE, 20_000);
    }

    @Test
    void sameWithGroupCommit() throws Exception {
        test(SyncMode.EVERY_BATCH, 3_000);
    }

    private void test(SyncMode sync, int perThread) throws Exception {
        BufferSettings s = new BufferSettings(dir.resolve(sync.name()), 1 << 20, null, Overflow.BLOCK, sync, null);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try (ChronicleLaneBuffer b = new ChronicleLaneBuffer("alarms", s, new MutableClock(0), new MetricRegistry())) {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long base = t * SEQ_STRIDE;
                writers.add(CompletableFuture.runAsync(() -> {
                    long prev = -1;
                    for (int i = 0; i < perThread; i++) {
                        long idx = b.append(record(base + i, 100 + i % 300, 0), Duration.ofSeconds(30));
                        assertThat(idx).isGreaterThan(prev); // also: never -1 (BLOCK waits for the reader)
                        prev = idx;
                    }
                }, pool));
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> writing.set(false));
            CompletableFuture<List<Long>> reader = CompletableFuture.supplyAsync(() -> {
                List<Long> seqs = new ArrayList<>();
                long lastIndex = -1;
                try (LaneReader r = b.reader(-1)) {
                    while (true) {
                        List<StoredRecord> batch = r.poll(500, 64 << 10, Duration.ofMillis(100));
                        if (batch.isEmpty()) {
                            if (!writing.get() && b.backlog().records() == 0) {
                                return seqs;
                            }
                            continue;
                        }
                        for (StoredRecord sr : batch) {
                            assertThat(sr.index()).isGreaterThan(lastIndex);
                            lastIndex = sr.index();
                            seqs.add(seqOf(sr.record()));
                        }
                        b.markReplicated(lastIndex);
                    }
                }
            }, pool);
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            List<Long> seqs = reader.get(60, TimeUnit.SECONDS);

            assertThat(seqs).hasSize(THREADS * perThread);
            Set<Long> distinct = new HashSet<>(seqs);
            assertThat(distinct).hasSize(THREADS * perThread);
            long[] next = new long[THREADS];
            for (long seq : seqs) {
                int t = (int) (seq / SEQ_STRIDE);
                assertThat(seq % SEQ_STRIDE).as("thread %d order", t).isEqualTo(next[t]);
                next[t]++;
            }
            Backlog bl = b.backlog();
            assertThat(bl.droppedOverflow()).isZero();
            assertThat(bl.records()).isZero();
            assertThat(bl.appended()).isEqualTo(THREADS * perThread);
            assertThat(b.diskBytes()).isLessThanOrEqualTo(1 << 20);
            if (sync == SyncMode.EVERY_BATCH) {
                // group commit: concurrent appenders share forces
                assertThat(b.syncCount()).isPositive().isLessThan(THREADS * perThread);
                System.out.printf("group commit: %d appends, %d forces%n", THREADS * perThread, b.syncCount());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
