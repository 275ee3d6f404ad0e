package net.edgegw.storeforward;

import java.time.Clock;

/**
 * The {@link Backlog} of a lane and its persistent drop counts: unreplicated records and bytes per segment (bytes
 * pro rata within a partly replicated segment), the age of the oldest unreplicated record (read from disk through
 * {@link OldestRecordPeek}) and the counters. Thread-safe: takes the lane's lock for the counts, then reads the age
 * outside it.
 */
final class BacklogView {
    private final LaneState state;
    private final ReplicatedPosition replicated;
    private final LaneCounters counters;
    private final OldestRecordPeek peek;
    private final Clock clock;

    BacklogView(LaneState state, ReplicatedPosition replicated, LaneCounters counters, OldestRecordPeek peek,
                Clock clock) {
        this.state = state;
        this.replicated = replicated;
        this.counters = counters;
        this.peek = peek;
        this.clock = clock;
    }

    Backlog snapshot() {
        long records = 0;
        long bytes = 0;
        long oldestIndex = -1;
        long dropOverflow;
        long dropExpired;
        long dropDiskFull;
        long appended;
        state.lock.lock();
        try {
            long r = replicated.index();
            for (Segment s : state.segments()) {
                long u = s.unreplicated(r);
                if (u > 0) {
                    if (oldestIndex < 0) {
                        oldestIndex = Math.max(s.firstIndex, r + 1);
                    }
                    records += u;
                    bytes += u == s.count ? s.bytes : (long) (s.bytes * ((double) u / s.count));
                }
            }
            dropOverflow = counters.droppedOverflow();
            dropExpired = counters.droppedExpired();
            dropDiskFull = counters.droppedDiskFull();
            appended = state.appendedSinceStart();
        } finally {
            state.lock.unlock();
        }
        long age = 0;
        if (oldestIndex >= 0) {
            long at = peek.receivedAt(oldestIndex);
            if (at != Long.MIN_VALUE) {
                age = Math.max(0, clock.millis() - at);
            }
        }
        return new Backlog(records, bytes, age, dropOverflow, dropExpired, appended, dropDiskFull);
    }

    /** Records dropped by overflow since the buffer was created (persisted). */
    long droppedOverflow() {
        return state.underLock(counters::droppedOverflow);
    }

    /** Records dropped by maxAge since the buffer was created (persisted). */
    long droppedExpired() {
        return state.underLock(counters::droppedExpired);
    }

    /** Records refused for lack of disk space since the buffer was created (persisted). */
    long droppedDiskFull() {
        return state.underLock(counters::droppedDiskFull);
    }
}
