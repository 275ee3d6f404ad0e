package net.edgegw.adapters.syslog;

/**
 * Hand-written timestamp scanners and civil-calendar arithmetic (no java.time parsing, no exceptions, no
 * allocation). Scanners fill a {@link Stamp} and return the position after the timestamp, or -1.
 */
final class SyslogTime {

    private SyslogTime() {
    }

    /** The fields of one scanned timestamp; reused within one parse. */
    static final class Stamp {
        int year; // -1 when the text has no year
        int month;
        int day;
        int hour;
        int minute;
        int second;
        int nanos;
        boolean hasOffset;
        int offsetSeconds;

        void clear() {
            year = -1;
            month = day = hour = minute = second = nanos = 0;
            hasOffset = false;
            offsetSeconds = 0;
        }
    }

    static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Two digits at p, or -1. Caller guarantees p + 1 < end. */
    static int two(byte[] b, int p) {
        byte c1 = b[p];
        byte c2 = b[p + 1];
        if (!digit(c1) || !digit(c2)) {
            return -1;
        }
        return (c1 - '0') * 10 + (c2 - '0');
    }

    static int four(byte[] b, int p, int end) {
        if (p + 4 > end) {
            return -1;
        }
        int v = 0;
        for (int i = p; i < p + 4; i++) {
            if (!digit(b[i])) {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /**
     * RFC 3339 / RFC 5424 {@code YYYY-MM-DDThh:mm:ss[.fraction][Z|+hh:mm]} occupying exactly {@code [p, end)}.
     * Lenient: lower-case t/z, a space instead of T, 1-9 fraction digits, {@code +hhmm}, and no offset at all
     * (then {@link Stamp#hasOffset} is false and the caller applies its zone). Returns end or -1.
     */
    static int rfc3339(byte[] b, int p, int end, Stamp s) {
        s.clear();
        if (end - p < 19) {
            return -1;
        }
        int y = four(b, p, end);
        if (y < 0 || b[p + 4] != '-' || b[p + 7] != '-' || b[p + 13] != ':' || b[p + 16] != ':') {
            return -1;
        }
        byte t = b[p + 10];
        if (t != 'T' && t != 't' && t != ' ') {
            return -1;
        }
        s.year = y;
        s.month = two(b, p + 5);
        s.day = two(b, p + 8);
        s.hour = two(b, p + 11);
        s.minute = two(b, p + 14);
        s.second = two(b, p + 17);
        int q = p + 19;
        q = fraction(b, q, end, s);
        if (q < 0) {
            return -1;
        }
        if (q < end) {
            byte c = b[q];
            if (c == 'Z' || c == 'z') {
                s.hasOffset = true;
                q++;
            } else if (c == '+' || c == '-') {
                int oh;
                int om;
                if (q + 6 <= end && b[q + 3] == ':') {
                    oh = two(b, q + 1);
                    om = two(b, q + 4);
                    q += 6;
                } else if (q + 5 <= end) {
                    oh = two(b, q + 1);
                    om = two(b, q + 3);
                    q += 5;
                } else {
                    return -1;
                }
                if (oh < 0 || om < 0 || oh > 23 || om > 59) {
                    return -1;
                }
                s.hasOffset = true;
                s.offsetSeconds = (c == '-' ? -1 : 1) * (oh * 3600 + om * 60);
            }
        }
        return q == end && valid(s) ? end : -1;
    }

    /** Optional {@code .digits} (1-9 digits kept as nanoseconds, more digits refused). Returns the new position or -1. */
    private static int fraction(byte[] b, int q, int end, Stamp s) {
        if (q < end && (b[q] == '.' || b[q] == ',') && q + 1 < end && digit(b[q + 1])) {
            q++;
            int n = 0;
            int digits = 0;
            while (q < end && digit(b[q])) {
                if (++digits > 9) {
                    return -1;
                }
                n = n * 10 + (b[q] - '0');
                q++;
            }
            for (int i = digits; i < 9; i++) {
                n *= 10;
            }
            s.nanos = n;
        }
        return q;
    }

    /** Month from three letters (any case), 1-12, or -1. */
    static int month(byte[] b, int p, int end) {
        if (p + 3 > end) {
            return -1;
        }
        int k = ((b[p] | 0x20) << 16) | ((b[p + 1] | 0x20) << 8) | (b[p + 2] | 0x20);
        switch (k) {
            case ('j' << 16) | ('a' << 8) | 'n': return 1;
            case ('f' << 16) | ('e' << 8) | 'b': return 2;
            case ('m' << 16) | ('a' << 8) | 'r': return 3;
            case ('a' << 16) | ('p' << 8) | 'r': return 4;
            case ('m' << 16) | ('a' << 8) | 'y': return 5;
            case ('j' << 16) | ('u' << 8) | 'n': return 6;
            case ('j' << 16) | ('u' << 8) | 'l': return 7;
            case ('a' << 16) | ('u' << 8) | 'g': return 8;
            case ('s' << 16) | ('e' << 8) | 'p': return 9;
            case ('o' << 16) | ('c' << 8) | 't': return 10;
            case ('n' << 16) | ('o' << 8) | 'v': return 11;
            case ('d' << 16) | ('e' << 8) | 'c': return 12;
            default: return -1;
        }
    }

    /**
     * BSD-style timestamps as devices send them, starting at p:
     * <ul>
     * <li>{@code Mmm dd hh:mm:ss} with the day space-padded ({@code Oct  3}), zero-padded or bare</li>
     * <li>with a year before the time ({@code Mar  1 2024 00:01:02}, Cisco IOS/ASA)</li>
     * <li>with a year first ({@code 2024 Mar  1 00:01:02}, Cisco NX-OS)</li>
     * <li>with fractional seconds ({@code .345}) and a zone word ({@code UTC:} or any 2-5 letters directly
     * followed by a colon, or {@code UTC}/{@code GMT} followed by a space); only UTC/GMT/Z set an offset.</li>
     * </ul>
     * The timestamp must be followed by the end, a space or a colon. Returns the position after it, or -1.
     */
    static int bsd(byte[] b, int p, int end, Stamp s) {
        s.clear();
        int q = p;
        if (q < end && digit(b[q])) { // NX-OS: year first
            int y = four(b, q, end);
            if (y < 0 || q + 4 >= end || b[q + 4] != ' ') {
                return -1;
            }
            s.year = y;
            q += 5;
        }
        int m = month(b, q, end);
        if (m < 0 || q + 3 >= end || b[q + 3] != ' ') {
            return -1;
        }
        s.month = m;
        q += 4;
        if (q + 1 >= end) {
            return -1;
        }
        if (b[q] == ' ') {
            q++;
        }
        if (!digit(b[q])) {
            return -1;
        }
        int d = b[q++] - '0';
        if (q < end && digit(b[q])) {
            d = d * 10 + (b[q++] - '0');
        }
        if (q >= end || b[q] != ' ') {
            return -1;
        }
        s.day = d;
        q++;
        if (s.year < 0) { // IOS/ASA: year after the day
            int y = four(b, q, end);
            if (y >= 0 && q + 4 < end && b[q + 4] == ' ') {
                s.year = y;
                q += 5;
            }
        }
        if (q + 8 > end || b[q + 2] != ':' || b[q + 5] != ':') {
            return -1;
        }
        s.hour = two(b, q);
        s.minute = two(b, q + 3);
        s.second = two(b, q + 6);
        q += 8;
        q = fraction(b, q, end, s);
        if (q < 0) {
            return -1;
        }
        q = zoneWord(b, q, end, s);
        if (q < end && b[q] != ' ' && b[q] != ':') {
            return -1;
        }
        if (s.year < 0) {
            // validated later, once the year is known (Feb 29)
            return s.hour >= 0 && s.minute >= 0 && s.second >= 0 && d >= 1 && d <= 31
                    && s.hour <= 23 && s.minute <= 59 && s.second <= 59 ? q : -1;
        }
        return valid(s) ? q : -1;
    }

    private static int zoneWord(byte[] b, int q, int end, Stamp s) {
        if (q >= end || b[q] != ' ') {
            return q;
        }
        int w = q + 1;
        int e = w;
        while (e < end && e - w <= 5 && isLetter(b[e])) {
            e++;
        }
        int n = e - w;
        if (n < 1 || n > 5) {
            return q;
        }
        boolean utc = (n == 3 && upper(b[w]) == 'U' && upper(b[w + 1]) == 'T' && upper(b[w + 2]) == 'C')
                || (n == 3 && upper(b[w]) == 'G' && upper(b[w + 1]) == 'M' && upper(b[w + 2]) == 'T')
                || (n == 1 && upper(b[w]) == 'Z');
        boolean colon = e < end && b[e] == ':';
        // another zone word only in Cisco's "... 00:01:02.345 CET: %FAC-SEV-MNEMONIC" shape, so that a BSD tag
        // such as "su:" right after the time is not mistaken for a zone
        boolean ciscoZone = colon && n >= 3 && allUpper(b, w, e) && e + 2 < end && b[e + 1] == ' ' && b[e + 2] == '%';
        if (ciscoZone || utc && (e == end || b[e] == ' ' || colon)) {
            if (utc) {
                s.hasOffset = true;
                s.offsetSeconds = 0;
            }
            return e;
        }
        return q;
    }

    private static boolean allUpper(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 'A' || b[i] > 'Z') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(byte c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static int upper(byte c) {
        return c & ~0x20;
    }

    /** {@code YYYY-MM-DD} and {@code hh:mm:ss} in two separate ranges (key=value bodies). */
    static boolean dateAndTime(byte[] db, int dp, int de, byte[] tb, int tp, int te, Stamp s) {
        s.clear();
        if (de - dp != 10 || te - tp < 8 || db[dp + 4] != '-' || db[dp + 7] != '-' || tb[tp + 2] != ':' || tb[tp + 5] != ':') {
            return false;
        }
        s.year = four(db, dp, de);
        s.month = two(db, dp + 5);
        s.day = two(db, dp + 8);
        s.hour = two(tb, tp);
        s.minute = two(tb, tp + 3);
        s.second = two(tb, tp + 6);
        return fraction(tb, tp + 8, te, s) == te && valid(s);
    }

    static boolean valid(Stamp s) {
        return s.year >= 0 && s.month >= 1 && s.month <= 12 && s.day >= 1 && s.day <= lengthOfMonth(s.year, s.month)
                && s.hour >= 0 && s.hour <= 23 && s.minute >= 0 && s.minute <= 59 && s.second >= 0 && s.second <= 59;
    }

    static boolean leap(long y) {
        return (y & 3) == 0 && (y % 100 != 0 || y % 400 == 0);
    }

    static int lengthOfMonth(long y, int m) {
        switch (m) {
            case 2: return leap(y) ? 29 : 28;
            case 4: case 6: case 9: case 11: return 30;
            default: return 31;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
    static long epochDay(long y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    /** The proleptic Gregorian year of an epoch day. */
    static long yearOfEpochDay(long days) {
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long m = mp < 10 ? mp + 3 : mp - 9;
        return yoe + era * 400 + (m <= 2 ? 1 : 0);
    }

    /** Seconds since the epoch of the stamp's wall-clock fields read as UTC; year must be set. */
    static long localEpochSecond(long year, Stamp s) {
        return epochDay(year, s.month, s.day) * 86400L + s.hour * 3600L + s.minute * 60L + s.second;
    }
}
