package net.edgegw.uplink;

/** Waits; the forwarder's implementation returns early when it is closed. Implementations are thread-safe. */
@FunctionalInterface
interface Sleeper {

    /** Waits up to {@code millis}; returns false if woken early because the owner is closing. */
    boolean sleep(long millis);
}
