package net.edgegw.adapters.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import net.edgegw.core.Rejections;

import java.util.List;

/**
 * Splits a syslog TCP/TLS stream into frames: RFC 6587 octet counting ({@code 123 <34>1 ...}) or non-transparent
 * framing terminated by LF (also CRLF and NUL). The method is detected per connection from its first byte: a digit
 * means octet counting, anything else ({@code <} normally) means LF framing; RFC 5425 (TLS) uses octet counting.
 *
 * <p>Emits retained {@link ByteBuf} slices (one per frame, without header or terminator; the receiver releases
 * them) and {@link FrameError}s:
 * <ul>
 * <li>a frame longer than {@code maxFrameBytes} gives {@code oversized}; octet counting skips exactly its bytes,
 * LF framing discards up to the next terminator, and the connection continues with the next frame;</li>
 * <li>an octet count of 0 gives a non-fatal {@code malformed} (empty frame);</li>
 * <li>a bad octet-count header (a non-digit before the space, more than 10 digits) gives a <b>fatal</b>
 * {@code malformed}: the framing is lost, everything after it is discarded, and the handler closes the
 * connection;</li>
 * <li>the connection closing in the middle of an octet-counted frame gives a non-fatal {@code malformed};
 * an unterminated last line in LF framing is delivered as a frame.</li>
 * </ul>
 * Empty lines in LF framing (such as a doubled terminator) are skipped silently, and so are LF/CR/NUL bytes between
 * octet-counted frames. Not sharable: one instance per connection.
 */
public final class SyslogFrameDecoder extends ByteToMessageDecoder {

    /** The most raw bytes attached to a {@link FrameError}. */
    public static final int MAX_RAW_BYTES = 4096;
    /** The longest accepted octet-count header, in digits. */
    public static final int MAX_COUNT_DIGITS = 10;

    private static final ByteProcessor FIND_TERMINATOR = b -> b != '\n' && b != 0;

    private enum Mode { DETECT, OCTET_COUNTING, LINES, FAILED }

    private final int maxFrameBytes;
    private Mode mode = Mode.DETECT;
    /** Octet counting: bytes of an oversized frame still to skip. */
    private long skipRemaining;
    /** LF framing: discarding an oversized line up to the next terminator. */
    private boolean discardingLine;
    /** LF framing: bytes from the reader index already searched for a terminator. */
    private int scanned;

    public SyslogFrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /** True once the connection was detected to use octet counting (tests, diagnostics). */
    public boolean octetCounting() {
        return mode == Mode.OCTET_COUNTING;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (mode) {
                case DETECT:
                    byte first = in.getByte(in.readerIndex());
                    mode = first >= '0' && first <= '9' ? Mode.OCTET_COUNTING : Mode.LINES;
                    break;
                case OCTET_COUNTING:
                    if (!octetFrame(in, out)) {
                        return;
                    }
                    break;
                case LINES:
                    if (!line(in, out)) {
                        return;
                    }
                    break;
                default: // FAILED
                    in.skipBytes(in.readableBytes());
                    return;
            }
        }
    }

    /** Decodes at most one octet-counted frame; false when more input is needed. */
    private boolean octetFrame(ByteBuf in, List<Object> out) {
        if (skipRemaining > 0) {
            int n = (int) Math.min(skipRemaining, in.readableBytes());
            in.skipBytes(n);
            skipRemaining -= n;
            return skipRemaining == 0;
        }
        int r = in.readerIndex();
        int w = in.writerIndex();
        while (r < w) { // separators some senders put between frames
            byte b = in.getByte(r);
            if (b != '\n' && b != '\r' && b != 0) {
                break;
            }
            r++;
        }
        in.readerIndex(r);
        if (r == w) {
            return false;
        }
        long count = 0;
        int i = r;
        for (; i < w; i++) {
            byte b = in.getByte(i);
            if (b == ' ') {
                break;
            }
            if (b < '0' || b > '9') {
                fail(in, out, "invalid octet-count header: unexpected byte 0x" + Integer.toHexString(b & 0xff)
                        + " at offset " + (i - r) + " (expected digits then a space)");
                return false;
            }
            if (i - r >= MAX_COUNT_DIGITS) {
                fail(in, out, "invalid octet-count header: more than " + MAX_COUNT_DIGITS + " digits");
                return false;
            }
            count = count * 10 + (b - '0');
        }
        if (i == w) {
            return false; // header incomplete
        }
        if (i == r) {
            fail(in, out, "invalid octet-count header: no digits before the space");
            return false;
        }
        int header = i - r + 1;
        if (count == 0) {
            in.skipBytes(header);
            out.add(new FrameError(Rejections.MALFORMED, "empty frame (octet count 0)", new byte[0], false));
            return true;
        }
        if (count > maxFrameBytes) {
            in.skipBytes(header);
            out.add(new FrameError(Rejections.OVERSIZED, "frame of " + count + " bytes exceeds maxMessageBytes "
                    + maxFrameBytes, raw(in, in.readerIndex(), (int) Math.min(count, in.readableBytes())), false));
            skipRemaining = count;
            return true;
        }
        if (w - r < header + count) {
            return false;
        }
        in.skipBytes(header);
        out.add(in.readRetainedSlice((int) count));
        return true;
    }

    /** Decodes at most one LF-terminated line; false when more input is needed. */
    private boolean line(ByteBuf in, List<Object> out) {
        int r = in.readerIndex();
        int w = in.writerIndex();
        if (discardingLine) {
            int t = in.forEachByte(r, w - r, FIND_TERMINATOR);
            if (t < 0) {
                in.skipBytes(w - r);
                return false;
            }
            in.readerIndex(t + 1);
            discardingLine = false;
            return true;
        }
        int t = in.forEachByte(r + scanned, w - r - scanned, FIND_TERMINATOR);
        if (t < 0) {
            int pending = w - r;
            // a line of exactly maxFrameBytes may still be followed by CR before its LF
            if (pending > maxFrameBytes + 1) {
                out.add(new FrameError(Rejections.OVERSIZED, "line longer than maxMessageBytes " + maxFrameBytes,
                        raw(in, r, pending), false));
                in.skipBytes(pending);
                discardingLine = true;
                scanned = 0;
            } else {
                scanned = pending;
            }
            return false;
        }
        scanned = 0;
        int len = t - r;
        if (len > 0 && in.getByte(t - 1) == '\r') {
            len--;
        }
        if (len > maxFrameBytes) {
            out.add(new FrameError(Rejections.OVERSIZED, "line of " + len + " bytes exceeds maxMessageBytes "
                    + maxFrameBytes, raw(in, r, len), false));
        } else if (len > 0) {
            out.add(in.retainedSlice(r, len));
        }
        in.readerIndex(t + 1);
        return true;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (!in.isReadable()) {
            return;
        }
        if (mode == Mode.LINES && !discardingLine) {
            int len = in.readableBytes();
            if (in.getByte(in.writerIndex() - 1) == '\r') {
                len--;
            }
            if (len > maxFrameBytes) {
                out.add(new FrameError(Rejections.OVERSIZED, "line of " + len + " bytes exceeds maxMessageBytes "
                        + maxFrameBytes, raw(in, in.readerIndex(), len), false));
            } else if (len > 0) {
                out.add(in.retainedSlice(in.readerIndex(), len));
            }
        } else if (mode == Mode.OCTET_COUNTING && skipRemaining == 0) {
            out.add(new FrameError(Rejections.MALFORMED, "connection closed in the middle of an octet-counted frame",
                    raw(in, in.readerIndex(), in.readableBytes()), false));
        }
        in.skipBytes(in.readableBytes());
        scanned = 0;
    }

    private void fail(ByteBuf in, List<Object> out, String detail) {
        out.add(new FrameError(Rejections.MALFORMED, detail, raw(in, in.readerIndex(), in.readableBytes()), true));
        in.skipBytes(in.readableBytes());
        mode = Mode.FAILED;
    }

    private static byte[] raw(ByteBuf in, int from, int len) {
        byte[] b = new byte[Math.min(len, MAX_RAW_BYTES)];
        in.getBytes(from, b);
        return b;
    }
}
