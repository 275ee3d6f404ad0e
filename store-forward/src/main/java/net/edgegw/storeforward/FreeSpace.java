package net.edgegw.storeforward;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a lane buffer learns how much space is left on the filesystem of its directory (for {@code minFreeDisk},
 * see {@link DiskGuard}). The buffer asks at most every few hundred milliseconds, never per record. Implementations
 * must be thread-safe; tests inject one that reports whatever they want.
 */
@FunctionalInterface
public interface FreeSpace {

    /** The filesystem's usable space for {@code dir}: {@link java.nio.file.FileStore#getUsableSpace()}. */
    FreeSpace FILE_STORE = dir -> Files.getFileStore(dir).getUsableSpace();

    /** Bytes this process may still write on the filesystem that holds {@code dir}. */
    long usableBytes(Path dir) throws IOException;
}
