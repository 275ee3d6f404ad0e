package net.edgegw.core;

/** What happened to a record handed to an {@link Emitter}. */
public enum Admission {
    /** Written to the durable buffer: the source may acknowledge it (MQTT PUBACK, etc.). */
    ACCEPTED,
    /** Dropped on purpose by a filter (counted by the pipeline); the source may acknowledge it. */
    FILTERED,
    /** The buffer is full and the overflow policy is {@code block}: not stored; the source must hold it or count it lost. */
    BUFFER_FULL,
    /** The gateway is shutting down: not stored. */
    CLOSED;

    /** True when the source may acknowledge the record upstream. */
    public boolean settled() {
        return this == ACCEPTED || this == FILTERED;
    }
}
