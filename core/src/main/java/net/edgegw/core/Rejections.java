package net.edgegw.core;

/**
 * Where sources report input they could not accept. The gateway counts each rejection per input and reason,
 * logs at a rate limit, and optionally dead-letters it with the raw bytes. Thread-safe.
 */
@FunctionalInterface
public interface Rejections {

    /** Reason codes (the {@code reason} label of the rejection metrics and dead-letter records). */
    String MALFORMED = "malformed";
    String OVERSIZED = "oversized";
    String NOT_ALLOWED = "source-not-allowed";
    String CONNECTION_LIMIT = "connection-limit";
    String BUFFER_FULL = "buffer-full";
    String TLS_HANDSHAKE = "tls-handshake";

    /**
     * @param input  the configured input name
     * @param reason one of the reason codes above (or another stable lower-case code)
     * @param detail a human-readable explanation, no secrets
     * @param raw    the offending bytes (may be truncated by the caller; may be empty, never null)
     * @param peer   the remote address, or null
     */
    void reject(String input, String reason, String detail, byte[] raw, String peer);
}
