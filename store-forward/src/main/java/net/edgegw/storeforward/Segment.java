package net.edgegw.storeforward;

/**
 * One cycle file of a {@link ChronicleLaneBuffer}: its cycle number, first index, record count, bytes written and
 * the newest receive time it holds. Not thread-safe: guarded by the lane's lock ({@link LaneState#lock}).
 */
final class Segment {
    final int cycle;
    final long firstIndex;
    long count;
    long bytes;
    long maxReceivedAt = Long.MIN_VALUE;
    boolean created;

    Segment(int cycle) {
        this.cycle = cycle;
        this.firstIndex = SegmentFiles.ROLL_CYCLE.toIndex(cycle, 0);
    }

    long lastIndex() {
        return firstIndex + count - 1;
    }

    /** Records with an index above {@code replicated}. */
    long unreplicated(long replicated) {
        if (count == 0 || lastIndex() <= replicated) {
            return 0;
        }
        return replicated < firstIndex ? count : lastIndex() - replicated;
    }

    /** Whether the next record must go to a new segment (this one is full). */
    boolean full(long segmentBytes) {
        return count > 0 && (bytes >= segmentBytes || count >= SegmentFiles.MAX_RECORDS_PER_SEGMENT);
    }
}
