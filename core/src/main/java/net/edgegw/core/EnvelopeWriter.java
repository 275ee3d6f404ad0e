package net.edgegw.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * The hot-path JSON writer of {@link EnvelopeJson#encodeBody}: writes the envelope straight into a reusable byte
 * buffer with pre-encoded field names, an ASCII fast path for strings and an allocation-free ISO-8601 instant
 * formatter. Its output is byte-for-byte what Jackson's {@code JsonGenerator} writes for the same calls, with
 * supplementary characters as 4-byte UTF-8 ({@code COMBINE_UNICODE_SURROGATES_IN_UTF8}) rather than two escapes; the
 * test {@code EnvelopeWriterTest} checks that on random envelopes, so readers see no difference.
 *
 * <p>Not thread-safe: one instance per thread ({@link #forThread()}).
 */
final class EnvelopeWriter {

    private static final ThreadLocal<EnvelopeWriter> PER_THREAD = ThreadLocal.withInitial(EnvelopeWriter::new);
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** 0: no escape; 'x': \\u00XX; else the character after the backslash. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int i = 0; i < 0x20; i++) {
            ESCAPES[i] = 'x';
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\f'] = 'f';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
    }

    private static final byte[] SITE = name("{\"site\":");
    private static final byte[] GATEWAY = name(",\"gateway\":");
    private static final byte[] INPUT = name(",\"input\":");
    private static final byte[] SOURCE = name(",\"source\":");
    private static final byte[] RECEIVED_AT = name(",\"receivedAt\":");
    private static final byte[] EVENT_TIME = name(",\"eventTime\":");
    private static final byte[] HOST = name(",\"host\":");
    private static final byte[] SEVERITY = name(",\"severity\":");
    private static final byte[] MESSAGE = name(",\"message\":");
    private static final byte[] ATTRIBUTES = name(",\"attributes\":{");
    private static final byte[] SYSLOG_FACILITY = name(",\"syslog\":{\"facility\":");
    private static final byte[] VERSION = name(",\"version\":");
    private static final byte[] TIMESTAMP = name(",\"timestamp\":");
    private static final byte[] HOSTNAME = name(",\"hostname\":");
    private static final byte[] APP_NAME = name(",\"appName\":");
    private static final byte[] PROC_ID = name(",\"procId\":");
    private static final byte[] MSG_ID = name(",\"msgId\":");
    private static final byte[] STRUCTURED_DATA = name(",\"structuredData\":{");
    private static final byte[] MQTT_TOPIC = name(",\"mqtt\":{\"topic\":");
    private static final byte[] QOS = name(",\"qos\":");
    private static final byte[] RETAINED = name(",\"retained\":");
    private static final byte[] PAYLOAD = name(",\"payload\":");
    private static final byte[] BASE64 = name("{\"base64\":\"");
    private static final byte[] NULL = name("null");
    private static final byte[] TRUE = name("true");
    private static final byte[] FALSE = name("false");

    private byte[] buf = new byte[1024];
    private int pos;
    /** The last formatted day (epoch day) and its "YYYY-MM-DDT" text. */
    private long cachedDay = Long.MIN_VALUE;
    private final byte[] dayText = new byte[11];

    static EnvelopeWriter forThread() {
        return PER_THREAD.get();
    }

    private static byte[] name(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The envelope without its id, as {@link EnvelopeJson#encodeBody} defines it. */
    byte[] body(Envelope e) {
        pos = 0;
        raw(SITE);
        string(e.site());
        raw(GATEWAY);
        string(e.gateway());
        raw(INPUT);
        string(e.input());
        raw(SOURCE);
        string(e.source().wireName());
        raw(RECEIVED_AT);
        instant(e.receivedAt());
        raw(EVENT_TIME);
        instant(e.eventTime());
        raw(HOST);
        string(e.host());
        raw(SEVERITY);
        integer(e.severity());
        raw(MESSAGE);
        string(e.message());
        raw(ATTRIBUTES);
        map(e.attributes());
        put('}');
        SyslogFields s = e.syslog();
        if (s != null) {
            raw(SYSLOG_FACILITY);
            integer(s.facility());
            raw(SEVERITY);
            integer(s.severity());
            raw(VERSION);
            integer(s.version());
            raw(TIMESTAMP);
            string(s.timestamp());
            raw(HOSTNAME);
            string(s.hostname());
            raw(APP_NAME);
            string(s.appName());
            raw(PROC_ID);
            string(s.procId());
            raw(MSG_ID);
            string(s.msgId());
            raw(STRUCTURED_DATA);
            boolean first = true;
            for (Map.Entry<String, Map<String, String>> sd : s.structuredData().entrySet()) {
                if (!first) {
                    put(',');
                }
                first = false;
                string(sd.getKey());
                put(':');
                put('{');
                map(sd.getValue());
                put('}');
            }
            put('}');
            raw(MESSAGE);
            string(s.message());
            put('}');
        }
        MqttFields m = e.mqtt();
        if (m != null) {
            raw(MQTT_TOPIC);
            string(m.topic());
            raw(QOS);
            integer(m.qos());
            raw(RETAINED);
            raw(m.retained() ? TRUE : FALSE);
            put('}');
        }
        Payload p = e.payload();
        if (p != null) {
            raw(PAYLOAD);
            if (p instanceof Payload.Json j) {
                raw(j.raw());
            } else if (p instanceof Payload.Text t) {
                string(t.text());
            } else if (p instanceof Payload.Binary b) {
                raw(BASE64);
                raw(Base64.getEncoder().encode(b.bytes()));
                put('"');
                put('}');
            }
        }
        put('}');
        return Arrays.copyOf(buf, pos);
    }

    private void map(Map<String, String> m) {
        boolean first = true;
        for (Map.Entry<String, String> a : m.entrySet()) {
            if (!first) {
                put(',');
            }
            first = false;
            string(a.getKey());
            put(':');
            string(a.getValue());
        }
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    private void put(char c) {
        ensure(1);
        buf[pos++] = (byte) c;
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void integer(Integer v) {
        if (v == null) {
            raw(NULL);
        } else {
            integer(v.intValue());
        }
    }

    private void integer(int v) {
        if (v >= 0 && v < 10) {
            put((char) ('0' + v));
        } else {
            raw(Integer.toString(v).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A JSON string (or null) with Jackson's default escaping: control characters, '"' and '\\'. */
    void string(String s) {
        if (s == null) {
            raw(NULL);
            return;
        }
        int n = s.length();
        ensure(n * 6 + 2); // worst case: every char as \\u00XX (or up to 3 UTF-8 bytes)
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte esc = ESCAPES[c];
                if (esc == 0) {
                    b[p++] = (byte) c;
                } else if (esc == 'x') {
                    b[p++] = '\\';
                    b[p++] = 'u';
                    b[p++] = '0';
                    b[p++] = '0';
                    b[p++] = HEX[c >> 4];
                    b[p++] = HEX[c & 0xF];
                } else {
                    b[p++] = '\\';
                    b[p++] = esc;
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                // an unpaired surrogate cannot be UTF-8 encoded: write U+FFFD (the parsers never produce one)
                b[p++] = (byte) 0xEF;
                b[p++] = (byte) 0xBF;
                b[p++] = (byte) 0xBD;
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        b[p++] = '"';
        pos = p;
    }

    /** {@code Instant.toString()} as a JSON string (or null), without allocating, for years 0000-9999. */
    void instant(Instant t) {
        if (t == null) {
            raw(NULL);
            return;
        }
        long sec = t.getEpochSecond();
        long day = Math.floorDiv(sec, 86_400);
        if (day < -719_528 || day > 2_932_896) { // outside 0000-01-01 .. 9999-12-31: rare, let the JDK do it
            string(t.toString());
            return;
        }
        if (day != cachedDay) {
            formatDay(day);
        }
        ensure(32);
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        System.arraycopy(dayText, 0, b, p, 11);
        p += 11;
        int sod = (int) (sec - day * 86_400);
        p = two(b, p, sod / 3600);
        b[p++] = ':';
        p = two(b, p, (sod / 60) % 60);
        b[p++] = ':';
        p = two(b, p, sod % 60);
        int nano = t.getNano();
        if (nano != 0) {
            b[p++] = '.';
            int digits;
            int v;
            if (nano % 1_000_000 == 0) {
                digits = 3;
                v = nano / 1_000_000;
            } else if (nano % 1000 == 0) {
                digits = 6;
                v = nano / 1000;
            } else {
                digits = 9;
                v = nano;
            }
            for (int i = digits - 1; i >= 0; i--) {
                b[p + i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            p += digits;
        }
        b[p++] = 'Z';
        b[p++] = '"';
        pos = p;
    }

    private static int two(byte[] b, int p, int v) {
        b[p] = (byte) ('0' + v / 10);
        b[p + 1] = (byte) ('0' + v % 10);
        return p + 2;
    }

    /** Civil date from days since 1970-01-01 (H. Hinnant's algorithm), as "YYYY-MM-DDT". */
    private void formatDay(long epochDay) {
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (m <= 2 ? y + 1 : y);
        byte[] o = dayText;
        o[0] = (byte) ('0' + year / 1000);
        o[1] = (byte) ('0' + (year / 100) % 10);
        o[2] = (byte) ('0' + (year / 10) % 10);
        o[3] = (byte) ('0' + year % 10);
        o[4] = '-';
        two(o, 5, m);
        o[7] = '-';
        two(o, 8, d);
        o[10] = 'T';
        cachedDay = epochDay;
    }
}
