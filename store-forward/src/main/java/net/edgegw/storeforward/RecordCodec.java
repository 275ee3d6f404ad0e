package net.edgegw.storeforward;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

import net.edgegw.core.SourceKind;

/**
 * The binary layout of one buffered record inside a queue excerpt, version 1 (all integers little-endian):
 * <pre>
 *  offset size
 *  0      1     format version (1)
 *  1      4     CRC-32C of bytes [5, end)
 *  5      1     source ordinal ({@link SourceKind})
 *  6      8     receivedAtMillis
 *  14     v     topic length (unsigned LEB128 varint), then the topic in UTF-8
 *         v     key length (varint), then the key bytes
 *         v     body length (varint), then the body bytes; the excerpt ends exactly there
 * </pre>
 * A reader rejects (and the buffer counts) an excerpt whose version is unknown, whose lengths do not add up to the
 * excerpt length, or whose checksum fails: a record written only partly before a power loss is never returned.
 * Not thread-safe: one instance per appending lock holder or reader.
 */
final class RecordCodec {
    static final byte VERSION_1 = 1;
    static final int HEADER = 14;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final SourceKind[] SOURCES = SourceKind.values();
    private static final int MAX_CACHED_TOPICS = 256;

    private final CRC32C crc = new CRC32C();
    private final Map<String, byte[]> topicBytes = new HashMap<>();
    private final String[] topicCache = new String[64];
    private final byte[][] topicCacheBytes = new byte[64][];
    private byte[] scratch = new byte[4096];
    private int pos;
    private String lastTopic;
    private byte[] lastTopicBytes;

    /** Encoded size of {@code r}. */
    int encodedSize(BufferedRecord r) {
        byte[] topic = topicBytes(r.topic());
        return HEADER + varIntSize(topic.length) + topic.length + varIntSize(r.key().length) + r.key().length
                + varIntSize(r.body().length) + r.body().length;
    }

    /** Encodes {@code r} into the internal scratch array and returns its length; see {@link #scratch()}. */
    int encode(BufferedRecord r) {
        byte[] topic = topicBytes(r.topic());
        int size = encodedSize(r);
        if (scratch.length < size) {
            scratch = new byte[Math.max(size, scratch.length * 2)];
        }
        byte[] b = scratch;
        b[0] = VERSION_1;
        b[5] = (byte) r.source().ordinal();
        LONG.set(b, 6, r.receivedAtMillis());
        int p = HEADER;
        p = putBytes(b, p, topic);
        p = putBytes(b, p, r.key());
        p = putBytes(b, p, r.body());
        crc.reset();
        crc.update(b, 5, p - 5);
        INT.set(b, 1, (int) crc.getValue());
        return p;
    }

    /** The array {@link #encode} wrote into, or {@link #ensureScratch} sized. */
    byte[] scratch() {
        return scratch;
    }

    /** Makes {@link #scratch()} at least {@code size} long and returns it. */
    byte[] ensureScratch(int size) {
        if (scratch.length < size) {
            scratch = new byte[Math.max(size, scratch.length * 2)];
        }
        return scratch;
    }

    /**
     * Decodes {@code len} bytes of {@code b}; returns null if they are not a valid record. Allocates only the
     * record, its key and body arrays (topics are cached).
     */
    BufferedRecord decode(byte[] b, int len) {
        if (len < HEADER + 3 || b[0] != VERSION_1) {
            return null;
        }
        crc.reset();
        crc.update(b, 5, len - 5);
        if ((int) crc.getValue() != (int) INT.get(b, 1)) {
            return null;
        }
        int ordinal = b[5];
        if (ordinal < 0 || ordinal >= SOURCES.length) {
            return null;
        }
        long receivedAt = (long) LONG.get(b, 6);
        pos = HEADER;
        int topicLen = readLength(b, len);
        if (topicLen <= 0) {
            return null;
        }
        int topicOff = pos;
        pos += topicLen;
        int keyLen = readLength(b, len);
        if (keyLen < 0) {
            return null;
        }
        int keyOff = pos;
        pos += keyLen;
        int bodyLen = readLength(b, len);
        if (bodyLen < 0 || pos + bodyLen != len) {
            return null;
        }
        int bodyOff = pos;
        String topic = topic(b, topicOff, topicLen);
        return new BufferedRecord(topic, Arrays.copyOfRange(b, keyOff, keyOff + keyLen), SOURCES[ordinal], receivedAt,
                Arrays.copyOfRange(b, bodyOff, bodyOff + bodyLen));
    }

    /** receivedAtMillis of an encoded record, or Long.MIN_VALUE if the bytes are not a version-1 record. */
    static long receivedAt(byte[] b, int len) {
        if (len < HEADER || b[0] != VERSION_1) {
            return Long.MIN_VALUE;
        }
        return (long) LONG.get(b, 6);
    }

    private byte[] topicBytes(String topic) {
        if (topic == lastTopic) { // the usual case: topics are a few String instances from the configuration
            return lastTopicBytes;
        }
        byte[] t = topicBytes.get(topic);
        if (t == null) {
            if (topicBytes.size() >= MAX_CACHED_TOPICS) {
                topicBytes.clear();
            }
            t = topic.getBytes(StandardCharsets.UTF_8);
            topicBytes.put(topic, t);
        }
        lastTopic = topic;
        lastTopicBytes = t;
        return t;
    }

    private String topic(byte[] b, int off, int len) {
        int h = 1;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ (h >>> 16)) & (topicCache.length - 1);
        byte[] cached = topicCacheBytes[slot];
        if (cached != null && Arrays.equals(cached, 0, cached.length, b, off, off + len)) {
            return topicCache[slot];
        }
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        topicCacheBytes[slot] = Arrays.copyOfRange(b, off, off + len);
        topicCache[slot] = s;
        return s;
    }

    private static int putBytes(byte[] b, int p, byte[] v) {
        p = putVarInt(b, p, v.length);
        System.arraycopy(v, 0, b, p, v.length);
        return p + v.length;
    }

    static int varIntSize(int v) {
        int n = 1;
        while ((v & ~0x7F) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putVarInt(byte[] b, int p, int v) {
        while ((v & ~0x7F) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    /** Reads a varint length at {@link #pos} (advancing it); -1 if malformed or beyond {@code limit}. */
    private int readLength(byte[] b, int limit) {
        int p = pos;
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p >= limit) {
                return -1;
            }
            byte x = b[p++];
            v |= (x & 0x7F) << shift;
            if (x >= 0) {
                pos = p;
                return v < 0 || p + (long) v > limit ? -1 : v;
            }
        }
        return -1;
    }
}
