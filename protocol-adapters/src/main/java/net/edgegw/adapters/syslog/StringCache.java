package net.edgegw.adapters.syslog;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small lossy cache of short strings (host names, app names, SD-IDs, param names, vendor codes...) keyed by
 * their UTF-8 bytes, so that the values that repeat in almost every message are not allocated again and again.
 * A hit costs a word-at-a-time hash and one vectorised array comparison, no allocation.
 *
 * <p>Thread-safe without locks: slots are overwritten racily, which is harmless because entries are immutable
 * (final fields, safely published); a miss just decodes and replaces the slot.
 */
final class StringCache {

    static final int MAX_LEN = 64;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long K = 0x9E3779B97F4A7C15L;

    private record Entry(byte[] key, String value) {
    }

    private final String prefix;
    private final Entry[] slots;
    private final int shift;

    StringCache(int sizePowerOfTwo) {
        this(sizePowerOfTwo, "");
    }

    /** A cache whose strings are {@code prefix + decoded bytes} (e.g. {@code kv.} attribute names). */
    StringCache(int sizePowerOfTwo, String prefix) {
        if (Integer.bitCount(sizePowerOfTwo) != 1 || sizePowerOfTwo < 2) {
            throw new IllegalArgumentException("size must be a power of two");
        }
        this.prefix = prefix;
        this.slots = new Entry[sizePowerOfTwo];
        this.shift = 64 - Integer.numberOfTrailingZeros(sizePowerOfTwo);
    }

    /** The prefix plus {@code b[off, off+len)} decoded as UTF-8 (invalid bytes replaced), cached when short. */
    String get(byte[] b, int off, int len) {
        if (len > MAX_LEN) {
            return decode(b, off, len);
        }
        int end = off + len;
        long h = len * K;
        if (len >= 8) {
            int i = off;
            for (; i + 8 <= end; i += 8) {
                h = Long.rotateLeft((h ^ (long) LONGS.get(b, i)) * K, 29);
            }
            if (i < end) { // the last 8 bytes, overlapping what was already mixed
                h = Long.rotateLeft((h ^ (long) LONGS.get(b, end - 8)) * K, 29);
            }
        } else {
            long v = 0;
            for (int i = off; i < end; i++) {
                v = (v << 8) | (b[i] & 0xff);
            }
            h = (h ^ v) * K;
        }
        int idx = (int) ((h * K) >>> shift);
        Entry e = slots[idx];
        if (e != null && Arrays.equals(e.key, 0, e.key.length, b, off, end)) {
            return e.value;
        }
        String s = decode(b, off, len);
        slots[idx] = new Entry(Arrays.copyOfRange(b, off, end), s);
        return s;
    }

    private String decode(byte[] b, int off, int len) {
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        return prefix.isEmpty() ? s : prefix.concat(s);
    }
}
