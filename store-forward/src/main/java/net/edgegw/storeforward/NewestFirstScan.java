package net.edgegw.storeforward;

import java.util.function.Predicate;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * {@link LaneBuffer#scanNewest} on Chronicle: a backward tailer of its own per scan, stopping at the first deleted
 * segment and skipping corrupt records. Thread-safe: any number of scans may run at once; each holds off segment
 * deletion (the read side of the lane's read gate) while it runs.
 */
final class NewestFirstScan {
    private final SingleChronicleQueue queue;
    private final LaneState state;

    NewestFirstScan(SingleChronicleQueue queue, LaneState state) {
        this.queue = queue;
        this.state = state;
    }

    void scan(int maxRecords, Predicate<StoredRecord> visitor) {
        state.readGate.readLock().lock();
        try {
            if (state.closed() || maxRecords <= 0) {
                return;
            }
            long first = state.firstIndex();
            RecordCodec decoder = new RecordCodec();
            try (ExcerptTailer tailer = queue.createTailer()) {
                tailer.direction(TailerDirection.BACKWARD).toEnd();
                for (int seen = 0; seen < maxRecords; ) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        if (!dc.isPresent()) {
                            return;
                        }
                        long idx = dc.index();
                        if (idx < first) {
                            return; // a deleted segment that is still mapped: nothing older counts
                        }
                        BufferedRecord rec = Excerpts.decode(decoder, dc.wire().bytes());
                        if (rec == null) {
                            continue;
                        }
                        seen++;
                        if (!visitor.test(new StoredRecord(idx, rec))) {
                            return;
                        }
                    }
                }
            }
        } finally {
            state.readGate.readLock().unlock();
        }
    }
}
