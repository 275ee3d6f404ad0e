package net.edgegw.adapters.syslog;

import net.edgegw.core.SyslogFields;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RFC 3164/BSD syslog and the vendor variants described in {@link SyslogParser}. Never fails: what is not
 * recognised becomes part of the message. One instance per parse (holds the fields found so far).
 */
final class Rfc3164 {

    static final String KV_PREFIX = "kv.";
    static final String CISCO_SEQ = "cisco.seq";
    static final String CISCO_FACILITY = "cisco.facility";
    static final String CISCO_SEVERITY = "cisco.severity";
    static final String CISCO_MNEMONIC = "cisco.mnemonic";
    static final String CISCO_CLOCK = "cisco.clock";
    static final String CISCO_UPTIME = "cisco.uptime";
    static final String CISCO_TIMESTAMP = "cisco.timestamp";
    static final String CISCO_NODE = "cisco.node";
    static final String CLOCK_NOT_AUTHORITATIVE = "not-authoritative";
    static final String CLOCK_NTP_UNSYNCHRONIZED = "ntp-unsynchronized";
    private static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    private final SyslogParser parser;
    private final byte[] b;
    private final int end;
    private final Instant receivedAt;
    private final SyslogTime.Stamp stamp = new SyslogTime.Stamp();

    private LinkedHashMap<String, String> attrs;
    private String host;
    private String app;
    private String procId;
    private String msgId;
    private String timestamp;
    private Instant eventTime;
    private boolean hasSeq;

    private Rfc3164(SyslogParser parser, byte[] b, int end, Instant receivedAt) {
        this.parser = parser;
        this.b = b;
        this.end = end;
        this.receivedAt = receivedAt;
    }

    static ParsedSyslog parse(SyslogParser parser, byte[] b, int p, int end, int pri, Instant receivedAt) {
        return new Rfc3164(parser, b, end, receivedAt).run(p, pri);
    }

    private ParsedSyslog run(int p, int pri) {
        p = skipSpaces(p);
        // A. Cisco prefixes: NX-OS ": ", sequence "123: ", origin id "host: ", IOS-XR node "RP/0/RSP0/CPU0:"
        if (p + 1 < end && b[p] == ':' && b[p + 1] == ' ') {
            p = skipSpaces(p + 1);
        }
        int q = seq(p);
        if (q >= 0) {
            p = q;
            q = originHost(p);
            if (q >= 0) {
                p = q;
            }
        }
        q = xrNode(p);
        if (q >= 0) {
            p = q;
        }
        // B. timestamp, hostname, "host 123:" sequence
        q = scanStamp(p);
        if (q >= 0) {
            commitStamp(p, q);
            p = q;
            boolean ciscoStyle = p < end && b[p] == ':';
            if (ciscoStyle) {
                p++;
            }
            p = skipSpaces(p);
            if (!ciscoStyle && host == null) {
                int te = tokenEnd(p);
                if (te > p && hostToken(p, te)) {
                    if (te - p != 1 || b[p] != '-') {
                        host = parser.names.get(b, p, te - p);
                    }
                    p = skipSpaces(te);
                }
            }
            if (!hasSeq) {
                q = seq(p);
                if (q >= 0) {
                    p = localStamp(q);
                }
            }
            if (host != null && p + 1 < end && b[p] == ':' && b[p + 1] == ' ') { // ASA "fw01 : %ASA-..."
                p = skipSpaces(p + 1);
            }
        } else if (hasSeq) {
            p = uptime(p);
        } else {
            int te = tokenEnd(p);
            if (te > p && te < end && hostToken(p, te)) {
                q = seq(te + 1);
                if (q >= 0) {
                    host = parser.names.get(b, p, te - p);
                    p = q;
                    int s = scanStamp(p);
                    if (s >= 0 && s < end && b[s] == ':') {
                        commitStamp(p, s);
                        p = skipSpaces(s + 1);
                    } else {
                        p = uptime(p);
                    }
                }
            }
        }
        // C. content: Cisco code, tag (+ Juniper msgId / Cisco code), or key=value pairs
        if (p < end && b[p] == '%') {
            cisco(p);
        } else {
            q = tag(p);
            if (q >= 0) {
                p = q;
                if (p < end && b[p] == '%') {
                    cisco(p);
                } else {
                    juniperMsgId(p);
                }
            } else if (kvStart(p)) {
                keyValues(p);
            }
        }
        if (p + 2 < end && b[p] == (byte) 0xEF && b[p + 1] == (byte) 0xBB && b[p + 2] == (byte) 0xBF) {
            p += 3;
        }
        String message = p < end ? SyslogParser.text(b, p, end - p) : null;
        SyslogFields f = new SyslogFields(pri >> 3, pri & 7, null, timestamp, host, app, procId, msgId, Map.of(), message);
        return ParsedSyslog.ok(f, eventTime, attrs == null ? Map.of() : Collections.unmodifiableMap(attrs));
    }

    private void attr(String key, String value) {
        if (attrs == null) {
            attrs = new LinkedHashMap<>(8);
        }
        attrs.put(key, value);
    }

    private int skipSpaces(int p) {
        while (p < end && b[p] == ' ') {
            p++;
        }
        return p;
    }

    private int tokenEnd(int p) {
        while (p < end && b[p] != ' ') {
            p++;
        }
        return p;
    }

    /** A timestamp at p, optionally after a Cisco clock marker; returns the position after it or -1. */
    private int scanStamp(int p) {
        int s = p;
        if (s < end && (b[s] == '*' || b[s] == '.')) {
            s++;
        }
        if (s >= end) {
            return -1;
        }
        if (SyslogTime.digit(b[s]) && s + 4 < end && b[s + 4] == '-') {
            int te = tokenEnd(s);
            return SyslogTime.rfc3339(b, s, te, stamp) == te ? te : -1;
        }
        return SyslogTime.bsd(b, s, end, stamp);
    }

    private void commitStamp(int p, int q) {
        timestamp = SyslogParser.text(b, p, q - p);
        byte marker = b[p];
        if (marker == '*') {
            attr(CISCO_CLOCK, CLOCK_NOT_AUTHORITATIVE);
            eventTime = null;
        } else {
            if (marker == '.') {
                attr(CISCO_CLOCK, CLOCK_NTP_UNSYNCHRONIZED);
            }
            eventTime = parser.toInstant(stamp, receivedAt);
        }
    }

    /** After "host 123: ": the device's own timestamp ending with ':' (kept as cisco.timestamp), or an uptime. */
    private int localStamp(int p) {
        int s = scanStamp(p);
        if (s >= 0 && s < end && b[s] == ':') {
            attr(CISCO_TIMESTAMP, SyslogParser.text(b, p, s - p));
            if (b[p] == '*') {
                attr(CISCO_CLOCK, CLOCK_NOT_AUTHORITATIVE);
            } else if (b[p] == '.') {
                attr(CISCO_CLOCK, CLOCK_NTP_UNSYNCHRONIZED);
            }
            return skipSpaces(s + 1);
        }
        return uptime(p);
    }

    /** Cisco sequence number {@code 123: } at p: records it and returns the position after it, else -1. */
    private int seq(int p) {
        int q = p;
        while (q < end && q - p < 11 && SyslogTime.digit(b[q])) {
            q++;
        }
        if (q == p || q - p > 10 || q >= end || b[q] != ':' || (q + 1 < end && b[q + 1] != ' ')) {
            return -1;
        }
        hasSeq = true;
        attr(CISCO_SEQ, parser.names.get(b, p, q - p));
        return skipSpaces(q + 1);
    }

    /** Cisco origin id after the sequence number: {@code host: } followed by a timestamp, uptime or code. */
    private int originHost(int p) {
        int q = p;
        while (q < end && hostChar(b[q]) && b[q] != ':') {
            q++;
        }
        if (q == p || q + 1 >= end || b[q] != ':' || b[q + 1] != ' ') {
            return -1;
        }
        if (isUptime(p, q)) {
            return -1;
        }
        int n = skipSpaces(q + 1);
        if (n >= end) {
            return -1;
        }
        byte c = b[n];
        if (c == '*' || c == '.' || c == '%' || scanStamp(n) >= 0 || uptimeEnd(n) >= 0) {
            host = parser.names.get(b, p, q - p);
            return n;
        }
        return -1;
    }

    /** IOS-XR node prefix {@code RP/0/RSP0/CPU0:} directly followed by a timestamp. */
    private int xrNode(int p) {
        int q = p;
        boolean slash = false;
        while (q < end && q - p < 64 && b[q] != ' ' && b[q] != ':') {
            slash |= b[q] == '/';
            q++;
        }
        if (!slash || q >= end || b[q] != ':' || scanStamp(q + 1) < 0) {
            return -1;
        }
        attr(CISCO_NODE, parser.names.get(b, p, q - p));
        return q + 1;
    }

    /** Cisco uptime stamp ({@code 00:00:46: }, {@code 1w2d: }) at p: records it, returns the position after it or p. */
    private int uptime(int p) {
        int c = uptimeEnd(p);
        if (c < 0) {
            return p;
        }
        attr(CISCO_UPTIME, SyslogParser.text(b, p, c - p));
        return skipSpaces(c + 1);
    }

    /** The index of the colon ending an uptime token at p, or -1. */
    private int uptimeEnd(int p) {
        int q = p;
        while (q < end && q - p < 24) {
            byte c = b[q];
            if (c == ':' && (q + 1 == end || b[q + 1] == ' ')) {
                return q > p && isUptime(p, q) ? q : -1;
            }
            if (c == ' ') {
                return -1;
            }
            q++;
        }
        return -1;
    }

    /** {@code hh:mm:ss[.fff]} or {@code (digits[ywdhms])+}, starting with a digit. */
    private boolean isUptime(int p, int q) {
        if (!SyslogTime.digit(b[p])) {
            return false;
        }
        boolean marker = false;
        for (int i = p; i < q; i++) {
            byte c = b[i];
            if (c == ':' || c == '.' || c == 'y' || c == 'w' || c == 'd' || c == 'h' || c == 'm' || c == 's') {
                marker = true;
            } else if (!SyslogTime.digit(c)) {
                return false;
            }
        }
        return marker;
    }

    private static boolean hostChar(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_' || c == ':';
    }

    /** A BSD hostname: host-name characters (IPv6 colons included) not ending with a colon (that is a tag). */
    private boolean hostToken(int p, int te) {
        if (b[te - 1] == ':' || te - p > 255) {
            return false;
        }
        for (int i = p; i < te; i++) {
            if (!hostChar(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** A tag {@code app[pid]:}, {@code app:} or {@code app[pid]} at p: records it, returns the position after it and one space, or -1. */
    private int tag(int p) {
        int q = p;
        while (q < end && q - p <= 64) {
            byte c = b[q];
            if (c == ' ' || c == '[' || c == ':' || c == '=' || c == ']') {
                break;
            }
            q++;
        }
        if (q == p || q >= end || q - p > 64) {
            return -1;
        }
        int nameEnd = q;
        int pidStart = -1;
        int pidEnd = -1;
        if (b[q] == '[') {
            pidStart = q + 1;
            q = pidStart;
            while (q < end && b[q] != ']' && b[q] != ' ' && q - pidStart < 128) {
                q++;
            }
            if (q >= end || b[q] != ']') {
                return -1;
            }
            pidEnd = q;
            q++;
            if (q < end && b[q] == ':') {
                q++;
            }
        } else if (b[q] == ':') {
            q++;
        } else {
            return -1;
        }
        if (q < end && b[q] != ' ') {
            return -1;
        }
        app = parser.names.get(b, p, nameEnd - p);
        if (pidEnd > pidStart) {
            procId = SyslogParser.text(b, pidStart, pidEnd - pidStart);
        }
        return q < end ? q + 1 : q;
    }

    /** Cisco {@code %FACILITY[-SUB]-SEVERITY-MNEMONIC:} at p (at '%'). */
    private void cisco(int p) {
        int q = p + 1;
        int last = -1;
        int prev = -1;
        while (q < end && q - p <= 96) {
            byte c = b[q];
            if (c == ':' || c == ' ') {
                break;
            }
            if (c == '-') {
                prev = last;
                last = q;
            } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || SyslogTime.digit(c) || c == '_')) {
                return;
            }
            q++;
        }
        if (prev <= p + 1 || last - prev != 2 || last + 1 >= q) {
            return;
        }
        byte sev = b[prev + 1];
        if (sev < '0' || sev > '7') {
            return;
        }
        int r = q;
        while (r < end && b[r] == ' ') {
            r++;
        }
        if (r >= end || b[r] != ':') {
            return;
        }
        attr(CISCO_FACILITY, parser.names.get(b, p + 1, prev - p - 1));
        attr(CISCO_SEVERITY, DIGITS[sev - '0']);
        attr(CISCO_MNEMONIC, parser.names.get(b, last + 1, q - last - 1));
    }

    /** Juniper: {@code UPPER_CASE_TAG: } at the start of the message is the msgId. */
    private void juniperMsgId(int p) {
        if (p >= end || b[p] < 'A' || b[p] > 'Z') {
            return;
        }
        int q = p;
        boolean underscore = false;
        while (q < end && q - p <= 64) {
            byte c = b[q];
            if (c == '_') {
                underscore = true;
            } else if (!((c >= 'A' && c <= 'Z') || SyslogTime.digit(c))) {
                break;
            }
            q++;
        }
        if (underscore && q < end && q - p <= 64 && b[q] == ':' && (q + 1 == end || b[q + 1] == ' ')) {
            msgId = parser.names.get(b, p, q - p);
        }
    }

    private static boolean keyChar(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    }

    private boolean kvStart(int p) {
        if (p >= end || !((b[p] >= 'a' && b[p] <= 'z') || (b[p] >= 'A' && b[p] <= 'Z') || b[p] == '_')) {
            return false;
        }
        int q = p;
        while (q < end && keyChar(b[q])) {
            q++;
        }
        return q < end && b[q] == '=';
    }

    /** {@code key=value key="quoted value" ...}: every pair becomes {@code kv.<key>}; other tokens are skipped. */
    private void keyValues(int p) {
        if (attrs == null) {
            attrs = new LinkedHashMap<>(32); // firewall lines carry 10-30 pairs: no rehashing
        }
        int dateStart = -1;
        int dateEnd = -1;
        int timeStart = -1;
        int timeEnd = -1;
        int tzStart = -1;
        int tzEnd = -1;
        while (p < end) {
            p = skipSpaces(p);
            int ks = p;
            while (p < end && keyChar(b[p])) {
                p++;
            }
            if (p == ks || p >= end || b[p] != '=') {
                while (p < end && b[p] != ' ') {
                    p++;
                }
                continue;
            }
            int ke = p;
            p++;
            int vs;
            int ve;
            String value;
            if (p < end && b[p] == '"') {
                vs = ++p;
                boolean escaped = false;
                while (p < end && b[p] != '"') {
                    if (b[p] == '\\' && p + 1 < end) {
                        escaped = true;
                        p++;
                    }
                    p++;
                }
                ve = Math.min(p, end);
                value = escaped ? Rfc5424.unescape(b, vs, ve) : SyslogParser.text(b, vs, ve - vs);
                if (p < end) {
                    p++;
                }
            } else {
                vs = p;
                while (p < end && b[p] != ' ') {
                    p++;
                }
                ve = p;
                value = SyslogParser.text(b, vs, ve - vs);
            }
            attr(parser.kvKeys.get(b, ks, ke - ks), value);
            int kl = ke - ks;
            if (kl == 4 && b[ks] == 'd' && b[ks + 1] == 'a' && b[ks + 2] == 't' && b[ks + 3] == 'e') {
                dateStart = vs;
                dateEnd = ve;
            } else if (kl == 4 && b[ks] == 't' && b[ks + 1] == 'i' && b[ks + 2] == 'm' && b[ks + 3] == 'e') {
                timeStart = vs;
                timeEnd = ve;
            } else if (kl == 2 && b[ks] == 't' && b[ks + 1] == 'z') {
                tzStart = vs;
                tzEnd = ve;
            }
        }
        if (host == null && attrs != null) {
            String h = attrs.get("kv.devname");
            if (h == null || h.isEmpty()) {
                h = attrs.get("kv.hostname");
            }
            if (h != null && !h.isEmpty()) {
                host = h;
            }
        }
        if (eventTime == null && timestamp == null && dateStart >= 0 && timeStart >= 0
                && SyslogTime.dateAndTime(b, dateStart, dateEnd, b, timeStart, timeEnd, stamp)) {
            int off = tzStart >= 0 ? numericOffset(tzStart, tzEnd) : Integer.MIN_VALUE;
            if (off != Integer.MIN_VALUE) {
                stamp.hasOffset = true;
                stamp.offsetSeconds = off;
            }
            eventTime = parser.toInstant(stamp, receivedAt);
        }
    }

    /** {@code +hhmm}, {@code -hh:mm}, {@code UTC}/{@code Z} as seconds, else Integer.MIN_VALUE. */
    private int numericOffset(int s, int e) {
        int n = e - s;
        if ((n == 1 && (b[s] == 'Z' || b[s] == 'z')) || (n == 3 && (b[s] | 0x20) == 'u' && (b[s + 1] | 0x20) == 't' && (b[s + 2] | 0x20) == 'c')) {
            return 0;
        }
        if ((n != 5 && n != 6) || (b[s] != '+' && b[s] != '-')) {
            return Integer.MIN_VALUE;
        }
        int h = SyslogTime.two(b, s + 1);
        int m = n == 5 ? SyslogTime.two(b, s + 3) : (b[s + 3] == ':' ? SyslogTime.two(b, s + 4) : -1);
        if (h < 0 || m < 0 || h > 23 || m > 59) {
            return Integer.MIN_VALUE;
        }
        return (b[s] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    }
}
