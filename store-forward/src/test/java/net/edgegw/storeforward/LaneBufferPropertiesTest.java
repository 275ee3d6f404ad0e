package net.edgegw.storeforward;

import net.edgegw.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.codahale.metrics.MetricRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of append / poll / markReplicated / reopen against {@link ChronicleLaneBuffer} and the in-memory
 * model {@link MemoryLaneBuffer}.
 */
class LaneBufferPropertiesTest {

    sealed interface Op permits Append, Poll, Reopen {
    }

    /** Appends {@code count} records with bodies of {@code bodySize} bytes. */
    record Append(int count, int bodySize) implements Op {
    }

    /** Polls at most {@code maxRecords} / {@code maxBytes}; marks the last record replicated if {@code mark}. */
    record Poll(int maxRecords, long maxBytes, boolean mark) implements Op {
    }

    /** Closes and reopens the buffer (the model keeps its state) and starts a new reader after replicatedIndex. */
    record Reopen() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return opsWith(Arbitraries.of(true, false), 300);
    }

    @Provide
    Arbitrary<List<Op>> overflowOps() {
        return opsWith(Arbitraries.just(true), 2000);
    }

    private static Arbitrary<List<Op>> opsWith(Arbitrary<Boolean> mark, int maxAppend) {
        Arbitrary<Op> append = Combinators.combine(Arbitraries.integers().between(1, maxAppend),
                Arbitraries.integers().between(0, 1500)).as(Append::new);
        Arbitrary<Op> poll = Combinators.combine(Arbitraries.integers().between(1, 400),
                Arbitraries.longs().between(1, 200_000), mark).as(Poll::new);
        Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
        return Arbitraries.frequencyOf(Tuple.of(5, append), Tuple.of(5, poll), Tuple.of(2, reopen))
                .list().ofMinSize(1).ofMaxSize(25);
    }

    /** Without overflow the disk buffer behaves exactly like the model: same records, same order, same backlog. */
    @Property(tries = 25, shrinking = ShrinkingMode.BOUNDED)
    void behavesLikeTheModel(@ForAll("ops") List<Op> ops) throws IOException {
        Path dir = Files.createTempDirectory("lane-prop");
        BufferSettings s = new BufferSettings(dir, 256L << 20, null, Overflow.DROP_OLDEST, SyncMode.NONE, null);
        MutableClock clock = new MutableClock(1_000_000);
        MemoryLaneBuffer model = new MemoryLaneBuffer("p", s, clock);
        LaneReader modelReader = model.reader(-1);
        ChronicleLaneBuffer disk = new ChronicleLaneBuffer("p", s, clock, new MetricRegistry());
        LaneReader diskReader = disk.reader(-1);
        long seq = 0;
        try {
            for (Op op : ops) {
                if (op instanceof Append a) {
                    for (int i = 0; i < a.count(); i++, seq++) {
                        BufferedRecord r = Records.record(seq, a.bodySize(), seq);
                        assertThat(model.append(r, Duration.ZERO)).isNotNegative();
                        assertThat(disk.append(r, Duration.ZERO)).isNotNegative();
                    }
                } else if (op instanceof Poll p) {
                    List<StoredRecord> m = modelReader.poll(p.maxRecords(), p.maxBytes(), Duration.ZERO);
                    List<StoredRecord> d = diskReader.poll(p.maxRecords(), p.maxBytes(), Duration.ZERO);
                    assertThat(seqs(d)).isEqualTo(seqs(m));
                    if (p.mark() && !m.isEmpty()) {
                        model.markReplicated(m.get(m.size() - 1).index());
                        disk.markReplicated(d.get(d.size() - 1).index());
                    }
                } else {
                    diskReader.close();
                    disk.close();
                    disk = new ChronicleLaneBuffer("p", s, clock, new MetricRegistry());
                    diskReader = disk.reader(disk.replicatedIndex());
                    modelReader = model.reader(model.replicatedIndex());
                }
                Backlog mb = model.backlog();
                Backlog db = disk.backlog();
                assertThat(db.records()).isEqualTo(mb.records());
                assertThat(db.oldestUnsentAgeMs()).isEqualTo(mb.oldestUnsentAgeMs());
                assertThat(db.droppedOverflow()).isZero();
            }
            Statistics.label("reopened").collect(ops.stream().anyMatch(o -> o instanceof Reopen));
            // what is left after the replicated position is the same too
            assertThat(seqs(drain(disk.reader(disk.replicatedIndex()))))
                    .isEqualTo(seqs(drain(model.reader(model.replicatedIndex()))));
        } finally {
            diskReader.close();
            disk.close();
            deleteRecursively(dir);
        }
    }

    /**
     * With a small buffer and drop-oldest: every appended record is exactly one of replicated (delivered and marked),
     * counted as dropped, or still readable; the readable ones are the newest, in order. For both implementations.
     */
    @Property(tries = 25, shrinking = ShrinkingMode.BOUNDED)
    void overflowAccountsForEveryRecord(@ForAll("overflowOps") List<Op> ops,
                                        @ForAll("smallMaxBytes") long maxBytes) throws IOException {
        Path dir = Files.createTempDirectory("lane-prop");
        BufferSettings s = new BufferSettings(dir, maxBytes, null, Overflow.DROP_OLDEST, SyncMode.NONE, null);
        MutableClock clock = new MutableClock(1_000_000);
        LaneBuffer[] buffers = {new MemoryLaneBuffer("p", s, clock), new ChronicleLaneBuffer("p", s, clock, new MetricRegistry())};
        LaneReader[] readers = {buffers[0].reader(-1), buffers[1].reader(-1)};
        List<Map<Long, Long>> delivered = List.of(new HashMap<>(), new HashMap<>()); // index -> seq
        long seq = 0;
        try {
            for (Op op : ops) {
                for (int k = 0; k < 2; k++) {
                    LaneBuffer b = buffers[k];
                    if (op instanceof Append a) {
                        for (int i = 0; i < a.count(); i++) {
                            assertThat(b.append(Records.record(seq + i, a.bodySize(), 0), Duration.ZERO)).isNotNegative();
                        }
                    } else if (op instanceof Poll p) {
                        List<StoredRecord> got = readers[k].poll(p.maxRecords(), p.maxBytes(), Duration.ZERO);
                        for (StoredRecord r : got) {
                            delivered.get(k).put(r.index(), Records.seqOf(r.record()));
                        }
                        if (!got.isEmpty()) {
                            b.markReplicated(got.get(got.size() - 1).index());
                        }
                    } else if (k == 1) {
                        readers[1].close();
                        buffers[1].close();
                        buffers[1] = new ChronicleLaneBuffer("p", s, clock, new MetricRegistry());
                        readers[1] = buffers[1].reader(buffers[1].replicatedIndex());
                    }
                }
                if (op instanceof Append a) {
                    seq += a.count();
                }
            }
            for (int k = 0; k < 2; k++) {
                LaneBuffer b = buffers[k];
                long r = b.replicatedIndex();
                long replicated = delivered.get(k).keySet().stream().filter(i -> i <= r).count();
                long[] readable = seqs(drain(b.reader(r)));
                long dropped = b.backlog().droppedOverflow();
                assertThat(dropped + replicated + readable.length).as(b.getClass().getSimpleName()).isEqualTo(seq);
                Statistics.label(b.getClass().getSimpleName() + " dropped some").collect(dropped > 0);
                assertThat(b.backlog().records()).isEqualTo(readable.length);
                for (int i = 0; i < readable.length; i++) {
                    assertThat(readable[i]).isEqualTo(seq - readable.length + i);
                }
            }
        } finally {
            readers[1].close();
            buffers[1].close();
            deleteRecursively(dir);
        }
    }

    @Provide
    Arbitrary<Long> smallMaxBytes() {
        return Arbitraries.longs().between(256 << 10, 2 << 20);
    }

    private static List<StoredRecord> drain(LaneReader r) {
        try (r) {
            List<StoredRecord> all = new ArrayList<>();
            while (true) {
                List<StoredRecord> batch = r.poll(10_000, Long.MAX_VALUE, Duration.ZERO);
                if (batch.isEmpty()) {
                    return all;
                }
                all.addAll(batch);
            }
        }
    }

    private static long[] seqs(List<StoredRecord> records) {
        return records.stream().mapToLong(r -> Records.seqOf(r.record())).toArray();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
