package net.edgegw.storeforward;

import java.time.Duration;
import java.util.List;

/** A single-threaded cursor over a lane buffer. Not thread-safe: one forwarder thread owns it. */
public interface LaneReader extends AutoCloseable {

    /**
     * Returns the next records after the cursor (at least one unless {@code wait} elapsed with nothing new), at most
     * {@code maxRecords} and about {@code maxBytes} of {@link BufferedRecord#wireSize()} (at least one record even if
     * it is larger), and advances the cursor past them. Records dropped by overflow or age are skipped.
     */
    List<StoredRecord> poll(int maxRecords, long maxBytes, Duration wait);

    /** Moves the cursor so that the next record returned is the first one still stored with an index > {@code index}. */
    void seekAfter(long index);

    @Override
    void close();
}
