package net.edgegw.storeforward;

import net.openhft.chronicle.bytes.Bytes;

/**
 * Reading one stored excerpt: the whole record (decoded and checked) or only its receive time from the header.
 * Stateless; thread-safe (the {@link RecordCodec} passed in belongs to the caller's thread).
 */
final class Excerpts {
    private Excerpts() {
    }

    /** Decodes the excerpt in {@code b} with {@code decoder}'s scratch buffer; null if it fails its checks. */
    static BufferedRecord decode(RecordCodec decoder, Bytes<?> b) {
        int len = (int) b.readRemaining();
        byte[] buf = decoder.ensureScratch(len);
        b.read(buf, 0, len);
        return decoder.decode(buf, len);
    }

    /** The receivedAt in the header of the excerpt in {@code b}, Long.MIN_VALUE if it has no valid header. */
    static long receivedAt(Bytes<?> b) {
        byte[] head = new byte[RecordCodec.HEADER];
        int n = (int) Math.min(head.length, b.readRemaining());
        b.read(head, 0, n);
        return RecordCodec.receivedAt(head, n);
    }
}
