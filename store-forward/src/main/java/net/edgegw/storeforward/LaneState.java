package net.edgegw.storeforward;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

/**
 * The shared state of one open {@link ChronicleLaneBuffer}: the segment table (oldest first; the last segment is the
 * one being written, possibly not created yet), the segment clock, the bytes written, the index positions, the
 * closed flag and the locks that guard them.
 *
 * <p>Thread-safety: {@link #lock} serialises appends and every change of the table, the byte total and the clock
 * (methods marked "under lock" must be called holding it). Readers hold the read side of {@link #readGate} while
 * they read; removing a segment takes its write side. The volatile positions may be read without any lock.
 */
final class LaneState {
    final String lane;
    final Path dir;
    /** Serialises appends and every change of the segment table, counters and replicated index. */
    final ReentrantLock lock = new ReentrantLock();
    final Condition spaceFreed = lock.newCondition();
    /** Readers hold the read side while they read a batch; deleting a segment takes the write side. */
    final ReentrantReadWriteLock readGate = new ReentrantReadWriteLock();

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private long totalBytes;
    private long appendedSinceStart;
    private volatile long segmentClock;
    /** First index still stored (or the first index of the current segment if nothing is stored). */
    private volatile long firstIndex;
    /** Incremented (under the write side of readGate) whenever segments are deleted. */
    private volatile long deletions;
    private volatile long lastAppendedIndex = -1;
    private volatile boolean closed;

    LaneState(String lane, Path dir) {
        this.lane = lane;
        this.dir = dir;
    }

    long segmentClock() {
        return segmentClock;
    }

    long firstIndex() {
        return firstIndex;
    }

    long deletions() {
        return deletions;
    }

    long lastAppendedIndex() {
        return lastAppendedIndex;
    }

    boolean closed() {
        return closed;
    }

    /** Under lock: marks the lane closed (under the write side of readGate, so no reader is mid-batch). */
    void markClosed() {
        readGate.writeLock().lock();
        try {
            closed = true;
        } finally {
            readGate.writeLock().unlock();
        }
    }

    /** Reads {@code value} holding {@link #lock}. */
    long underLock(LongSupplier value) {
        lock.lock();
        try {
            return value.getAsLong();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------ table (under lock)

    Segment head() {
        return segments.peekFirst();
    }

    Segment current() {
        return segments.peekLast();
    }

    int size() {
        return segments.size();
    }

    Iterable<Segment> segments() {
        return segments;
    }

    long totalBytes() {
        return totalBytes;
    }

    long appendedSinceStart() {
        return appendedSinceStart;
    }

    /** Recovery: a segment found on disk (oldest first). */
    void addRecovered(Segment s) {
        segments.addLast(s);
        totalBytes += s.bytes;
        lastAppendedIndex = s.lastIndex();
    }

    /** Recovery: the clock resumes at {@code clockStart}, the next segment to write. */
    void resumeAt(long clockStart) {
        segmentClock = clockStart;
        segments.addLast(new Segment((int) clockStart));
        firstIndex = segments.peekFirst().firstIndex;
    }

    /** Moves the segment clock on; the next write goes to a new cycle file. */
    Segment startSegment() {
        long next = segmentClock + 1;
        if (next > Integer.MAX_VALUE) {
            throw new IllegalStateException("buffer " + lane + " has run out of segment numbers");
        }
        Segment s = new Segment((int) next);
        segments.addLast(s);
        segmentClock = next;
        return s;
    }

    /**
     * The current segment is given up (a write into it failed): the next write goes to a new segment. An empty
     * current segment leaves the table (its file, if any, is the caller's to delete); one with records stays.
     */
    Segment skipSegment() {
        Segment cur = segments.peekLast();
        if (cur != null && cur.count == 0) {
            segments.pollLast();
            totalBytes -= cur.bytes;
        }
        Segment s = startSegment();
        if (segments.size() == 1) {
            firstIndex = s.firstIndex;
        }
        return s;
    }

    /**
     * Moves the segment clock past the segment of {@code index} (if it is not already): the next write goes to a new
     * segment after it. Returns the new segment's cycle, or -1 if nothing changed.
     */
    long continueAbove(long index) {
        long cycle = SegmentFiles.ROLL_CYCLE.toCycle(index);
        if (segmentClock > cycle) {
            return -1;
        }
        if (cycle + 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("index " + index + " is beyond the buffer's index space");
        }
        Segment cur = segments.peekLast();
        segmentClock = cycle + 1;
        if (cur.count == 0 && !cur.created) {
            segments.pollLast();
        }
        Segment s = new Segment((int) (cycle + 1));
        segments.addLast(s);
        if (segments.size() == 1) {
            firstIndex = s.firstIndex;
        }
        return cycle + 1;
    }

    /** Takes the oldest segment out of the table (under the write side of readGate); its bytes still count. */
    Segment removeHead() {
        Segment head = segments.peekFirst();
        if (head == null || head == segments.peekLast()) {
            throw new IllegalStateException("cannot delete the segment being written");
        }
        readGate.writeLock().lock();
        try {
            segments.pollFirst();
            firstIndex = segments.peekFirst().firstIndex;
            deletions++;
        } finally {
            readGate.writeLock().unlock();
        }
        return head;
    }

    /** The file of a removed segment is gone: its bytes no longer count. */
    void release(Segment s) {
        totalBytes -= s.bytes;
    }

    /** {@code s} now ends at {@code end} bytes (its write position). */
    void grew(Segment s, long end) {
        s.created = true;
        totalBytes += end - s.bytes;
        s.bytes = end;
    }

    /** Counts an appended record in {@code s} (after {@link #grew}). */
    void appended(Segment s, long index, long receivedAt) {
        s.count++;
        if (receivedAt > s.maxReceivedAt) {
            s.maxReceivedAt = receivedAt;
        }
        lastAppendedIndex = index;
        appendedSinceStart++;
    }

    /** Whether a segment after {@code s} has a file (so the segment numbers cannot go back). */
    boolean newerFileExists(Segment s) {
        for (Segment x : segments) {
            if (x.created && x.cycle > s.cycle) {
                return true;
            }
        }
        return false;
    }

    /** Number of segment files (including the one being written once it exists). */
    int fileCount() {
        int n = 0;
        for (Segment s : segments) {
            if (s.created) {
                n++;
            }
        }
        return n;
    }
}
