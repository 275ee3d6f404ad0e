package net.edgegw.core.cli;

/** The exit codes of both programs (SPEC section 6, contract). Constants only. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** Usage or other error (picocli's own usage errors exit 2, as a config error does). */
    public static final int ERROR = 1;
    /** A config (or topology, or mirror) file that does not validate; the messages name key and line. */
    public static final int CONFIG = 2;
    /** Failed to start (port in use, data dir locked, Kafka unreachable, missing files...). */
    public static final int START = 3;
    /** A running service stopped because of a fatal error. */
    public static final int FAILED = 4;

    private ExitCodes() {
    }
}
