package net.edgegw.core;

import java.time.Instant;

/**
 * Where a source hands its records. Implementations are thread-safe: many source threads call them at once.
 */
public interface Emitter {

    /**
     * Stores the record. With overflow policy {@code block} and a full buffer this waits for room (that is the
     * back-pressure: a TCP source calling this from its read path stops reading), returning
     * {@link Admission#CLOSED} if the gateway shuts down meanwhile.
     */
    Admission emit(Envelope e);

    /** As {@link #emit} but never waits: returns {@link Admission#BUFFER_FULL} instead (UDP, which cannot push back). */
    default Admission offer(Envelope e) {
        return emit(e);
    }

    /**
     * Whether the durable buffer holds a record of {@code input} and {@code source} accepted at exactly
     * {@code receivedAt}, searched among the newest records (about the last minute). For a source that must find out,
     * after a crash, whether its last append landed before the process died (the MQTT input, to acknowledge a broker
     * redelivery instead of storing it twice). False when not found or unknown (a non-durable buffer): the caller then
     * stores the record again, which may duplicate it but never loses it. May read from disk: call it at start, not
     * per record.
     */
    default boolean holdsRecent(String input, SourceKind source, Instant receivedAt) {
        return false;
    }
}
