package net.edgegw.storeforward;

/**
 * A snapshot of one lane buffer.
 *
 * @param records            records appended and not yet replicated (nor dropped)
 * @param bytes              their approximate size on disk
 * @param oldestUnsentAgeMs  age of the oldest unreplicated record (0 when none)
 * @param droppedOverflow    records dropped by {@link Overflow#DROP_OLDEST} since the buffer was created (persisted)
 * @param droppedExpired     records dropped by maxAge since the buffer was created (persisted)
 * @param appended           records appended since this process started
 * @param droppedDiskFull    records refused because the disk was below {@code minFreeDisk} (or full) and nothing
 *                           older could be deleted, since the buffer was created (persisted; {@link LaneCounters})
 */
public record Backlog(long records, long bytes, long oldestUnsentAgeMs, long droppedOverflow, long droppedExpired,
                      long appended, long droppedDiskFull) {

    /** A backlog without disk-full drops. */
    public Backlog(long records, long bytes, long oldestUnsentAgeMs, long droppedOverflow, long droppedExpired,
                   long appended) {
        this(records, bytes, oldestUnsentAgeMs, droppedOverflow, droppedExpired, appended, 0);
    }
}
