package net.edgegw.syslog;

import java.nio.charset.StandardCharsets;

/**
 * A small lossy cache of short ASCII strings (host names, app names, SD-IDs, param names...) keyed by their bytes,
 * so that the values that repeat in almost every message are not allocated again and again.
 *
 * <p>Thread-safe without locks: slots are overwritten racily, which is harmless because {@link String} is
 * immutable and safely published through its final fields; a miss just allocates.
 */
final class StringCache {

    static final int MAX_LEN = 64;

    private final String prefix;
    private final int prefixLength;
    private final String[] slots;
    private final int mask;

    StringCache(int sizePowerOfTwo) {
        this(sizePowerOfTwo, "");
    }

    /** A cache whose strings are {@code prefix + decoded bytes} (e.g. {@code kv.} attribute names). */
    StringCache(int sizePowerOfTwo, String prefix) {
        if (Integer.bitCount(sizePowerOfTwo) != 1) {
            throw new IllegalArgumentException("size must be a power of two");
        }
        this.prefix = prefix;
        this.prefixLength = prefix.length();
        slots = new String[sizePowerOfTwo];
        mask = sizePowerOfTwo - 1;
    }

    /** The prefix plus {@code b[off, off+len)} decoded as UTF-8, from the cache when it is short ASCII. */
    String get(byte[] b, int off, int len) {
        if (len > MAX_LEN) {
            return decode(b, off, len);
        }
        int h = 0;
        for (int i = off, end = off + len; i < end; i++) {
            int c = b[i];
            if (c < 0) {
                return decode(b, off, len);
            }
            h = 31 * h + c;
        }
        int idx = (h ^ (h >>> 15)) & mask;
        String s = slots[idx];
        if (s != null && s.length() == prefixLength + len && same(s, b, off, len)) {
            return s;
        }
        s = prefixLength == 0 ? new String(b, off, len, StandardCharsets.ISO_8859_1)
                : prefix.concat(new String(b, off, len, StandardCharsets.ISO_8859_1));
        slots[idx] = s;
        return s;
    }

    private String decode(byte[] b, int off, int len) {
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        return prefixLength == 0 ? s : prefix.concat(s);
    }

    private boolean same(String s, byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (s.charAt(prefixLength + i) != b[off + i]) {
                return false;
            }
        }
        return true;
    }
}
