package net.edgegw.storeforward;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a lane buffer learns how much space is left on the filesystem of its directory (for {@code minFreeDisk},
 * see {@link DiskGuard}). The buffer asks at most every few hundred milliseconds, never per record. Implementations
 * must be thread-safe; tests inject one that reports whatever they want.
 */
@FunctionalInterface
public interface FreeSpace {

    /**
     * The filesystem's usable space for {@code dir}: {@link java.nio.file.FileStore#getUsableSpace()} (one statvfs;
     * the {@link java.nio.file.FileStore} of a directory is looked up once, as that reads the mount table).
     */
    FreeSpace FILE_STORE = new FreeSpace() {
        private final Map<Path, FileStore> stores = new ConcurrentHashMap<>();

        @Override
        public long usableBytes(Path dir) throws IOException {
            FileStore fs = stores.get(dir);
            if (fs == null) {
                fs = Files.getFileStore(dir);
                stores.put(dir, fs);
            }
            return fs.getUsableSpace();
        }
    };

    /** Bytes this process may still write on the filesystem that holds {@code dir}. */
    long usableBytes(Path dir) throws IOException;
}
