package net.edgegw.storeforward;

import java.util.NavigableSet;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Crash recovery at open: rebuilds the segment table of a {@link LaneState} from the cycle files on disk, deletes the
 * segments already replicated or already counted as dropped, and resumes the segment clock after the last existing
 * (or deleted) segment so that segment numbers, and so indexes, are never reused. Runs once, on the opening thread,
 * before the lane is shared; not thread-safe.
 */
final class Recovery {
    private Recovery() {
    }

    static void recover(SingleChronicleQueue queue, LaneState state, LaneCounters counters, long replicatedIndex) {
        boolean deleted = load(queue, state, counters.deletedThroughCycle(), replicatedIndex, (cycle, counted) -> {
            if (!counted) {
                counters.recordDeletion(cycle, 0, 0);
            }
            SegmentFiles.deleteFile(state.dir, cycle);
        });
        if (deleted) {
            queue.refreshDirectoryListing();
        }
    }

    /** What to do with a segment file that holds nothing to keep ({@code counted}: already in the counters). */
    interface Obsolete {
        void segment(int cycle, boolean counted);
    }

    /**
     * Rebuilds the segment table of {@code state} from the cycle files, handing each segment that holds nothing to
     * keep to {@code obsolete} (recovery deletes it; a read-only inspection ignores it), and resumes the segment clock.
     * Returns whether any segment was obsolete.
     */
    static boolean load(SingleChronicleQueue queue, LaneState state, long deletedThrough, long replicatedIndex,
                        Obsolete obsolete) {
        int first = queue.firstCycle();
        int last = queue.lastCycle();
        long clockStart = Math.max(1, Math.max(deletedThrough + 1, last >= 0 ? last + 1L : 1));
        if (clockStart > Integer.MAX_VALUE) {
            throw new IllegalStateException("buffer " + state.dir + " has run out of segment numbers");
        }
        boolean found = false;
        if (first <= last && last >= 0) {
            NavigableSet<Long> cycles = queue.listCyclesBetween(first, last);
            try (ExcerptTailer t = queue.createTailer()) {
                for (long c : cycles) {
                    int cycle = (int) c;
                    if (cycle <= deletedThrough) {
                        obsolete.segment(cycle, true);
                        found = true;
                        continue;
                    }
                    Segment s = read(t, cycle, state);
                    if (s.count <= 0 || s.lastIndex() <= replicatedIndex) {
                        obsolete.segment(cycle, false);
                        found = true;
                        continue;
                    }
                    state.addRecovered(s);
                }
            }
        }
        state.resumeAt(clockStart);
        return found;
    }

    /** The segment of {@code cycle} as found on disk: its record count, bytes and newest receive time. */
    private static Segment read(ExcerptTailer t, int cycle, LaneState state) {
        long count = t.excerptsInCycle(cycle);
        Segment s = new Segment(cycle);
        s.created = true;
        if (count > 0) {
            s.count = count;
            if (!t.moveToIndex(s.lastIndex())) {
                throw new IllegalStateException("buffer " + state.dir + ": cannot find the last record "
                        + Long.toHexString(s.lastIndex()) + " of segment " + cycle);
            }
            try (DocumentContext dc = t.readingDocument()) {
                Bytes<?> b = dc.wire().bytes();
                s.bytes = b.readLimit();
                long at = Excerpts.receivedAt(b);
                s.maxReceivedAt = at == Long.MIN_VALUE ? 0 : at;
            }
        }
        return s;
    }
}
