package net.edgegw.storeforward;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a lane within {@code maxBytes} (real bytes written in all existing segment files) per its {@link Overflow}
 * policy: {@link Overflow#DROP_OLDEST} deletes the oldest segments, {@link Overflow#BLOCK} waits (without spinning)
 * for space freed by replication. Not thread-safe: runs under the lane's lock ({@link LaneState#lock}), which a
 * blocked appender releases while it waits.
 */
final class Bounds {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);

    private final LaneState state;
    private final long maxBytes;
    private final Overflow overflow;
    private final SegmentReclaimer reclaimer;

    Bounds(LaneState state, BufferSettings settings, SegmentReclaimer reclaimer) {
        this.state = state;
        this.maxBytes = settings.maxBytes();
        this.overflow = settings.overflow();
        this.reclaimer = reclaimer;
    }

    /** Under lock: makes room for {@code need} bytes per the overflow policy; false if BLOCK timed out or closed. */
    boolean makeRoom(long need, Duration maxWait) {
        if (state.totalBytes() + need <= maxBytes) {
            return true;
        }
        if (overflow == Overflow.DROP_OLDEST) {
            while (state.totalBytes() + need > maxBytes && state.size() > 1) {
                reclaimer.deleteHead(SegmentReclaimer.Reason.OVERFLOW);
            }
            if (state.totalBytes() + need > maxBytes) {
                LOG.warn("Buffer lane {}: the segment being written alone exceeds maxBytes {}", state.lane, maxBytes);
            }
            return true;
        }
        long nanos = maxWait == null ? 0 : maxWait.toNanos();
        while (state.totalBytes() + need > maxBytes) {
            if (state.closed() || nanos <= 0) {
                return false;
            }
            try {
                nanos = state.spaceFreed.awaitNanos(nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !state.closed();
    }
}
