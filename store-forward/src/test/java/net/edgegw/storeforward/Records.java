package net.edgegw.storeforward;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import net.edgegw.core.SourceKind;

/** Deterministic test records: the body encodes a sequence number so that content can be checked after reading. */
final class Records {
    private Records() {
    }

    static BufferedRecord record(long seq, int bodySize, long receivedAt) {
        byte[] body = new byte[Math.max(bodySize, 8)];
        for (int i = 0; i < 8; i++) {
            body[i] = (byte) (seq >>> (56 - 8 * i));
        }
        for (int i = 8; i < body.length; i++) {
            body[i] = (byte) (seq * 31 + i);
        }
        SourceKind src = SourceKind.values()[(int) (seq % SourceKind.values().length)];
        return new BufferedRecord("telemetry." + src.wireName(), ("site-1/host-" + (seq % 7)).getBytes(StandardCharsets.UTF_8),
                src, receivedAt, body);
    }

    static BufferedRecord record(long seq) {
        return record(seq, 200, 1_700_000_000_000L + seq);
    }

    /** The sequence number of a record made by {@link #record}, after checking every byte of it. */
    static long seqOf(BufferedRecord r) {
        byte[] b = r.body();
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            seq = (seq << 8) | (b[i] & 0xFF);
        }
        BufferedRecord expected = record(seq, b.length, r.receivedAtMillis());
        if (!Arrays.equals(expected.body(), b) || !Arrays.equals(expected.key(), r.key())
                || !expected.topic().equals(r.topic()) || expected.source() != r.source()) {
            throw new AssertionError("record content does not match its sequence number " + seq);
        }
        return seq;
    }
}
