package net.edgegw.storeforward;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads the receive time of one stored record (the oldest unreplicated one, for the backlog's age) with a tailer of
 * its own, remembering the last answer. Thread-safe (one monitor); holds off segment deletion while it reads.
 */
final class OldestRecordPeek {
    private final SingleChronicleQueue queue;
    private final LaneState state;
    private ExcerptTailer tailer;
    private long peekIndex = -1;
    private long peekReceivedAt;

    OldestRecordPeek(SingleChronicleQueue queue, LaneState state) {
        this.queue = queue;
        this.state = state;
    }

    /** receivedAt of the record at {@code index}, Long.MIN_VALUE if it is not stored (any more). */
    synchronized long receivedAt(long index) {
        if (index == peekIndex) {
            return peekReceivedAt;
        }
        state.readGate.readLock().lock();
        try {
            if (state.closed() || index < state.firstIndex()) {
                return Long.MIN_VALUE;
            }
            if (tailer == null) {
                tailer = queue.createTailer();
                tailer.singleThreadedCheckDisabled(true);
            }
            if (!tailer.moveToIndex(index)) {
                return Long.MIN_VALUE;
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent() || dc.index() != index) {
                    return Long.MIN_VALUE;
                }
                long at = Excerpts.receivedAt(dc.wire().bytes());
                if (at != Long.MIN_VALUE) {
                    peekIndex = index;
                    peekReceivedAt = at;
                }
                return at;
            }
        } finally {
            state.readGate.readLock().unlock();
        }
    }

    /** Lets the tailer drop its mapping of deleted segments (so their disk space is freed). */
    synchronized void release() {
        if (tailer != null) {
            tailer.close();
            tailer = null;
        }
        peekIndex = -1;
    }
}
