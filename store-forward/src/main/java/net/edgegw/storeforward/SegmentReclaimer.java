package net.edgegw.storeforward;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a lane's oldest segment for one of three reasons (replicated, overflow, expired) and accounts for it: the
 * unreplicated records it loses go durably into {@link LaneCounters} before the file goes, the byte total shrinks,
 * the syncer and the peek tailer forget it and blocked appenders are woken. Not thread-safe: every method runs under
 * the lane's lock ({@link LaneState#lock}).
 */
final class SegmentReclaimer {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);

    /**
     * Why a segment is deleted. DISK (below minFreeDisk, {@link DiskGuard}) is counted as OVERFLOW, as drop-oldest
     * applies as if maxBytes were reached; it is logged by the guard's one line per episode, not per segment.
     */
    enum Reason { REPLICATED, OVERFLOW, EXPIRED, DISK }

    private final LaneState state;
    private final SingleChronicleQueue queue;
    private final LaneCounters counters;
    private final ReplicatedPosition replicated;
    private final Syncer syncer;
    private final OldestRecordPeek peek;
    private final DiskGuard disk;

    /** {@code syncer} is null with {@link SyncMode#NONE}. */
    SegmentReclaimer(LaneState state, SingleChronicleQueue queue, LaneCounters counters, ReplicatedPosition replicated,
                     Syncer syncer, OldestRecordPeek peek, DiskGuard disk) {
        this.state = state;
        this.queue = queue;
        this.counters = counters;
        this.replicated = replicated;
        this.syncer = syncer;
        this.peek = peek;
        this.disk = disk;
    }

    /** Deletes the segments (but the one being written) that hold only records at or below {@code index}. */
    void reclaimReplicated(long index) {
        while (state.size() > 1 && (state.head().count == 0 || state.head().lastIndex() <= index)) {
            deleteHead(Reason.REPLICATED);
        }
    }

    /** Deletes the oldest segment (never the one being written), counting what it loses. */
    void deleteHead(Reason reason) {
        Segment first = state.head();
        if (first == null || first == state.current()) {
            throw new IllegalStateException("cannot delete the segment being written");
        }
        long lost = first.unreplicated(replicated.index());
        // Counted durably before the file goes: a crash in between leaves a file the next start deletes uncounted.
        // A replicated segment with a newer segment file on disk needs no record: the next start deletes a leftover
        // (its records are at or below the replicated index) and resumes the segment numbers after the newer file.
        // Written before the table changes, so that a failure (a full disk) leaves the lane as it was.
        boolean overflow = reason == Reason.OVERFLOW || reason == Reason.DISK;
        if (reason != Reason.REPLICATED || !state.newerFileExists(first)) {
            counters.recordDeletion(first.cycle, overflow ? lost : 0,
                    reason == Reason.EXPIRED ? lost : 0);
        }
        Segment head = state.removeHead();
        state.release(head);
        disk.freed(head.bytes);
        if (head.created) {
            SegmentFiles.deleteFile(state.dir, head.cycle);
            queue.refreshDirectoryListing();
        }
        if (syncer != null) {
            syncer.forget(head.cycle);
        }
        peek.release();
        if (lost > 0 && (reason == Reason.OVERFLOW || reason == Reason.EXPIRED)) {
            LOG.warn("Buffer lane {}: dropped {} unreplicated record(s) ({}), segment {}", state.lane, lost,
                    reason == Reason.OVERFLOW ? "buffer full" : "older than maxAge", head.cycle);
        } else {
            LOG.debug("Buffer lane {}: deleted segment {} ({}, {} unreplicated record(s))", state.lane, head.cycle,
                    reason, lost);
        }
        state.spaceFreed.signalAll();
    }
}
