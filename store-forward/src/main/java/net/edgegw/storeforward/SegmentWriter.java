package net.edgegw.storeforward;

import java.io.IOException;
import java.time.Duration;

import com.codahale.metrics.Meter;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to a lane's current segment with its one Chronicle appender, rolling to a new segment (moving the
 * segment clock on) when the current one is full, after {@link Bounds} made room (within maxBytes and above
 * minFreeDisk). This is the lane's single append site, so it is also where a write that fails for lack of disk space
 * (the {@code InternalError} of a SIGBUS in a mapped page, or an I/O error) is caught: the half-written excerpt is
 * rolled back (Chronicle zeroes its header again, so no reader ever sees it), the appender is dropped (with the
 * queue's write lock it may still hold; a new one is made at the next write), the lane moves on to a fresh segment, the record is counted ({@code droppedDiskFull})
 * or, with {@link Overflow#BLOCK}, handed back to the caller (-1) to hold; the failure never reaches the caller.
 * Thread-safety: {@link #append} may be called from any thread (it takes the lane's lock);
 * {@link #closeCurrentSegment} runs under that lock.
 */
final class SegmentWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);

    private final LaneState state;
    private final SingleChronicleQueue queue;
    private final Bounds bounds;
    private final DiskGuard disk;
    private final Overflow overflow;
    private final Syncer syncer;
    private final Meter appendedMeter;
    private final ReaderWakeup wakeup;
    private final long segmentBytes;
    private final int maxRecordBytes;
    /** Guarded by the lane lock. */
    private final RecordCodec encoder = new RecordCodec();
    /**
     * Guarded by the lane lock; dropped after a failed write left it unusable and made again at the next write (not
     * at once: a new appender maps the newest segment file, which would keep the file of a segment deleted for disk
     * space mapped, so its space would never come back).
     */
    private ExcerptAppender appender;
    /** Writes that failed for lack of disk space (guarded by the lane lock). */
    private long faults;

    /** {@code syncer} is null with {@link SyncMode#NONE}. */
    SegmentWriter(LaneState state, SingleChronicleQueue queue, Bounds bounds, DiskGuard disk,
                  Overflow overflow, Syncer syncer, Meter appendedMeter, ReaderWakeup wakeup, long segmentBytes,
                  int maxRecordBytes) {
        this.state = state;
        this.queue = queue;
        this.appender = newAppender(queue);
        this.bounds = bounds;
        this.disk = disk;
        this.overflow = overflow;
        this.syncer = syncer;
        this.appendedMeter = appendedMeter;
        this.wakeup = wakeup;
        this.segmentBytes = segmentBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Appends {@code r} (not synced); its index, -1 if closed or BLOCK found no room in time (nor disk space), or
     * {@link LaneBuffer#DROPPED} if DROP_OLDEST refused it for lack of disk space (counted).
     */
    long append(BufferedRecord r, Duration maxWait) {
        long index;
        state.lock.lock();
        try {
            if (state.closed()) {
                return -1;
            }
            int size = encoder.encodedSize(r);
            if (size > maxRecordBytes) {
                throw new IllegalArgumentException("record of " + size + " bytes is larger than the buffer's limit of "
                        + maxRecordBytes + " bytes (lane " + state.lane + ")");
            }
            Segment cur = state.current();
            boolean newFile = cur.full(segmentBytes) || !cur.created;
            long need = SegmentFiles.appendCost(size, newFile);
            Bounds.Room room = bounds.makeRoom(need, newFile ? segmentBytes + need : need, maxWait);
            if (room == Bounds.Room.NONE) {
                return -1;
            }
            if (room == Bounds.Room.DISK_FULL) {
                disk.refused();
                return LaneBuffer.DROPPED;
            }
            cur = state.current(); // may have changed while waiting
            if (cur.full(segmentBytes)) {
                cur = state.startSegment();
            }
            if (syncer != null && !cur.created) {
                syncer.newSegment(cur.cycle);
            }
            // encode only now: makeRoom may have released the lock while waiting, letting other appenders use encoder
            int len = encoder.encode(r);
            long before = cur.bytes;
            try {
                write(len);
            } catch (InternalError | RuntimeException e) {
                return writeFailed(e, cur);
            }
            ExcerptAppender a = appender();
            index = a.lastIndexAppended();
            if (a.cycle() != cur.cycle) {
                throw new IllegalStateException("buffer " + state.lane + " wrote to cycle " + a.cycle()
                        + " instead of " + cur.cycle);
            }
            state.grew(cur, a.wire().bytes().writePosition());
            disk.wrote(cur.bytes - before);
            disk.ok(); // a write went through: the end of a disk-full episode, if there is room again
            state.appended(cur, index, r.receivedAtMillis());
        } finally {
            state.lock.unlock();
        }
        appendedMeter.mark();
        wakeup.wake();
        return index;
    }

    /** One excerpt; if filling it fails, it is rolled back (its header zeroed) before the failure propagates. */
    private void write(int len) {
        DocumentContext dc = appender().writingDocument();
        try {
            dc.wire().bytes().write(encoder.scratch(), 0, len);
        } catch (InternalError | RuntimeException e) {
            dc.rollbackOnClose();
            throw e;
        } finally {
            dc.close();
        }
    }

    /**
     * Under lock: a write into {@code cur} failed. A disk fault is handled (see the class comment) and the record
     * counted or handed back; anything else is a bug and propagates.
     */
    private long writeFailed(Throwable e, Segment cur) {
        if (!isDiskFault(e)) {
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw (Error) e;
        }
        faults++;
        disk.faulted();
        disk.enterFull(overflow == Overflow.BLOCK ? "holding inputs" : "refusing records");
        LOG.debug("Buffer lane {}: write failed in segment {}", state.lane, cur.cycle, e);
        dropAppender();
        // never write after the failure point again: a fresh segment (a file left without any record is deleted)
        boolean empty = cur.count == 0;
        state.skipSegment();
        if (empty) {
            deleteEmpty(cur);
        }
        if (overflow == Overflow.BLOCK) {
            return -1;
        }
        disk.refused();
        return LaneBuffer.DROPPED;
    }

    /** Under lock: drops the appender (it may be stuck mid-excerpt and hold the queue's write lock). */
    private void dropAppender() {
        if (appender == null) {
            return;
        }
        try {
            appender.close();
        } catch (InternalError | RuntimeException ignored) {
            // it is being dropped because it failed
        }
        appender = null;
        if (!StaleWriteLock.release(queue)) {
            LOG.warn("Buffer lane {}: cannot release the queue's write lock after a failed write", state.lane);
        }
    }

    /** Under lock: the appender, made if there is none. */
    private ExcerptAppender appender() {
        if (appender == null) {
            appender = newAppender(queue);
        }
        return appender;
    }

    private static ExcerptAppender newAppender(SingleChronicleQueue queue) {
        ExcerptAppender a = queue.createAppender();
        a.singleThreadedCheckDisabled(true);
        return a;
    }

    /** Under lock: the file of a segment given up without records (possibly half-made) goes. */
    private void deleteEmpty(Segment s) {
        try {
            SegmentFiles.deleteFile(state.dir, s.cycle);
            queue.refreshDirectoryListing();
        } catch (RuntimeException ignored) {
            // best effort: the next start deletes a segment without records anyway
        }
        if (syncer != null) {
            syncer.forget(s.cycle);
        }
    }

    /** A SIGBUS in a mapped page ({@link InternalError}) or an I/O error anywhere in the cause chain. */
    static boolean isDiskFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InternalError || t instanceof IOException
                    || (t.getMessage() != null && t.getMessage().contains("No space left"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Under lock: writes that failed for lack of disk space since start. */
    long faults() {
        return faults;
    }

    /** Under lock: rolls the appender to a new (empty) cycle so that the current one can be deleted. */
    void closeCurrentSegment() {
        Segment s = state.startSegment();
        if (syncer != null) {
            syncer.newSegment(s.cycle);
        }
        try (DocumentContext dc = appender().writingDocument(true)) {
            dc.wire().write("edgegw.segment").int64(s.cycle);
        }
        state.grew(s, appender().wire().bytes().writePosition());
    }

    /** Under lock: releases the appender. */
    void close() {
        if (appender != null) {
            appender.close();
        }
    }
}
