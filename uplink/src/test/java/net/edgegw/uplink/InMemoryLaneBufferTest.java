package net.edgegw.uplink;

import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.storeforward.LaneReader;
import net.edgegw.storeforward.StoredRecord;
import net.edgegw.core.SourceKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The test buffer itself must be right, or the uplink tests prove nothing. */
class InMemoryLaneBufferTest {

    static BufferedRecord rec(int i) {
        return new BufferedRecord("t", ("k" + i).getBytes(StandardCharsets.UTF_8), SourceKind.TCP, 0,
                ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pollsInOrderWithinLimitsAndSeeks() {
        InMemoryLaneBuffer b = new InMemoryLaneBuffer("l");
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
        InMemoryLaneBuffer.Store store = new InMemoryLaneBuffer.Store();
        InMemoryLaneBuffer a = new InMemoryLaneBuffer("l", store);
        for (int i = 0; i < 5; i++) {
            a.append(rec(i), Duration.ZERO);
        }
        a.markReplicated(3);
        a.markReplicated(1);
        assertThat(a.replicatedIndex()).isEqualTo(3);
        assertThat(a.backlog().records()).isEqualTo(1);
        a.close();
        InMemoryLaneBuffer b = new InMemoryLaneBuffer("l", store);
        assertThat(b.replicatedIndex()).isEqualTo(3);
        assertThat(b.append(rec(5), Duration.ZERO)).isEqualTo(5);
        assertThat(b.reader(3).poll(10, 1 << 20, Duration.ZERO)).extracting(StoredRecord::index)
                .containsExactly(4L, 5L);
        store.forceReplicatedIndex(-1);
        assertThat(b.replicatedIndex()).isEqualTo(-1);
    }

    @Test
    void pollWakesUpOnAppend() throws Exception {
        InMemoryLaneBuffer b = new InMemoryLaneBuffer("l");
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
        InMemoryLaneBuffer b = new InMemoryLaneBuffer("l");
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
}
