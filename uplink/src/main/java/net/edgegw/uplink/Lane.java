package net.edgegw.uplink;

import net.edgegw.storeforward.LaneBuffer;

import java.util.Objects;

/**
 * One lane the forwarder replicates.
 *
 * @param buffer   the lane's durable buffer (owned by the caller: the forwarder never closes it)
 * @param priority 0 = highest; after an outage lanes drain in ascending priority (ties: the order given)
 */
public record Lane(LaneBuffer buffer, int priority) {
    public Lane {
        Objects.requireNonNull(buffer, "buffer");
        if (priority < 0) {
            throw new IllegalArgumentException("lane priority must be >= 0, got " + priority);
        }
    }

    /** The lane name. */
    public String name() {
        return buffer.lane();
    }
}
