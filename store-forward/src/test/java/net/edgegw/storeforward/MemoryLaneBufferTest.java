package net.edgegw.storeforward;

import net.edgegw.core.SourceKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory buffer itself must be right, or the tests that use it (the property tests' model, the pipeline and
 * uplink tests) prove nothing. Here in the unbounded shape the uplink tests use.
 */
class MemoryLaneBufferTest {

    static BufferedRecord rec(int i) {
        return new BufferedRecord("t", ("k" + i).getBytes(StandardCharsets.UTF_8), SourceKind.TCP, 0,
                ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }

    static MemoryLaneBuffer buffer(String lane) {
        return MemoryLaneBuffer.unbounded(lane, MemoryLaneBuffer.Store.keepingReplicated());
    }

    @Test
    void pollsInOrderWithinLimitsAndSeeks() {
        MemoryLaneBuffer b = buffer("l");
        for (int i = 0; i < 10; i++) {
            assertThat(b.append(rec(i), Duration.ZERO)).isEqualTo(i);
        }
        LaneReader r = b.reader(-1);
        List<StoredRecord> first = r.poll(4, 1 << 20, Duration.ZERO);
        assertThat(first).extracting(StoredRecord::index).containsExactly(0L, 1L, 2L, 3L);
        assertThat(r.poll(100, 1, Duration.ZERO)).extracting(StoredRecord::index).containsExactly(4L);
        r.seekAfter(7);
        assertThat(r.poll(100, 1 << 20, Duration.ZERO)).extracting(StoredRecord::index).containsExactly(8L, 9L);
        assertThat(r.poll(100, 1 << 20, Duration.ofMillis(20))).isEmpty();
        r.seekAfter(-1);
        assertThat(r.poll(1, 1 << 20, Duration.ZERO)).extracting(StoredRecord::index).containsExactly(0L);
    }

    @Test
    void persistedStoreSurvivesRecreationAndHintOnlyMovesForward() {
        MemoryLaneBuffer.Store store = MemoryLaneBuffer.Store.keepingReplicated();
        MemoryLaneBuffer a = MemoryLaneBuffer.unbounded("l", store);
        for (int i = 0; i < 5; i++) {
            a.append(rec(i), Duration.ZERO);
        }
        a.markReplicated(3);
        a.markReplicated(1);
        assertThat(a.replicatedIndex()).isEqualTo(3);
        assertThat(a.backlog().records()).isEqualTo(1);
        a.close();
        MemoryLaneBuffer b = MemoryLaneBuffer.unbounded("l", store);
        assertThat(b.replicatedIndex()).isEqualTo(3);
        assertThat(b.append(rec(5), Duration.ZERO)).isEqualTo(5);
        assertThat(b.reader(3).poll(10, 1 << 20, Duration.ZERO)).extracting(StoredRecord::index)
                .containsExactly(4L, 5L);
        store.forceReplicatedIndex(-1);
        assertThat(b.replicatedIndex()).isEqualTo(-1);
    }

    @Test
    void pollWakesUpOnAppend() throws Exception {
        MemoryLaneBuffer b = buffer("l");
        LaneReader r = b.reader(-1);
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            b.append(rec(0), Duration.ZERO);
        });
        t.start();
        long t0 = System.nanoTime();
        assertThat(r.poll(10, 1 << 20, Duration.ofSeconds(10))).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        t.join();
    }

    @Test
    void ensureIndexesAboveSkipsAhead() {
        MemoryLaneBuffer b = buffer("l");
        assertThat(b.append(rec(0), Duration.ZERO)).isEqualTo(0);
        b.ensureIndexesAbove(99);
        assertThat(b.append(rec(1), Duration.ZERO)).isEqualTo(100);
        b.ensureIndexesAbove(50);
        assertThat(b.append(rec(2), Duration.ZERO)).isEqualTo(101);
        LaneReader r = b.reader(-1);
        assertThat(r.poll(10, 1 << 20, Duration.ZERO)).extracting(StoredRecord::index).containsExactly(0L, 100L, 101L);
        r.seekAfter(50);
        assertThat(r.poll(10, 1 << 20, Duration.ZERO)).extracting(StoredRecord::index).containsExactly(100L, 101L);
        b.markReplicated(100);
        assertThat(b.backlog().records()).isEqualTo(1);
    }

    @Test
    void keptReplicatedRecordsAreReadAgainAfterTheHintWentBack() {
        MemoryLaneBuffer.Store store = MemoryLaneBuffer.Store.keepingReplicated();
        MemoryLaneBuffer a = MemoryLaneBuffer.unbounded("l", store);
        for (int i = 0; i < 4; i++) {
            a.append(rec(i), Duration.ZERO);
        }
        a.markReplicated(3);
        assertThat(store.replicated()).isEqualTo(3);
        assertThat(store.lastIndex()).isEqualTo(3);
        a.close();
        assertThat(a.append(rec(9), Duration.ZERO)).isEqualTo(-1);
        store.forceReplicatedIndex(1); // as if the last confirmations were lost in a crash
        MemoryLaneBuffer b = MemoryLaneBuffer.unbounded("l", store);
        assertThat(b.backlog().records()).isEqualTo(2);
        assertThat(b.backlog().appended()).isZero();
        assertThat(b.reader(b.replicatedIndex()).poll(10, 1 << 20, Duration.ZERO)).extracting(StoredRecord::index)
                .containsExactly(2L, 3L);
    }

    @Test
    void aDefaultStoreRemovesReplicatedRecordsButKeepsTheLastIndex() {
        MemoryLaneBuffer.Store store = new MemoryLaneBuffer.Store();
        MemoryLaneBuffer a = MemoryLaneBuffer.unbounded("l", store);
        for (int i = 0; i < 4; i++) {
            a.append(rec(i), Duration.ZERO);
        }
        a.markReplicated(3);
        assertThat(store.lastIndex()).isEqualTo(3);
        assertThat(a.reader(-1).poll(10, 1 << 20, Duration.ZERO)).isEmpty();
        List<StoredRecord> seen = new java.util.ArrayList<>();
        a.scanNewest(10, seen::add);
        assertThat(seen).isEmpty();
        assertThat(MemoryLaneBuffer.unbounded("l", store).append(rec(4), Duration.ZERO)).isEqualTo(4);
    }
}
