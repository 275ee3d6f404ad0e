package net.edgegw.storeforward;

import java.io.IOException;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a lane from filling its filesystem ({@code buffer.minFreeDisk}): Chronicle Queue writes through memory
 * mappings, and a write into a page a full filesystem cannot back kills the write with SIGBUS (seen by Java as
 * {@code InternalError: a fault occurred in a recent unsafe memory access}). {@link Bounds} asks {@link #hasRoom}
 * before every append and applies the overflow policy as if maxBytes were reached when there is none.
 *
 * <p>The free space is sampled from {@link FreeSpace} at most every {@code sampleNanos}; in between it is estimated
 * as the last sample minus the bytes this lane wrote plus the bytes of the segments it deleted since. After a write
 * fault ({@link #faulted}) the estimate is 0 until a fresh sample.
 *
 * <p>State: "ok" or "disk full". The change to "disk full" is logged once at WARN with the free space, the threshold
 * and what the lane does about it; the change back once at INFO with the records refused and deleted meanwhile.
 * Not thread-safe: runs under the lane's lock ({@link LaneState#lock}).
 */
final class DiskGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);
    private static final long MIB = 1 << 20;

    private final LaneState state;
    private final long minFree;
    private final FreeSpace freeSpace;
    private final long sampleNanos;
    private final LongSupplier nanoTime;
    private final LaneCounters counters;
    private final long recoverNeed;

    private long sample = Long.MAX_VALUE;
    private long sampledAt;
    private boolean sampled;
    private long sinceSample;
    private boolean sampleFailed;
    /** The need of the last {@link #hasRoom} check (for the message). */
    private long lastNeed;

    private boolean full;
    private String action;
    private long fullSinceNanos;
    private long refusedInEpisode;
    private long droppedAtStart;

    /**
     * @param recoverNeed the room (beyond minFree) that ends a "disk full" episode: a few segments, so that a lane that
     *                    keeps itself at the threshold by deleting its oldest segments does not log every roll
     */
    DiskGuard(LaneState state, long minFree, FreeSpace freeSpace, long sampleNanos, LongSupplier nanoTime,
              LaneCounters counters, long recoverNeed) {
        this.recoverNeed = recoverNeed;
        this.state = state;
        this.minFree = minFree;
        this.freeSpace = freeSpace;
        this.sampleNanos = sampleNanos;
        this.nanoTime = nanoTime;
        this.counters = counters;
    }

    /** Whether {@code need} more bytes leave at least minFreeDisk free (sampling if the last sample is stale). */
    boolean hasRoom(long need) {
        lastNeed = need;
        long now = nanoTime.getAsLong();
        if (!sampled || now - sampledAt >= sampleNanos) {
            resample(now);
        }
        if (sample == Long.MAX_VALUE) {
            return true; // unknown: do not refuse records because the free space cannot be read
        }
        return sample - sinceSample - need >= minFree;
    }

    /** The free space as estimated now (for messages). */
    long estimatedFree() {
        return sample == Long.MAX_VALUE ? -1 : Math.max(0, sample - sinceSample);
    }

    /** How long a blocked appender should wait before looking at the disk again. */
    long pollNanos() {
        return Math.max(1, sampleNanos);
    }

    private void resample(long now) {
        sampled = true;
        sampledAt = now;
        sinceSample = 0;
        try {
            sample = freeSpace.usableBytes(state.dir);
            sampleFailed = false;
        } catch (IOException | RuntimeException e) {
            sample = Long.MAX_VALUE;
            if (!sampleFailed) {
                sampleFailed = true;
                LOG.warn("Buffer lane {}: cannot read the free space of {} ({}); minFreeDisk is not enforced",
                        state.lane, state.dir, e.toString());
            }
        }
    }

    /** {@code bytes} more were written to the lane's files. */
    void wrote(long bytes) {
        if (bytes > 0) {
            sinceSample += bytes;
        }
    }

    /** A segment file of {@code bytes} was deleted (its space comes back once nothing maps it any more). */
    void freed(long bytes) {
        sinceSample -= bytes;
    }

    /** A write failed for lack of space: the estimate is 0 until the next sample, taken at the next check. */
    void faulted() {
        sample = 0;
        sinceSample = 0;
        sampled = false;
    }

    /**
     * Enters the "disk full" state; {@code what} says what the lane does about it ("dropping oldest", "holding
     * inputs", "refusing records"). Logged once when the state or what the lane does changes.
     */
    void enterFull(String what) {
        if (full && what.equals(action)) {
            return;
        }
        if (!full) {
            full = true;
            fullSinceNanos = nanoTime.getAsLong();
            refusedInEpisode = 0;
            droppedAtStart = counters.droppedOverflow();
        }
        action = what;
        long free = estimatedFree();
        LOG.warn("Buffer lane {}: disk full (free {} MiB < minFreeDisk {} MiB + {} MiB to write): {}", state.lane,
                free < 0 ? "?" : mib(free), mib(minFree), mib(lastNeed), what);
    }

    /** A record was refused for lack of disk space: counted in {@code droppedDiskFull}. */
    void refused() {
        refusedInEpisode++;
        counters.addDiskFull(1);
    }

    /** An append goes ahead: if the disk has room again, leaves the "disk full" state (logged once, with the counts). */
    void ok() {
        if (!full || !hasRoom(recoverNeed)) {
            return;
        }
        full = false;
        action = null;
        counters.flush();
        long seconds = Math.max(0, (nanoTime.getAsLong() - fullSinceNanos) / 1_000_000_000L);
        LOG.info("Buffer lane {}: disk space recovered (free {} MiB >= minFreeDisk {} MiB) after {} s: {} record(s)"
                        + " refused (dropped.diskFull), {} deleted to make room (dropped.overflow)", state.lane,
                mib(Math.max(0, estimatedFree())), mib(minFree), seconds, refusedInEpisode,
                counters.droppedOverflow() - droppedAtStart);
    }

    boolean full() {
        return full;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) MIB);
    }
}
