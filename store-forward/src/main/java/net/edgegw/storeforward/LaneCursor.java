package net.edgegw.storeforward;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LaneReader} of a {@link ChronicleLaneBuffer}: a Chronicle tailer plus the last index it handed out. It
 * skips records of deleted segments (re-seeking after a deletion) and corrupt records (counted), and parks on the
 * lane's {@link ReaderWakeup} while it waits for appends. Not thread-safe: owned by one thread at a time, per the
 * {@link LaneReader} contract; holds the read side of the lane's read gate while it reads.
 */
final class LaneCursor implements LaneReader {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);

    private final LaneState state;
    private final ReaderWakeup wakeup;
    private final AtomicLong corrupt;
    private final Set<LaneCursor> open;
    private final ExcerptTailer tailer;
    private final RecordCodec decoder = new RecordCodec();
    private long cursor = -1;
    private long seenDeletions = -1;
    private boolean readerClosed;

    /** A cursor registered in {@code open} until it is closed; {@code corrupt} counts the records it skips. */
    LaneCursor(SingleChronicleQueue queue, LaneState state, ReaderWakeup wakeup, AtomicLong corrupt,
               Set<LaneCursor> open) {
        this.state = state;
        this.wakeup = wakeup;
        this.corrupt = corrupt;
        this.open = open;
        this.tailer = queue.createTailer();
        tailer.singleThreadedCheckDisabled(true); // owned by one thread at a time, per the LaneReader contract
        open.add(this);
    }

    @Override
    public List<StoredRecord> poll(int maxRecords, long maxBytes, Duration wait) {
        if (maxRecords <= 0) {
            return List.of();
        }
        List<StoredRecord> out = readBatch(maxRecords, maxBytes);
        if (!out.isEmpty() || wait == null || wait.isZero() || wait.isNegative()) {
            return out;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || state.closed() || readerClosed) {
                return out;
            }
            wakeup.arm();
            try {
                out = readBatch(maxRecords, maxBytes);
                if (!out.isEmpty()) {
                    return out;
                }
                // park at most 50 ms at a time: a safety net, appenders unpark us
                wakeup.park(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            } finally {
                wakeup.disarm();
            }
        }
    }

    private List<StoredRecord> readBatch(int maxRecords, long maxBytes) {
        state.readGate.readLock().lock();
        try {
            if (state.closed() || readerClosed) {
                return List.of();
            }
            long first = state.firstIndex();
            if (seenDeletions != state.deletions()) {
                seenDeletions = state.deletions();
                if (cursor < first - 1 || tailer.index() < first) {
                    moveTo(first);
                }
            }
            List<StoredRecord> out = null;
            long bytes = 0;
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    long idx = dc.index();
                    if (idx <= cursor || idx < first) {
                        continue; // dropped (a deleted segment still mapped) or before the seek position
                    }
                    Bytes<?> b = dc.wire().bytes();
                    long len = b.readRemaining();
                    BufferedRecord rec = Excerpts.decode(decoder, b);
                    if (rec == null) {
                        cursor = idx;
                        corrupt.incrementAndGet();
                        LOG.error("Buffer lane {}: record {} is corrupt ({} bytes); skipped", state.lane,
                                Long.toHexString(idx), len);
                        continue;
                    }
                    if (out != null && bytes + rec.wireSize() > maxBytes) {
                        dc.rollbackOnClose(); // re-read by the next poll
                        break;
                    }
                    cursor = idx;
                    if (out == null) {
                        out = new ArrayList<>(Math.min(maxRecords, 1024));
                    }
                    out.add(new StoredRecord(idx, rec));
                    bytes += rec.wireSize();
                    if (out.size() >= maxRecords || bytes >= maxBytes) {
                        break;
                    }
                }
            }
            return out == null ? List.of() : out;
        } finally {
            state.readGate.readLock().unlock();
        }
    }

    /** Positions the tailer so that the next read returns {@code index} or the first record after it. */
    private void moveTo(long index) {
        if (!tailer.moveToIndex(index)) {
            if (index > state.lastAppendedIndex()) {
                tailer.toEnd();
            } else {
                tailer.toStart();
            }
        }
    }

    @Override
    public void seekAfter(long index) {
        state.readGate.readLock().lock();
        try {
            if (state.closed() || readerClosed) {
                return;
            }
            seenDeletions = state.deletions();
            cursor = index;
            long first = state.firstIndex();
            if (index < first) {
                moveTo(first);
            } else if (index >= state.lastAppendedIndex()) {
                tailer.toEnd();
            } else {
                moveTo(index); // the read loop skips index itself (idx <= cursor)
            }
        } finally {
            state.readGate.readLock().unlock();
        }
    }

    @Override
    public void close() {
        state.readGate.writeLock().lock();
        try {
            if (!readerClosed) {
                readerClosed = true;
                open.remove(this);
                if (!state.closed()) {
                    tailer.close();
                }
            }
        } finally {
            state.readGate.writeLock().unlock();
        }
    }

    /** Releases the tailer when the buffer closes (the cursor itself may stay open, then reads nothing). */
    void release() {
        tailer.close();
    }
}
