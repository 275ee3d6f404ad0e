package net.edgegw.storeforward;

import java.time.Clock;
import java.time.Duration;

/**
 * Deletes a lane's segments whose newest record is older than {@code maxAge} (per the injected clock), counting their
 * unreplicated records in {@code droppedExpired}; closes the segment being written first when it has to go (the next
 * append starts a new one). Thread-safe: {@link #run} takes the lane's lock.
 */
final class Expiry {
    private final LaneState state;
    private final Duration maxAge;
    private final Clock clock;
    private final SegmentReclaimer reclaimer;
    private final SegmentWriter writer;

    Expiry(LaneState state, Duration maxAge, Clock clock, SegmentReclaimer reclaimer, SegmentWriter writer) {
        this.state = state;
        this.maxAge = maxAge;
        this.clock = clock;
        this.reclaimer = reclaimer;
        this.writer = writer;
    }

    /** One pass; does nothing without a maxAge. */
    void run() {
        if (maxAge == null) {
            return;
        }
        state.lock.lock();
        try {
            if (state.closed()) {
                return;
            }
            long cutoff = clock.millis() - maxAge.toMillis();
            while (true) {
                Segment head = state.head();
                if (head.count == 0 && head != state.current()) {
                    reclaimer.deleteHead(SegmentReclaimer.Reason.REPLICATED); // an empty segment left behind
                    continue;
                }
                if (head.count == 0 || head.maxReceivedAt >= cutoff) {
                    break;
                }
                if (head == state.current()) {
                    writer.closeCurrentSegment();
                }
                reclaimer.deleteHead(SegmentReclaimer.Reason.EXPIRED);
            }
        } finally {
            state.lock.unlock();
        }
    }
}
