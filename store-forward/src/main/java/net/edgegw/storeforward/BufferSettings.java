package net.edgegw.storeforward;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one lane's durable buffer.
 *
 * @param dir          the lane's own directory (created if absent)
 * @param maxBytes     bound on the bytes kept on disk for not-yet-replicated records
 * @param maxAge       records older than this that are not replicated are dropped (counted); null = no limit
 * @param overflow     what to do when {@code maxBytes} is reached
 * @param sync         durability policy
 * @param syncInterval used by {@link SyncMode#INTERVAL}
 * @param minFreeDisk  free space kept on the directory's filesystem: below it the overflow policy applies as if
 *                     {@code maxBytes} were reached (0 = only the write faults of a full disk are handled)
 */
public record BufferSettings(Path dir, long maxBytes, Duration maxAge, Overflow overflow, SyncMode sync,
                             Duration syncInterval, long minFreeDisk) {

    /** Default of {@code minFreeDisk} (config {@code buffer.minFreeDisk}). */
    public static final long DEFAULT_MIN_FREE_DISK = 64L << 20;

    /** Settings with the default {@code minFreeDisk}. */
    public BufferSettings(Path dir, long maxBytes, Duration maxAge, Overflow overflow, SyncMode sync,
                          Duration syncInterval) {
        this(dir, maxBytes, maxAge, overflow, sync, syncInterval, DEFAULT_MIN_FREE_DISK);
    }

    public BufferSettings {
        if (dir == null) {
            throw new IllegalArgumentException("buffer dir is required");
        }
        if (maxBytes < 64 * 1024) {
            throw new IllegalArgumentException("buffer maxBytes must be at least 64 KiB, got " + maxBytes);
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("buffer maxAge must be positive");
        }
        if (minFreeDisk < 0) {
            throw new IllegalArgumentException("buffer minFreeDisk must not be negative, got " + minFreeDisk);
        }
        if (overflow == null) {
            overflow = Overflow.DROP_OLDEST;
        }
        if (sync == null) {
            sync = SyncMode.NONE;
        }
        if (syncInterval == null) {
            syncInterval = Duration.ofSeconds(1);
        }
    }
}
