package net.edgegw.adapters.syslog;

import net.edgegw.core.Rejections;

/**
 * What {@link SyslogFrameDecoder} emits instead of a frame when the input cannot be framed.
 *
 * @param reason {@link Rejections#OVERSIZED} or {@link Rejections#MALFORMED}
 * @param detail human-readable explanation
 * @param raw    the first bytes of the offending input (at most {@link SyslogFrameDecoder#MAX_RAW_BYTES})
 * @param fatal  true when the framing is lost and the connection must be closed
 */
public record FrameError(String reason, String detail, byte[] raw, boolean fatal) {
    public FrameError {
        if (reason == null || detail == null || raw == null) {
            throw new IllegalArgumentException("reason, detail and raw are required");
        }
    }
}
