package net.edgegw.storeforward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The OS file lock on {@code buffer.lock} in a lane's directory, held while the buffer is open, so that a second
 * buffer (in this or another process) on the same directory fails fast. Thread-safe ({@link #release} is
 * idempotent).
 */
final class LaneDirectoryLock {
    private final FileChannel channel;
    private final FileLock lock;

    private LaneDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if needed and locks it.
     *
     * @throws UncheckedIOException if the directory cannot be created or is locked by another buffer
     */
    static LaneDirectoryLock acquire(Path dir) {
        FileChannel ch;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve("buffer.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create buffer directory " + dir, e);
        }
        FileLock fl;
        try {
            fl = ch.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            fl = null;
        }
        if (fl == null) {
            closeQuietly(ch);
            throw new UncheckedIOException(new IOException("buffer directory " + dir + " is in use by another buffer"));
        }
        return new LaneDirectoryLock(ch, fl);
    }

    void release() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it anyway
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing useful to do
        }
    }
}
