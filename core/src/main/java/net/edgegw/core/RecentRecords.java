package net.edgegw.core;

import java.time.Instant;

/**
 * A buffer capability: answers "do you already hold this record?" for a source that must find out, after a crash,
 * whether its last append landed before the process died (the MQTT input, to acknowledge a broker redelivery instead
 * of storing it twice). Given to sources in {@link SourceContext#recent()}. Implementations are thread-safe.
 */
@FunctionalInterface
public interface RecentRecords {

    /** Knows nothing (a non-durable buffer): every look-up answers false. */
    RecentRecords NONE = (input, source, receivedAt) -> false;

    /**
     * Whether the durable buffer holds a record of {@code input} and {@code source} accepted at exactly
     * {@code receivedAt}, searched among the newest records (about the last minute). False when not found or unknown
     * (a non-durable buffer): the caller then stores the record again, which may duplicate it but never loses it.
     * May read from disk: call it at start, not per record.
     */
    boolean holdsRecent(String input, SourceKind source, Instant receivedAt);
}
