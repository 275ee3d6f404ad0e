package net.edgegw.uplink;

/** Thrown inside the forwarder thread when a wait is cut short because the forwarder is closing. */
final class ClosingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClosingException() {
        super("forwarder is closing", null, false, false);
    }
}
