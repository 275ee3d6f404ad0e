package net.edgegw.adapters.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import net.edgegw.core.Rejections;

import java.util.List;

/**
 * Splits a TCP stream into lines terminated by LF (a CR before the LF is removed). Emits retained {@link ByteBuf}
 * slices of the cumulation, one per non-empty line, without the terminator (the receiver releases them), and
 * {@link LineError}s:
 * <ul>
 * <li>a line longer than {@code maxLineBytes} gives {@code oversized} with its first bytes; the rest of that line is
 * discarded up to the next LF and the connection continues with the next line;</li>
 * <li>empty lines (LF LF, CR LF) are skipped silently;</li>
 * <li>an unterminated last line when the connection closes is delivered as a line.</li>
 * </ul>
 * Each byte is looked at once ({@link ByteBuf#forEachByte}); nothing is allocated per byte. Not sharable: one
 * instance per connection.
 */
public final class TcpLineDecoder extends ByteToMessageDecoder {

    /** The most raw bytes attached to a {@link LineError}. */
    public static final int MAX_RAW_BYTES = 4096;

    private final int maxLineBytes;
    /** Discarding the rest of an oversized line up to the next LF. */
    private boolean discarding;
    /** Bytes from the reader index already searched for LF. */
    private int scanned;

    public TcpLineDecoder(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int r = in.readerIndex();
            int w = in.writerIndex();
            if (discarding) {
                int t = in.forEachByte(r, w - r, ByteProcessor.FIND_LF);
                if (t < 0) {
                    in.skipBytes(w - r);
                    return;
                }
                in.readerIndex(t + 1);
                discarding = false;
                continue;
            }
            int t = in.forEachByte(r + scanned, w - r - scanned, ByteProcessor.FIND_LF);
            if (t < 0) {
                int pending = w - r;
                // a line of exactly maxLineBytes may still be followed by CR before its LF
                if (pending > maxLineBytes + 1) {
                    out.add(new LineError(Rejections.OVERSIZED, "line longer than maxLineBytes " + maxLineBytes
                            + " (the rest of the line up to the next newline is discarded)", raw(in, r, pending)));
                    in.skipBytes(pending);
                    discarding = true;
                    scanned = 0;
                } else {
                    scanned = pending;
                }
                return;
            }
            scanned = 0;
            emit(in, r, t - r, out);
            in.readerIndex(t + 1);
        }
    }

    private void emit(ByteBuf in, int r, int len, List<Object> out) {
        if (len > 0 && in.getByte(r + len - 1) == '\r') {
            len--;
        }
        if (len > maxLineBytes) {
            out.add(new LineError(Rejections.OVERSIZED, "line of " + len + " bytes exceeds maxLineBytes " + maxLineBytes,
                    raw(in, r, len)));
        } else if (len > 0) {
            out.add(in.retainedSlice(r, len));
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (in.isReadable() && !discarding) {
            emit(in, in.readerIndex(), in.readableBytes(), out);
        }
        in.skipBytes(in.readableBytes());
        scanned = 0;
        discarding = false;
    }

    private static byte[] raw(ByteBuf in, int from, int len) {
        byte[] b = new byte[Math.min(len, MAX_RAW_BYTES)];
        in.getBytes(from, b);
        return b;
    }
}
