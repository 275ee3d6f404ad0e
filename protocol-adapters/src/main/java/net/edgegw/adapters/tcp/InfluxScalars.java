package net.edgegw.adapters.tcp;

/**
 * Scanning of InfluxDB line protocol scalar values (booleans, float syntax) in a byte range, for
 * {@link InfluxLineParser}. Stateless.
 */
final class InfluxScalars {

    private InfluxScalars() {
    }

    /** 1 = true, 0 = false, -1 = not a boolean. */
    static int bool(byte[] b, int s, int len) {
        byte c = b[s];
        if (len == 1) {
            return c == 't' || c == 'T' ? 1 : c == 'f' || c == 'F' ? 0 : -1;
        }
        if (len == 4 && (c == 't' || c == 'T') && (matches(b, s, "true") || matches(b, s, "True") || matches(b, s, "TRUE"))) {
            return 1;
        }
        if (len == 5 && (c == 'f' || c == 'F') && (matches(b, s, "false") || matches(b, s, "False") || matches(b, s, "FALSE"))) {
            return 0;
        }
        return -1;
    }

    private static boolean matches(byte[] b, int s, String word) {
        for (int i = 0; i < word.length(); i++) {
            if (b[s + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code -?(digits(.digits?)?|.digits)([eE][+-]?digits)?} */
    static boolean isFloat(byte[] b, int s, int e) {
        int i = s;
        if (i < e && b[i] == '-') {
            i++;
        }
        int intDigits = 0;
        while (i < e && isDigit(b[i])) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < e && b[i] == '.') {
            i++;
            while (i < e && isDigit(b[i])) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return false;
        }
        if (i < e && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < e && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < e && isDigit(b[i])) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == e;
    }

    static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
