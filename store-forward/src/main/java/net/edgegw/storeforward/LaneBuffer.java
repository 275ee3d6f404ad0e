package net.edgegw.storeforward;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The durable buffer of one lane. {@link #append} is thread-safe (many source threads); {@link #reader},
 * {@link #markReplicated} are called by the lane's single forwarder thread; {@link #backlog} from any thread.
 */
public interface LaneBuffer extends AutoCloseable {

    /**
     * What {@link #append} returns when {@link Overflow#DROP_OLDEST} refused the record because the disk is full
     * (below {@code minFreeDisk}) and nothing older was left to delete: the record is not stored and the buffer
     * counted it ({@link Backlog#droppedDiskFull()}). The caller must not retry it and need not count it again.
     */
    long DROPPED = -2;

    /** The lane name. */
    String lane();

    /**
     * Appends a record durably (per the sync policy) and returns its index (>= 0). With {@link Overflow#BLOCK} and
     * a full buffer, waits up to {@code maxWait} for room and returns -1 if there was none (the caller counts or
     * pushes back); with {@link Overflow#DROP_OLDEST} it never waits, and returns {@link #DROPPED} if the disk is
     * full. Returns -1 too once closed.
     */
    long append(BufferedRecord r, Duration maxWait);

    /**
     * Appends {@code records} in order, as {@link #append} would one by one, and returns their indexes
     * ({@link #DROPPED} for a record refused for lack of disk space). The first -1
     * (no room in time with {@link Overflow#BLOCK}, or closed) ends the batch: that record and the ones after it are
     * not appended and are -1 in the result. With {@link SyncMode#EVERY_BATCH} one sync covers the whole batch,
     * which is how a source should acknowledge a batch of input (e.g. MQTT messages) after it is durable.
     */
    default long[] appendAll(List<BufferedRecord> records, Duration maxWait) {
        long[] out = new long[records.size()];
        Arrays.fill(out, -1);
        for (int i = 0; i < out.length; i++) {
            out[i] = append(records.get(i), maxWait);
            if (out[i] == -1) {
                break;
            }
        }
        return out;
    }

    /** A new cursor positioned after {@code afterIndex} (-1 = from the oldest stored record). */
    LaneReader reader(long afterIndex);

    /**
     * Everything with index <= {@code index} has been confirmed by the uplink: it no longer counts as backlog and
     * its space may be reclaimed. Persisted as the local position (a hint: the exactly-once uplink trusts Kafka's
     * checkpoint). Calls with a smaller index than before are ignored.
     */
    void markReplicated(long index);

    /** The last index passed to {@link #markReplicated} (persisted across restarts), -1 if none. */
    long replicatedIndex();

    /**
     * Makes every index appended from now on greater than {@code index}. The uplink calls it at start with the
     * position it recovered from elsewhere (e.g. the Kafka checkpoint), so that record ids are never reused even if
     * the buffer directory was lost or replaced. The default does nothing (for buffers whose indexes cannot restart).
     */
    default void ensureIndexesAbove(long index) {
    }

    /**
     * Hands stored records to {@code visitor} newest first (the newest at the moment of the call), at most
     * {@code maxRecords}, until it returns false. Records that fail their checksum are skipped. For resolving, after a
     * crash, whether a source's last append landed (see {@code net.edgegw.core.RecentRecords}); reads from disk, any thread.
     * The default visits nothing (a buffer that does not survive a crash has nothing to tell).
     */
    default void scanNewest(int maxRecords, Predicate<StoredRecord> visitor) {
    }

    /** A consistent-enough snapshot for metrics and heartbeats. */
    Backlog backlog();

    @Override
    void close();
}
