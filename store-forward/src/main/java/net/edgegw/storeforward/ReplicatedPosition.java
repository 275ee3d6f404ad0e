package net.edgegw.storeforward;

import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated position of a lane: the last index the uplink confirmed, persisted as a memory-mapped long in
 * Chronicle's table store (key {@code index.edgegw.replicated}), only ever moving forward and never beyond the last
 * appended index. Thread-safety: {@link #index} may be read from any thread; {@link #advance} runs under the lane's
 * lock ({@link LaneState#lock}).
 */
final class ReplicatedPosition {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);
    private static final String REPLICATED_ID = "edgegw.replicated";

    private final LaneState state;
    private final LongValue value;
    private volatile long index;

    ReplicatedPosition(SingleChronicleQueue queue, LaneState state) {
        this.state = state;
        this.value = queue.indexForId(REPLICATED_ID);
        long r = value.getVolatileValue();
        this.index = r > 0 ? r : -1;
    }

    /** The replicated index, -1 if none. */
    long index() {
        return index;
    }

    /**
     * Under lock: moves the position to {@code to} (clamped to the last appended index) and persists it. Returns the
     * new position, or -1 if it did not move.
     */
    long advance(long to) {
        if (to <= index) {
            return -1;
        }
        long last = state.lastAppendedIndex();
        if (to > last) {
            if (last < 0) {
                return -1;
            }
            LOG.warn("Buffer lane {}: markReplicated({}) beyond the last appended index {}; clamped", state.lane,
                    Long.toHexString(to), Long.toHexString(last));
            to = last;
            if (to <= index) {
                return -1;
            }
        }
        index = to;
        value.setOrderedValue(to);
        return to;
    }
}
