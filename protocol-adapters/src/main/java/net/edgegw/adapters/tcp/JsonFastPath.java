package net.edgegw.adapters.tcp;

import java.nio.charset.StandardCharsets;

/**
 * The allocation-free fast path of the ndjson check in {@link LineConverter}: one pass over a line that decides
 * "certainly exactly one valid JSON object or array" and finds the host field, or gives up ({@link #check} returns
 * false) and leaves the decision, and the error message, to the Jackson pass.
 *
 * <p>It only accepts a strict subset of what Jackson (with the input's default features and
 * {@code maxNestingDepth} {@link net.edgegw.core.Payloads#MAX_JSON_DEPTH}) accepts, so the outcome of a line is
 * never changed, only reached sooner: RFC 8259 grammar; a root object or array (a scalar root gives up); whitespace
 * is space, tab, CR, LF; strings without control characters, escapes {@code \" \\ \/ \b \f \n \r \t \}{@code uXXXX};
 * numbers {@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}. It gives up on anything else and also, to stay
 * well inside Jackson's limits, on nesting deeper than {@value #MAX_DEPTH}, numbers longer than
 * {@value #MAX_NUMBER_CHARS} characters, field names longer than {@value #MAX_NAME_BYTES} bytes, and on a field name
 * or a host value containing a backslash (Jackson decodes those, and refuses a lone surrogate escape in a name; the
 * fast path compares raw bytes). The
 * bytes must already be valid UTF-8 (the caller checked) and non-empty, without NUL bytes in what it accepts (so
 * Jackson's encoding detection would also have read them as UTF-8).
 *
 * <p>Host field: as the Jackson pass, a top-level field of a root object whose name equals the configured field and
 * whose value is a string; each such field that is non-empty and at most {@value #MAX_HOST_CHARS} chars replaces the
 * previous one. Not thread-safe (one instance per connection).
 */
final class JsonFastPath {

    static final int MAX_DEPTH = 32;
    static final int MAX_NUMBER_CHARS = 100;
    static final int MAX_NAME_BYTES = 1000;
    static final int MAX_HOST_CHARS = 255;

    /** UTF-8 of the host field's name, or null (no host field, or a name that cannot be compared as bytes). */
    private final byte[] hostName;
    private final boolean enabled;
    private byte[] b;
    private int end;
    private String host;
    private byte[] lastHostBytes;
    private String lastHost;

    JsonFastPath(String hostField) {
        byte[] n = hostField == null ? null : hostField.getBytes(StandardCharsets.UTF_8);
        // a name with unpaired surrogates does not survive the round trip: leave such configurations to Jackson
        this.enabled = hostField == null || (new String(n, StandardCharsets.UTF_8).equals(hostField)
                && hostField.indexOf('\\') < 0 && hostField.indexOf('"') < 0);
        this.hostName = n;
    }

    /** The host found by the last successful {@link #check}, or null. */
    String host() {
        return host;
    }

    /**
     * True when {@code json[from, to)} is certainly exactly one JSON object or array ({@link #host()} is then the
     * host field's value or null); false when Jackson must decide.
     */
    boolean check(byte[] json, int from, int to) {
        host = null;
        if (!enabled || from >= to) {
            return false;
        }
        b = json;
        end = to;
        try {
            int i = ws(from);
            if (i >= end || (b[i] != '{' && b[i] != '[')) {
                return false;
            }
            i = value(i, 0, true);
            if (i < 0) {
                return false;
            }
            return ws(i) == end;
        } finally {
            b = null;
        }
    }

    private int ws(int i) {
        while (i < end) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                break;
            }
            i++;
        }
        return i;
    }

    /** Parses one value at {@code i} (no leading whitespace); the index after it, or -1 to give up. */
    private int value(int i, int depth, boolean root) {
        if (i >= end) {
            return -1;
        }
        byte c = b[i];
        switch (c) {
            case '{':
                return object(i, depth + 1, root);
            case '[':
                return array(i, depth + 1);
            case '"':
                return string(i, false);
            case 't':
                return literal(i, 't', 'r', 'u', 'e');
            case 'f':
                return i + 5 <= end && b[i + 1] == 'a' && b[i + 2] == 'l' && b[i + 3] == 's' && b[i + 4] == 'e'
                        ? i + 5 : -1;
            case 'n':
                return literal(i, 'n', 'u', 'l', 'l');
            default:
                return c == '-' || (c >= '0' && c <= '9') ? number(i) : -1;
        }
    }

    private int literal(int i, char c0, char c1, char c2, char c3) {
        return i + 4 <= end && b[i] == c0 && b[i + 1] == c1 && b[i + 2] == c2 && b[i + 3] == c3 ? i + 4 : -1;
    }

    private int object(int i, int depth, boolean root) {
        if (depth > MAX_DEPTH) {
            return -1;
        }
        i = ws(i + 1);
        if (i < end && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= end || b[i] != '"') {
                return -1;
            }
            int nameStart = i + 1;
            int nameEnd = string(i, true); // Jackson decodes names (and refuses some escapes there, \uD83D)
            if (nameEnd < 0 || nameEnd - nameStart - 1 > MAX_NAME_BYTES) {
                return -1;
            }
            i = ws(nameEnd);
            if (i >= end || b[i] != ':') {
                return -1;
            }
            i = ws(i + 1);
            boolean mine = root && hostName != null && sameAsHostName(nameStart, nameEnd - 1);
            if (mine && i < end && b[i] == '"') {
                int valueEnd = string(i, true);
                if (valueEnd < 0) {
                    return -1;
                }
                int len = valueEnd - 1 - (i + 1);
                if (len > 0 && len <= 4 * MAX_HOST_CHARS) { // UTF-8: at most 4 bytes per char of a String
                    String h = hostString(i + 1, len);
                    if (h.length() <= MAX_HOST_CHARS) {
                        host = h;
                    }
                }
                i = valueEnd;
            } else {
                i = value(i, depth, false);
                if (i < 0) {
                    return -1;
                }
            }
            i = next(i, '}');
            if (i < 0 || b[i - 1] == '}') {
                return i;
            }
        }
    }

    private int array(int i, int depth) {
        if (depth > MAX_DEPTH) {
            return -1;
        }
        i = ws(i + 1);
        if (i < end && b[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = value(i, depth, false);
            if (i < 0) {
                return -1;
            }
            i = next(i, ']');
            if (i < 0 || b[i - 1] == ']') {
                return i;
            }
        }
    }

    /**
     * After a member or element: skips whitespace, then a {@code ,} (gives the start of the next one, whitespace
     * skipped) or {@code close} (gives the index after it); -1 for anything else. The caller tells the two apart by
     * {@code b[result - 1] == close} (after a comma that byte is the comma or whitespace).
     */
    private int next(int i, char close) {
        i = ws(i);
        if (i >= end) {
            return -1;
        }
        if (b[i] == ',') {
            return ws(i + 1);
        }
        return b[i] == close ? i + 1 : -1;
    }

    /** The host value's text; a connection's lines mostly carry the same host, so the last one is reused. */
    private String hostString(int from, int len) {
        byte[] last = lastHostBytes;
        if (last != null && last.length == len
                && java.util.Arrays.equals(b, from, from + len, last, 0, len)) {
            return lastHost;
        }
        String h = new String(b, from, len, StandardCharsets.UTF_8);
        lastHostBytes = java.util.Arrays.copyOfRange(b, from, from + len);
        lastHost = h;
        return h;
    }

    private boolean sameAsHostName(int from, int to) {
        byte[] n = hostName;
        if (to - from != n.length) {
            return false;
        }
        for (int k = 0; k < n.length; k++) {
            if (b[from + k] != n[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A string starting at the quote {@code b[i]}; the index after its closing quote, or -1. With
     * {@code noEscapes}, a backslash gives up (names and host values are compared or decoded as raw bytes).
     */
    private int string(int i, boolean noEscapes) {
        i++;
        while (i < end) {
            byte c = b[i];
            if (c == '"') {
                return i + 1;
            }
            if (c >= 0 && c < 0x20) {
                return -1; // control characters must be escaped
            }
            if (c == '\\') {
                if (noEscapes || i + 1 >= end) {
                    return -1;
                }
                byte e = b[i + 1];
                switch (e) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
                    case 'u' -> {
                        if (i + 6 > end || !hex(b[i + 2]) || !hex(b[i + 3]) || !hex(b[i + 4]) || !hex(b[i + 5])) {
                            return -1;
                        }
                        i += 6;
                    }
                    default -> {
                        return -1;
                    }
                }
                continue;
            }
            i++; // ASCII or a byte of a (validated) UTF-8 sequence
        }
        return -1;
    }

    private static boolean hex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private int number(int i) {
        int start = i;
        if (b[i] == '-') {
            i++;
        }
        if (i >= end) {
            return -1;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(i);
        } else {
            return -1;
        }
        if (i < end && b[i] == '.') {
            int d = digits(i + 1);
            if (d == i + 1) {
                return -1;
            }
            i = d;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int d = digits(i);
            if (d == i) {
                return -1;
            }
            i = d;
        }
        if (i - start > MAX_NUMBER_CHARS) {
            return -1;
        }
        // what follows a number inside a container must be whitespace, ',' , ']' or '}' (checked by the caller);
        // a letter or digit right after it (0123, 1true) is not JSON
        return i;
    }

    private int digits(int i) {
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }
}
