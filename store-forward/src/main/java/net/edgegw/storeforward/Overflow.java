package net.edgegw.storeforward;

/** What a full buffer does with a new record (config {@code buffer.overflow}). */
public enum Overflow {
    /** Delete the oldest not-yet-replicated records (whole segments) to make room; every dropped record is counted. */
    DROP_OLDEST,
    /** Refuse the new record: {@link LaneBuffer#append} waits for room, the source pushes back. */
    BLOCK
}
