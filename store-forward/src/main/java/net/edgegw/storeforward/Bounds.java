package net.edgegw.storeforward;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a lane within {@code maxBytes} (real bytes written in all existing segment files) and above
 * {@code minFreeDisk} on its filesystem ({@link DiskGuard}) per its {@link Overflow} policy: {@link Overflow#DROP_OLDEST}
 * deletes the oldest segments (and, when the disk is short and nothing is left to delete, refuses the new record),
 * {@link Overflow#BLOCK} waits (without spinning) for space freed by replication or, for the disk, for free space to
 * come back (looking again every sample interval). Not thread-safe: runs under the lane's lock
 * ({@link LaneState#lock}), which a blocked appender releases while it waits.
 */
final class Bounds {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);

    /** What {@link #makeRoom} found. */
    enum Room {
        /** Go ahead and write. */
        OK,
        /** BLOCK: no room within the wait, or the lane closed. */
        NONE,
        /** DROP_OLDEST: the disk is short and nothing is left to delete; refuse the record (counted by the caller). */
        DISK_FULL
    }

    private final LaneState state;
    private final long maxBytes;
    private final Overflow overflow;
    private final SegmentReclaimer reclaimer;
    private final DiskGuard disk;

    Bounds(LaneState state, BufferSettings settings, SegmentReclaimer reclaimer, DiskGuard disk) {
        this.state = state;
        this.maxBytes = settings.maxBytes();
        this.overflow = settings.overflow();
        this.reclaimer = reclaimer;
        this.disk = disk;
    }

    /**
     * Under lock: makes room for {@code need} bytes within maxBytes and {@code diskNeed} bytes on the disk (a whole
     * segment when a new segment file is due) per the overflow policy.
     */
    Room makeRoom(long need, long diskNeed, Duration maxWait) {
        if (fits(need) && disk.hasRoom(diskNeed)) {
            return Room.OK;
        }
        return overflow == Overflow.DROP_OLDEST ? dropOldest(need, diskNeed) : block(need, diskNeed, maxWait);
    }

    private boolean fits(long need) {
        return state.totalBytes() + need <= maxBytes;
    }

    private Room dropOldest(long need, long diskNeed) {
        while (!fits(need) && state.size() > 1) {
            reclaimer.deleteHead(SegmentReclaimer.Reason.OVERFLOW);
        }
        if (!disk.hasRoom(diskNeed)) {
            if (state.size() > 1) {
                disk.enterFull("dropping oldest");
            }
            while (!disk.hasRoom(diskNeed) && state.size() > 1) {
                reclaimer.deleteHead(SegmentReclaimer.Reason.DISK);
            }
            if (!disk.hasRoom(diskNeed)) {
                disk.enterFull("refusing records");
                return Room.DISK_FULL;
            }
        }
        if (!fits(need)) {
            LOG.warn("Buffer lane {}: the segment being written alone exceeds maxBytes {}", state.lane, maxBytes);
        }
        return Room.OK;
    }

    private Room block(long need, long diskNeed, Duration maxWait) {
        long nanos = maxWait == null ? 0 : maxWait.toNanos();
        while (true) {
            boolean fits = fits(need);
            boolean diskRoom = disk.hasRoom(diskNeed);
            if (fits && diskRoom) {
                break;
            }
            if (!diskRoom) {
                disk.enterFull("holding inputs");
            }
            if (state.closed() || nanos <= 0) {
                return Room.NONE;
            }
            try {
                long slice = diskRoom ? nanos : Math.min(nanos, disk.pollNanos());
                nanos -= slice - state.spaceFreed.awaitNanos(slice);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Room.NONE;
            }
        }
        return state.closed() ? Room.NONE : Room.OK;
    }
}
