package net.edgegw.adapters.tcp;

/** Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF) without allocating. */
final class Utf8 {

    private Utf8() {
    }

    /** The offset (relative to {@code off}) of the first byte of the first invalid sequence, or -1 when valid. */
    static int firstInvalid(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int c = b[i];
            if (c >= 0) { // ASCII run
                i++;
                continue;
            }
            c &= 0xff;
            int n;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                min = 0x10000;
            } else {
                return i - off;
            }
            if (i + n >= end) { // fewer than n continuation bytes left
                return i - off;
            }
            int cp = c & (0x3f >> n);
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return i - off;
                }
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return i - off;
            }
            i += n + 1;
        }
        return -1;
    }
}
