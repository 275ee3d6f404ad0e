package net.edgegw.storeforward;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * A read-only look at a lane buffer's directory, safe while a {@link ChronicleLaneBuffer} (in this or another process)
 * holds it open and appends: the same {@link Backlog} values as {@link ChronicleLaneBuffer#backlog()} (without
 * {@code appended}, which only the writing process knows; {@code bytes} as a restarted buffer counts them, a few bytes
 * per segment below the writer's count), the replicated index and the unsent records. It opens the
 * Chronicle queue read-only, never takes the directory lock ({@code buffer.lock}), never deletes a segment, never
 * writes the counters or the replicated position. It reuses the buffer's parts: {@link Recovery#load} (the segment
 * table, with obsolete segments left alone), {@link ReplicatedPosition}, {@link LaneCounters}, {@link BacklogView},
 * {@link OldestRecordPeek} and {@link LaneCursor}.
 *
 * <p>A snapshot: what was on disk when it was opened (the writer may have appended, replicated or deleted since).
 * Not thread-safe; open, read, close.
 */
public final class LaneInspector implements AutoCloseable {
    static {
        ChronicleSupport.init();
    }

    private static final int ATTEMPTS = 10;

    private final LaneState state;
    private final SingleChronicleQueue queue;
    private final ReplicatedPosition replicated;
    private final OldestRecordPeek peek;
    private final BacklogView view;
    private final Set<LaneCursor> readers = ConcurrentHashMap.newKeySet();

    private LaneInspector(LaneState state, SingleChronicleQueue queue, ReplicatedPosition replicated,
                          LaneCounters counters, Clock clock) {
        this.state = state;
        this.queue = queue;
        this.replicated = replicated;
        this.peek = new OldestRecordPeek(queue, state);
        this.view = new BacklogView(state, replicated, counters, peek, clock);
    }

    /** Whether {@code dir} holds a lane buffer (one was opened there at least once). */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve("metadata" + SingleChronicleQueue.SUFFIX + "t"));
    }

    /**
     * Opens the lane buffer in {@code settings.dir()} read-only. A segment the writer deletes while this reads it
     * makes it start over (a few times).
     *
     * @throws IllegalStateException if the directory holds no lane buffer or cannot be read
     */
    public static LaneInspector open(String lane, BufferSettings settings, Clock clock) {
        Path dir = settings.dir();
        if (!exists(dir)) {
            throw new IllegalStateException("no lane buffer in " + dir);
        }
        long blockSize = SegmentFiles.blockSizeFor(SegmentFiles.segmentBytesFor(settings.maxBytes()));
        RuntimeException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            LaneState state = new LaneState(lane, dir);
            SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir.toFile())
                    .readOnly(true)
                    .rollCycle(SegmentFiles.ROLL_CYCLE)
                    .timeProvider(() -> state.segmentClock() * SegmentFiles.ROLL_CYCLE.lengthInMillis())
                    .blockSize(blockSize)
                    .indexCount(SegmentFiles.INDEX_COUNT)
                    .indexSpacing(SegmentFiles.INDEX_SPACING)
                    .build();
            try {
                LaneCounters counters = LaneCounters.load(dir);
                ReplicatedPosition replicated = new ReplicatedPosition(q, state);
                Recovery.load(q, state, counters.deletedThroughCycle(), replicated.index(), (cycle, counted) -> {
                });
                LaneInspector in = new LaneInspector(state, q, replicated, counters, clock);
                if (i < ATTEMPTS - 1 && in.backlog().records() == 0 && q.lastIndex() > replicated.index()) {
                    // the writer reclaimed segments while they were listed: records exist after the replicated
                    // position, yet none was found; a snapshot of nothing would be a wrong answer
                    in.close();
                    throw new IllegalStateException("segments changed while they were read");
                }
                return in;
            } catch (RuntimeException e) {
                q.close();
                last = e;
                // a segment the writer reclaimed between listing and opening: look again once it settled
                try {
                    Thread.sleep(10L * (i + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException("cannot read lane buffer " + dir + ": " + last.getMessage(), last);
    }

    /** The lane's backlog, as {@link ChronicleLaneBuffer#backlog()} would report it ({@code appended} is 0). */
    public Backlog backlog() {
        return view.snapshot();
    }

    /** The last index the uplink confirmed, -1 if none. */
    public long replicatedIndex() {
        return replicated.index();
    }

    /** A cursor over the stored records after {@code afterIndex} (read-only; closed with this inspector). */
    public LaneReader reader(long afterIndex) {
        LaneCursor r = new LaneCursor(queue, state, new ReaderWakeup(), new AtomicLong(), readers);
        r.seekAfter(afterIndex);
        return r;
    }

    @Override
    public void close() {
        peek.release();
        for (LaneCursor r : readers) {
            r.release();
        }
        readers.clear();
        queue.close();
    }
}
