package net.edgegw.adapters.tcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import net.edgegw.adapters.tcp.TcpInputSettings.Precision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;

/**
 * A parser of one line of InfluxDB line protocol
 * (<a href="https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/">reference</a>):
 * <pre>measurement[,tag_key=tag_value...] field_key=field_value[,field_key=field_value...] [timestamp]</pre>
 * <ul>
 * <li>Escapes: measurement {@code \,} {@code \ }; tag keys, tag values and field keys {@code \,} {@code \=}
 * {@code \ }; string field values {@code \"}; everywhere {@code \\} is one backslash, and a backslash before any
 * other character is a literal backslash.</li>
 * <li>Field values: float ({@code 1}, {@code -1.5}, {@code 1e3}), integer ({@code 1i}, signed 64-bit), unsigned
 * ({@code 1u}, 0 to 2<sup>64</sup>-1), string ({@code "..."}), boolean ({@code t T true True TRUE f F false False
 * FALSE}). NaN and infinities are refused.</li>
 * <li>Lines that are empty, only spaces, or start with {@code #} (after optional spaces) are comments:
 * {@link Outcome#EMPTY}.</li>
 * <li>Sections are separated by one or more spaces (a tab is an ordinary character, as in the reference parser);
 * trailing spaces are allowed. The timestamp is an optional signed integer in the configured {@link Precision}.</li>
 * <li>Tag keys and tag values must not be empty, a tag key must not repeat; a repeated field key keeps its last
 * value (as InfluxDB does). The line must be valid UTF-8.</li>
 * </ul>
 * The result is read through the accessors or written as the envelope's JSON payload with {@link #toJson()}.
 * Not thread-safe: one instance per connection (it reuses its arrays between lines).
 */
public final class InfluxLineParser {

    /** What {@link #parse} found. */
    public enum Outcome { POINT, EMPTY, INVALID }

    /** Field value types. */
    public enum FieldType { FLOAT, INTEGER, UNSIGNED, STRING, BOOLEAN }

    private static final JsonFactory JSON = new JsonFactory();
    private static final long MIN_EPOCH_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long MAX_EPOCH_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    // element kinds: which characters a backslash escapes and which end the token
    private static final int MEASUREMENT = 0;
    private static final int TAG_KEY = 1;
    private static final int TAG_VALUE = 2;
    private static final int FIELD_KEY = 3;

    private final Precision precision;
    private byte[] b;
    private int pos;
    private int end;
    private int start;
    private String error;
    private byte[] scratch = new byte[256];

    private String measurement;
    private String[] tagKeys = new String[8];
    private String[] tagValues = new String[8];
    private int tagCount;
    private String[] fieldKeys = new String[8];
    private FieldType[] fieldTypes = new FieldType[8];
    private long[] fieldLongs = new long[8];
    private double[] fieldDoubles = new double[8];
    private String[] fieldStrings = new String[8];
    private int fieldCount;
    private boolean hasTimestamp;
    private long timestamp;
    private Instant eventTime;
    private final ByteArrayBuilder out = new ByteArrayBuilder(512);

    public InfluxLineParser(Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision is required");
        }
        this.precision = precision;
    }

    /** Parses {@code bytes[off, off+len)} (one line without its terminator). Never throws for bad input. */
    public Outcome parse(byte[] bytes, int off, int len) {
        b = bytes;
        pos = off;
        start = off;
        end = off + len;
        error = null;
        measurement = null;
        tagCount = 0;
        fieldCount = 0;
        hasTimestamp = false;
        timestamp = 0;
        eventTime = null;
        skipWhitespace();
        if (pos == end || b[pos] == '#') {
            return Outcome.EMPTY;
        }
        int bad = Utf8.firstInvalid(b, off, len);
        if (bad >= 0) {
            return fail("invalid UTF-8 at byte " + bad);
        }
        return point() ? Outcome.POINT : Outcome.INVALID;
    }

    private boolean point() {
        measurement = token(MEASUREMENT);
        if (measurement.isEmpty()) {
            return failB("missing measurement at column " + column());
        }
        while (pos < end && b[pos] == ',') {
            pos++;
            if (!tag()) {
                return false;
            }
        }
        if (pos == end) {
            return failB("missing field set after " + (tagCount == 0 ? "measurement '" + measurement + "'"
                    : "tag '" + tagKeys[tagCount - 1] + "'") + " (expected a space then field=value)");
        }
        if (b[pos] != ' ') { // only '=' can end the token here
            return failB("unexpected '" + (char) b[pos] + "' at column " + column() + " after " + (tagCount == 0
                    ? "measurement '" + measurement + "'" : "tag '" + tagKeys[tagCount - 1] + "'"));
        }
        skipWhitespace();
        if (pos == end) {
            return failB("missing field set at column " + column() + " (expected field=value)");
        }
        while (true) {
            if (!field()) {
                return false;
            }
            if (pos == end || b[pos] != ',') {
                break;
            }
            pos++;
        }
        if (pos < end && b[pos] != ' ') {
            return failB("unexpected '" + (char) b[pos] + "' at column " + column() + " after field '"
                    + fieldKeys[fieldCount - 1] + "'");
        }
        skipWhitespace();
        if (pos < end) {
            return parseTimestamp();
        }
        return true;
    }

    private boolean tag() {
        int col = column();
        String key = token(TAG_KEY);
        if (key.isEmpty()) {
            return failB("missing tag key at column " + col);
        }
        if (pos == end || b[pos] != '=') {
            return failB("tag key '" + key + "' at column " + col + " has no value (expected '=')");
        }
        pos++;
        int vcol = column();
        String value = token(TAG_VALUE);
        if (value.isEmpty()) {
            return failB("missing value of tag '" + key + "' at column " + vcol);
        }
        if (pos < end && b[pos] == '=') {
            return failB("unescaped '=' in the value of tag '" + key + "' at column " + column());
        }
        for (int i = 0; i < tagCount; i++) {
            if (tagKeys[i].equals(key)) {
                return failB("duplicate tag key '" + key + "' at column " + col);
            }
        }
        if (tagCount == tagKeys.length) {
            tagKeys = Arrays.copyOf(tagKeys, tagCount * 2);
            tagValues = Arrays.copyOf(tagValues, tagCount * 2);
        }
        tagKeys[tagCount] = key;
        tagValues[tagCount] = value;
        tagCount++;
        return true;
    }

    private boolean field() {
        int col = column();
        String key = token(FIELD_KEY);
        if (key.isEmpty()) {
            return failB("missing field key at column " + col);
        }
        if (pos == end || b[pos] != '=') {
            return failB("field '" + key + "' at column " + col + " has no value (expected '=')");
        }
        pos++;
        int slot = fieldCount;
        for (int i = 0; i < fieldCount; i++) {
            if (fieldKeys[i].equals(key)) {
                slot = i; // the last value of a repeated field wins
                break;
            }
        }
        if (slot == fieldKeys.length) {
            int n = slot * 2;
            fieldKeys = Arrays.copyOf(fieldKeys, n);
            fieldTypes = Arrays.copyOf(fieldTypes, n);
            fieldLongs = Arrays.copyOf(fieldLongs, n);
            fieldDoubles = Arrays.copyOf(fieldDoubles, n);
            fieldStrings = Arrays.copyOf(fieldStrings, n);
        }
        fieldKeys[slot] = key;
        fieldStrings[slot] = null;
        if (pos == end || b[pos] == ' ' || b[pos] == ',') {
            return failB("missing value of field '" + key + "' at column " + column());
        }
        boolean ok = b[pos] == '"' ? stringValue(slot, key) : scalarValue(slot, key);
        if (ok && slot == fieldCount) {
            fieldCount++;
        }
        return ok;
    }

    private boolean stringValue(int slot, String key) {
        int col = column();
        int i = ++pos;
        boolean escaped = false;
        while (i < end) {
            byte c = b[i];
            if (c == '\\' && i + 1 < end && (b[i + 1] == '"' || b[i + 1] == '\\')) {
                escaped = true;
                i += 2;
            } else if (c == '"') {
                break;
            } else {
                i++;
            }
        }
        if (i == end) {
            return failB("unterminated string value of field '" + key + "' starting at column " + col);
        }
        String s;
        if (!escaped) {
            s = new String(b, pos, i - pos, StandardCharsets.UTF_8);
        } else {
            byte[] t = scratch(i - pos);
            int n = 0;
            for (int j = pos; j < i; j++) {
                if (b[j] == '\\' && j + 1 < i && (b[j + 1] == '"' || b[j + 1] == '\\')) {
                    j++;
                }
                t[n++] = b[j];
            }
            s = new String(t, 0, n, StandardCharsets.UTF_8);
        }
        pos = i + 1;
        fieldTypes[slot] = FieldType.STRING;
        fieldStrings[slot] = s;
        return true;
    }

    private boolean scalarValue(int slot, String key) {
        int s = pos;
        int e = s;
        while (e < end && b[e] != ',' && b[e] != ' ') {
            e++;
        }
        pos = e;
        int len = e - s;
        byte last = b[e - 1];
        if (last == 'i' || last == 'u') {
            boolean unsigned = last == 'u';
            int ds = s;
            boolean negative = !unsigned && b[s] == '-';
            if (negative) {
                ds++;
            }
            if (ds == e - 1) {
                return badValue(key, s, len, unsigned ? "unsigned" : "integer");
            }
            long v = 0;
            for (int i = ds; i < e - 1; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return badValue(key, s, len, unsigned ? "unsigned" : "integer");
                }
                if (unsigned) {
                    if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                        return rangeError(key, s, len, "unsigned", "0 to 18446744073709551615");
                    }
                    long next = v * 10 + d;
                    if (Long.compareUnsigned(next, v * 10) < 0) {
                        return rangeError(key, s, len, "unsigned", "0 to 18446744073709551615");
                    }
                    v = next;
                } else {
                    // accumulate negatively: Long.MIN_VALUE has no positive counterpart
                    if (v < Long.MIN_VALUE / 10 || (v == Long.MIN_VALUE / 10 && d > -(Long.MIN_VALUE % 10))) {
                        return rangeError(key, s, len, "integer", "a signed 64-bit integer");
                    }
                    v = v * 10 - d;
                }
            }
            if (!unsigned && !negative) {
                if (v == Long.MIN_VALUE) {
                    return rangeError(key, s, len, "integer", "a signed 64-bit integer");
                }
                v = -v;
            }
            fieldTypes[slot] = unsigned ? FieldType.UNSIGNED : FieldType.INTEGER;
            fieldLongs[slot] = v;
            return true;
        }
        int bool = InfluxScalars.bool(b, s, len);
        if (bool >= 0) {
            fieldTypes[slot] = FieldType.BOOLEAN;
            fieldLongs[slot] = bool;
            return true;
        }
        if (!InfluxScalars.isFloat(b, s, e)) {
            return badValue(key, s, len, "field");
        }
        double d = Double.parseDouble(new String(b, s, len, StandardCharsets.ISO_8859_1));
        if (Double.isInfinite(d)) {
            return rangeError(key, s, len, "float", "a finite 64-bit float");
        }
        fieldTypes[slot] = FieldType.FLOAT;
        fieldDoubles[slot] = d;
        return true;
    }

    private boolean parseTimestamp() {
        int s = pos;
        int e = s;
        while (e < end && b[e] != ' ') {
            e++;
        }
        pos = e;
        skipWhitespace();
        if (pos < end) {
            return failB("unexpected text after the timestamp at column " + column());
        }
        int i = s;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        if (i == e) {
            return failB("invalid timestamp '" + text(s, e - s) + "' at column " + (s - start + 1));
        }
        long v = 0;
        for (; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return failB("invalid timestamp '" + text(s, e - s) + "' at column " + (s - start + 1)
                        + " (expected an integer)");
            }
            if (v < Long.MIN_VALUE / 10 || (v == Long.MIN_VALUE / 10 && d > -(Long.MIN_VALUE % 10))) {
                return failB("timestamp '" + text(s, e - s) + "' out of the signed 64-bit range");
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return failB("timestamp '" + text(s, e - s) + "' out of the signed 64-bit range");
            }
            v = -v;
        }
        Instant t = toInstant(v, precision);
        if (t == null) {
            return failB("timestamp " + v + " (" + precision.name().toLowerCase(java.util.Locale.ROOT)
                    + ") is outside the years 0000-9999");
        }
        hasTimestamp = true;
        timestamp = v;
        eventTime = t;
        return true;
    }

    /** The instant of a timestamp in the given precision, or null outside the years 0000-9999. */
    public static Instant toInstant(long t, Precision p) {
        long perSecond = 1_000_000_000L / p.nanos();
        long sec = Math.floorDiv(t, perSecond);
        long nanos = Math.floorMod(t, perSecond) * p.nanos();
        if (sec < MIN_EPOCH_SECOND || sec > MAX_EPOCH_SECOND) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(sec, nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * Reads a measurement, key or tag value up to its unescaped terminator: ',' or ' ' (measurement), ',' '=' ' '
     * (tag key, tag value, field key). Unescapes when needed; allocates nothing but the String.
     */
    private String token(int kind) {
        int s = pos;
        int i = s;
        boolean escaped = false;
        while (i < end) {
            byte c = b[i];
            if (c == '\\' && i + 1 < end && escapable(kind, b[i + 1])) {
                escaped = true;
                i += 2;
                continue;
            }
            if (c == ',' || c == ' ' || (c == '=' && kind != MEASUREMENT)) {
                break;
            }
            i++;
        }
        pos = i;
        if (!escaped) {
            return i == s ? "" : new String(b, s, i - s, StandardCharsets.UTF_8);
        }
        byte[] t = scratch(i - s);
        int n = 0;
        for (int j = s; j < i; j++) {
            if (b[j] == '\\' && j + 1 < i && escapable(kind, b[j + 1])) {
                j++;
            }
            t[n++] = b[j];
        }
        return new String(t, 0, n, StandardCharsets.UTF_8);
    }

    private static boolean escapable(int kind, byte c) {
        return c == ',' || c == ' ' || c == '\\' || (c == '=' && kind != MEASUREMENT);
    }

    private void skipWhitespace() {
        while (pos < end && b[pos] == ' ') {
            pos++;
        }
    }

    private byte[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        return scratch;
    }

    private int column() {
        return pos - start + 1;
    }

    private String text(int s, int len) {
        return new String(b, s, Math.min(len, 64), StandardCharsets.UTF_8) + (len > 64 ? "..." : "");
    }

    private boolean badValue(String key, int s, int len, String type) {
        return failB("invalid " + type + " value '" + text(s, len) + "' of field '" + key + "' at column "
                + (s - start + 1));
    }

    private boolean rangeError(String key, int s, int len, String type, String range) {
        return failB(type + " value '" + text(s, len) + "' of field '" + key + "' at column " + (s - start + 1)
                + " is out of range (" + range + ")");
    }

    private Outcome fail(String message) {
        error = message;
        return Outcome.INVALID;
    }

    private boolean failB(String message) {
        error = message;
        return false;
    }

    /** Why the last line was {@link Outcome#INVALID}, else null. */
    public String error() {
        return error;
    }

    public String measurement() {
        return measurement;
    }

    public int tagCount() {
        return tagCount;
    }

    public String tagKey(int i) {
        return tagKeys[checkTag(i)];
    }

    public String tagValue(int i) {
        return tagValues[checkTag(i)];
    }

    public int fieldCount() {
        return fieldCount;
    }

    public String fieldKey(int i) {
        return fieldKeys[checkField(i)];
    }

    public FieldType fieldType(int i) {
        return fieldTypes[checkField(i)];
    }

    /** INTEGER: the value; UNSIGNED: the value's bits (read with {@link Long#toUnsignedString}); BOOLEAN: 1 or 0. */
    public long fieldLong(int i) {
        return fieldLongs[checkField(i)];
    }

    public double fieldDouble(int i) {
        return fieldDoubles[checkField(i)];
    }

    public String fieldString(int i) {
        return fieldStrings[checkField(i)];
    }

    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    /** The timestamp as written, in the configured precision (valid when {@link #hasTimestamp()}). */
    public long timestamp() {
        return timestamp;
    }

    /** The timestamp as an instant, or null without one. */
    public Instant eventTime() {
        return eventTime;
    }

    private int checkTag(int i) {
        if (i < 0 || i >= tagCount) {
            throw new IndexOutOfBoundsException("tag " + i + " of " + tagCount);
        }
        return i;
    }

    private int checkField(int i) {
        if (i < 0 || i >= fieldCount) {
            throw new IndexOutOfBoundsException("field " + i + " of " + fieldCount);
        }
        return i;
    }

    /**
     * The last parsed point as the envelope payload:
     * {@code {"measurement":"cpu","tags":{"host":"a"},"fields":{"v":1.5,"n":3,"s":"x","ok":true},"timestamp":1}}
     * (floats always carry a decimal point or exponent, integers and unsigned never; {@code timestamp} is the value
     * as written, in the configured precision, or null). A new array each call.
     */
    public byte[] toJson() {
        if (measurement == null || error != null || fieldCount == 0) {
            throw new IllegalStateException("no point parsed");
        }
        out.reset();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("measurement", measurement);
            g.writeObjectFieldStart("tags");
            for (int i = 0; i < tagCount; i++) {
                g.writeStringField(tagKeys[i], tagValues[i]);
            }
            g.writeEndObject();
            g.writeObjectFieldStart("fields");
            for (int i = 0; i < fieldCount; i++) {
                g.writeFieldName(fieldKeys[i]);
                switch (fieldTypes[i]) {
                    case FLOAT -> g.writeNumber(fieldDoubles[i]);
                    case INTEGER -> g.writeNumber(fieldLongs[i]);
                    case UNSIGNED -> g.writeNumber(Long.toUnsignedString(fieldLongs[i]));
                    case STRING -> g.writeString(fieldStrings[i]);
                    case BOOLEAN -> g.writeBoolean(fieldLongs[i] != 0);
                }
            }
            g.writeEndObject();
            g.writeFieldName("timestamp");
            if (hasTimestamp) {
                g.writeNumber(timestamp);
            } else {
                g.writeNull();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: in memory
        }
        return out.toByteArray();
    }
}
