package net.edgegw.core;

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
}
