package net.edgegw.adapters.syslog;

import net.edgegw.core.SyslogFields;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 5424 after {@code <PRI>1 }: returns null when the text does not have the RFC 5424 structure. */
final class Rfc5424 {

    private Rfc5424() {
    }

    static ParsedSyslog parse(SyslogParser parser, byte[] b, int p, int end, int pri, Instant receivedAt) {
        // TIMESTAMP
        int t = space(b, p, end);
        if (t <= p) {
            return null;
        }
        String timestamp = null;
        Instant eventTime = null;
        if (!nil(b, p, t)) {
            timestamp = SyslogParser.text(b, p, t - p);
            SyslogTime.Stamp s = new SyslogTime.Stamp();
            if (SyslogTime.rfc3339(b, p, t, s) == t) {
                eventTime = parser.toInstant(s, receivedAt);
            }
        }
        p = t + 1;
        // HOSTNAME
        t = space(b, p, end);
        if (t <= p) {
            return null;
        }
        String host = nil(b, p, t) ? null : parser.names.get(b, p, t - p);
        p = t + 1;
        // APP-NAME
        t = space(b, p, end);
        if (t <= p) {
            return null;
        }
        String app = nil(b, p, t) ? null : parser.names.get(b, p, t - p);
        p = t + 1;
        // PROCID
        t = space(b, p, end);
        if (t <= p) {
            return null;
        }
        String procId = nil(b, p, t) ? null : SyslogParser.text(b, p, t - p);
        p = t + 1;
        // MSGID
        t = space(b, p, end);
        if (t <= p) {
            return null;
        }
        String msgId = nil(b, p, t) ? null : parser.names.get(b, p, t - p);
        p = t + 1;
        // STRUCTURED-DATA
        if (p >= end) {
            return null;
        }
        Map<String, Map<String, String>> sd;
        if (b[p] == '-') {
            sd = Map.of();
            p++;
        } else if (b[p] == '[') {
            LinkedHashMap<String, Map<String, String>> elements = new LinkedHashMap<>(4);
            p = structuredData(parser, b, p, end, elements);
            if (p < 0) {
                return null;
            }
            for (Map.Entry<String, Map<String, String>> e : elements.entrySet()) {
                e.setValue(Collections.unmodifiableMap(e.getValue()));
            }
            sd = Collections.unmodifiableMap(elements);
        } else {
            return null;
        }
        // MSG
        String msg = null;
        if (p < end) {
            if (b[p] != ' ') {
                return null;
            }
            p++;
            if (p + 2 < end && b[p] == (byte) 0xEF && b[p + 1] == (byte) 0xBB && b[p + 2] == (byte) 0xBF) {
                p += 3;
            }
            if (p < end) {
                msg = SyslogParser.text(b, p, end - p);
            }
        }
        return ParsedSyslog.ok(new SyslogFields(pri >> 3, pri & 7, 1, timestamp, host, app, procId, msgId, sd, msg),
                eventTime, Map.of());
    }

    /** Parses SD-ELEMENTs from p (at '['); returns the position after the last ']' or -1. */
    private static int structuredData(SyslogParser parser, byte[] b, int p, int end,
                                      LinkedHashMap<String, Map<String, String>> out) {
        while (p < end && b[p] == '[') {
            p++;
            int idStart = p;
            while (p < end && nameChar(b[p])) {
                p++;
            }
            if (p == idStart || p >= end || (b[p] != ' ' && b[p] != ']')) {
                return -1;
            }
            String id = parser.names.get(b, idStart, p - idStart);
            Map<String, String> params = out.get(id);
            if (params == null) {
                params = new LinkedHashMap<>(8);
                out.put(id, params);
            }
            while (p < end && b[p] == ' ') {
                p++;
                if (p < end && b[p] == ']') { // tolerate a space before ']'
                    break;
                }
                int nameStart = p;
                while (p < end && nameChar(b[p])) {
                    p++;
                }
                if (p == nameStart || p + 1 >= end || b[p] != '=' || b[p + 1] != '"') {
                    return -1;
                }
                String name = parser.names.get(b, nameStart, p - nameStart);
                p += 2;
                int valueStart = p;
                boolean escaped = false;
                while (p < end) {
                    byte c = b[p];
                    if (c == '\\') {
                        escaped = true;
                        p += 2;
                    } else if (c == '"') {
                        break;
                    } else {
                        p++;
                    }
                }
                if (p >= end) {
                    return -1;
                }
                String value = escaped ? unescape(b, valueStart, p) : SyslogParser.text(b, valueStart, p - valueStart);
                p++;
                String previous = params.putIfAbsent(name, value);
                if (previous != null) {
                    params.put(name, previous + ',' + value);
                }
            }
            if (p >= end || b[p] != ']') {
                return -1;
            }
            p++;
        }
        return p;
    }

    /** Resolves {@code \"}, {@code \\} and {@code \]}; any other backslash is kept as it is (RFC 5424 6.3.3). */
    static String unescape(byte[] b, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '\\' && i + 1 < to && (b[i + 1] == '"' || b[i + 1] == '\\' || b[i + 1] == ']')) {
                out[n++] = b[++i];
            } else {
                out[n++] = c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** SD-NAME: PRINTUSASCII except '=', SP, ']' and '"'. */
    private static boolean nameChar(byte c) {
        return c > 32 && c < 127 && c != '=' && c != ']' && c != '"';
    }

    private static boolean nil(byte[] b, int p, int t) {
        return t == p + 1 && b[p] == '-';
    }

    /** Index of the next space at or after p, or -1. */
    static int space(byte[] b, int p, int end) {
        for (int i = p; i < end; i++) {
            if (b[i] == ' ') {
                return i;
            }
        }
        return -1;
    }
}
