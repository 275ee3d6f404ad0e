package net.edgegw.adapters.tcp;

/**
 * What {@link TcpLineDecoder} emits instead of a line that cannot be taken (an oversized line).
 *
 * @param reason a {@link net.edgegw.core.Rejections} reason code
 * @param detail human-readable explanation
 * @param raw    the first bytes of the offending line (at most {@link TcpLineDecoder#MAX_RAW_BYTES})
 */
public record LineError(String reason, String detail, byte[] raw) {
    public LineError {
        if (reason == null || detail == null || raw == null) {
            throw new IllegalArgumentException("reason, detail and raw are required");
        }
    }
}
