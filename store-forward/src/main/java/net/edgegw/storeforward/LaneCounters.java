package net.edgegw.storeforward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The persistent drop counters of one lane, in {@code counters.properties} in the lane directory, together with
 * the newest segment (cycle) ever deleted. They are written as one unit (temp file, fsync, atomic rename, directory
 * fsync) <em>before</em> the segment file is unlinked, so after any crash a segment whose cycle is at or below
 * {@link #deletedThroughCycle()} is known to be deleted and counted already: counts are neither lost nor doubled.
 * {@code droppedDiskFull} (records refused because the disk was full, {@link DiskGuard}) is counted in memory at once
 * and written with the next deletion, when the disk-full episode ends ({@link #flush}) and at close; on a disk too
 * full to write this file, deletions are counted the same way ({@link #recordDeletion}). A crash during a disk-full
 * episode may therefore lose that episode's counts.
 * Not thread-safe: the buffer calls it under its lock.
 */
final class LaneCounters {
    static final String FILE = "counters.properties";
    private static final String TMP = FILE + ".tmp";

    private final Path dir;
    private long droppedOverflow;
    private long droppedExpired;
    private long droppedDiskFull;
    private long deletedThroughCycle;
    /** A count changed since the file was last written. */
    private boolean dirty;

    private LaneCounters(Path dir, long droppedOverflow, long droppedExpired, long droppedDiskFull,
                         long deletedThroughCycle) {
        this.dir = dir;
        this.droppedOverflow = droppedOverflow;
        this.droppedExpired = droppedExpired;
        this.droppedDiskFull = droppedDiskFull;
        this.deletedThroughCycle = deletedThroughCycle;
    }

    static LaneCounters load(Path dir) {
        Path file = dir.resolve(FILE);
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return new LaneCounters(dir, 0, 0, 0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read buffer counters " + file, e);
        }
        if (!"1".equals(p.getProperty("version"))) {
            throw new IllegalStateException("buffer counters " + file + " have unknown version " + p.getProperty("version"));
        }
        // droppedDiskFull came later: absent in older files, read as 0
        long diskFull = p.getProperty("droppedDiskFull") == null ? 0 : number(p, "droppedDiskFull", file);
        return new LaneCounters(dir, number(p, "droppedOverflow", file), number(p, "droppedExpired", file), diskFull,
                number(p, "deletedThroughCycle", file));
    }

    private static long number(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        try {
            long n = Long.parseLong(v == null ? "" : v.trim());
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("buffer counters " + file + ": bad value for " + key + ": " + v, e);
        }
    }

    long droppedOverflow() {
        return droppedOverflow;
    }

    long droppedExpired() {
        return droppedExpired;
    }

    long droppedDiskFull() {
        return droppedDiskFull;
    }

    /** Counts {@code n} records refused for lack of disk space (in memory; see the class comment). */
    void addDiskFull(long n) {
        droppedDiskFull += n;
        dirty = true;
    }

    /** Writes the counters if they changed since the last write; false (nothing thrown) if it cannot be done now. */
    boolean flush() {
        if (!dirty) {
            return true;
        }
        try {
            write(droppedOverflow, droppedExpired, deletedThroughCycle);
            dirty = false;
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    long deletedThroughCycle() {
        return deletedThroughCycle;
    }

    /**
     * Durably records that segment {@code cycle} is deleted, adding its lost records to the counters. If the file
     * cannot be written (a full disk) the counts are kept in memory, written at the next chance ({@link #flush}, the
     * next deletion, close), and false is returned: the caller deletes the segment anyway, since only that gives the
     * disk back (a crash before the next write then loses these counts; the file is gone, so nothing is doubled).
     */
    boolean recordDeletion(int cycle, long overflow, long expired) {
        droppedOverflow += overflow;
        droppedExpired += expired;
        deletedThroughCycle = Math.max(deletedThroughCycle, cycle);
        dirty = true;
        return flush();
    }

    private void write(long overflow, long expired, long deletedThrough) {
        String text = "# edge-gateway lane buffer counters, rewritten atomically; do not edit\n"
                + "version=1\n"
                + "droppedOverflow=" + overflow + '\n'
                + "droppedExpired=" + expired + '\n'
                + "droppedDiskFull=" + droppedDiskFull + '\n'
                + "deletedThroughCycle=" + deletedThrough + '\n';
        Path tmp = dir.resolve(TMP);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(dir);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write buffer counters in " + dir, ex);
        }
    }

    /** fsync of a directory, so that a created, renamed or deleted entry survives a power loss (best effort). */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on every platform/file system; the data files themselves are forced separately
        }
    }
}
