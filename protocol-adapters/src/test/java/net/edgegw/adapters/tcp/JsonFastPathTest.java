package net.edgegw.adapters.tcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import net.edgegw.core.Payloads;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsonFastPath} never changes an outcome: whatever it accepts, the Jackson pass of {@link LineConverter}
 * accepts too, with the same host; and it does accept the usual lines (otherwise it would be no fast path).
 * Differential: hand-picked cases plus a few hundred thousand random documents and mutations of them.
 */
class JsonFastPathTest {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Payloads.MAX_JSON_DEPTH).build())
            .build();

    private static final JsonFastPath SHARED_DEVICE = new JsonFastPath("device");
    private static final JsonFastPath SHARED_NO_HOST = new JsonFastPath(null);

    /** What LineConverter's Jackson pass decides: null when not exactly one JSON value, else the host or "". */
    static String jackson(byte[] json, String hostField) {
        String host = null;
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT && hostField != null) {
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    boolean mine = hostField.equals(p.currentName());
                    JsonToken v = p.nextToken();
                    if (mine && v == JsonToken.VALUE_STRING) {
                        String h = p.getText();
                        if (!h.isEmpty() && h.length() <= 255) {
                            host = h;
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                return null;
            }
            return host == null ? "" : host;
        } catch (Exception e) {
            return null;
        }
    }

    private static void assertAgrees(String doc, String hostField, List<String> accepted) {
        byte[] b = doc.getBytes(StandardCharsets.UTF_8);
        JsonFastPath f = hostField == null ? SHARED_NO_HOST : SHARED_DEVICE; // one per "connection": caches carry over
        if (f.check(b, 0, b.length)) {
            String ref = jackson(b, hostField);
            assertThat(ref).as("fast path accepted what Jackson refuses: %s", doc).isNotNull();
            assertThat(f.host() == null ? "" : f.host()).as("host of %s", doc).isEqualTo(ref);
            accepted.add(doc);
        }
    }

    @Test
    void acceptsTheUsualLinesWithTheSameHost() {
        String[] ok = {
            "{\"device\":\"sensor-01\",\"seq\":0,\"temp\":21.5,\"pad\":\"xxxx\"}",
            "{\"device\":\"sensor-01\",\"seq\":123456,\"temp\":-0.5e-3,\"ok\":true,\"n\":null,\"f\":false}",
            " { \"a\" : [1, 2.0, -3E+2, {\"b\": [[], {}]}], \"device\" : \"d1\" ,\"e\":\"\\u00e9\\uD83D\",\"device\":\"caf\u00e9 \u20ac \uD83D\uDE00\"}\t",
            "[1,\"two\",{\"three\":3}]",
            "{}", "[]", "{\"x\":\"tab\\tquote\\\" slash\\/ back\\\\ \\b\\f\\n\\r\"}",
            "{\"device\":\"\",\"other\":1}",
            "{\"device\":5}",
            "{\"nested\":{\"device\":\"not-top-level\"}}",
        };
        for (String hostField : new String[]{"device", null}) {
            List<String> accepted = new ArrayList<>();
            for (String d : ok) {
                assertAgrees(d, hostField, accepted);
            }
            assertThat(accepted).as("hostField %s", hostField).hasSize(ok.length);
        }
        JsonFastPath f = new JsonFastPath("device");
        byte[] b = ok[2].getBytes(StandardCharsets.UTF_8);
        assertThat(f.check(b, 0, b.length)).isTrue();
        assertThat(f.host()).isEqualTo("caf\u00e9 \u20ac \uD83D\uDE00");
    }

    @Test
    void reusesTheLastHostOnlyWhenTheBytesAreTheSame() {
        JsonFastPath f = new JsonFastPath("device");
        String[] hosts = {"a", "a", "b", "ab", "ab", "caf\u00e9", "caf\u00e9", "a"};
        String previous = null;
        for (String h : hosts) {
            byte[] b = ("{\"device\":\"" + h + "\"}").getBytes(StandardCharsets.UTF_8);
            assertThat(f.check(b, 0, b.length)).isTrue();
            assertThat(f.host()).isEqualTo(h);
            if (h.equals(previous)) {
                assertThat(f.host()).isSameAs(previous);
            }
            previous = f.host();
        }
        // the same connection, one JsonFastPath: no host left over from the line before
        byte[] none = "{\"other\":\"a\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(f.check(none, 0, none.length)).isTrue();
        assertThat(f.host()).isNull();
    }

    @Test
    void leavesEverythingDoubtfulToJackson() {
        String[] no = {
            "{\"seq\":0000000001}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":+1}", "{\"a\":1e}",
            "{\"a\":NaN}", "{\"a\":'x'}", "{a:1}", "{\"a\":1,}", "[1,]", "{\"a\":1}{\"b\":2}", "{\"a\":1} x",
            "{\"a\":\"ctl\u0001\"}", "{\"a\":\"bad\\x\"}", "{\"a\":\"bad\\u12g4\"}", "{\"a\" 1}", "{\"a\":tru}",
            "{\"a\":1 2}", "\"scalar\"", "42", "true", "\uFEFF{}", "{\"a\":1}\u0000", "{\"devi\\u0063e\":\"x\"}",
            "{\"device\":\"esc\\n\"}", "{\"\\uD83D\":1}", "{\"a\":{\"n\\u0061me\":1}}", "{\"a\":" + "1".repeat(101) + "}", "[".repeat(33) + "]".repeat(33),
            "{\"a\":\"unterminated}", "{\"a\":1", "[", "{\"a\":[1 2]}", "{\"a\":truex}", "{\"a\":nulll}",
        };
        for (String d : no) {
            byte[] b = d.getBytes(StandardCharsets.UTF_8);
            assertThat(new JsonFastPath("device").check(b, 0, b.length)).as(d).isFalse();
        }
        String deep = "[".repeat(32) + "]".repeat(32);
        byte[] b = deep.getBytes(StandardCharsets.UTF_8);
        assertThat(new JsonFastPath(null).check(b, 0, b.length)).isTrue();
    }

    @Test
    void randomDocumentsAndMutationsNeverDisagree() {
        Random r = new Random(20261124);
        String[] pieces = {"{", "}", "[", "]", ",", ":", " ", "\t", "\r", "\n", "\"", "\\", "\\u", "\\n", "0", "1",
            "9", "-", "+", ".", "e", "E", "true", "false", "null", "a", "device", "\"device\"", "x", "\u00e9",
            "\u20ac", "\uD83D\uDE00", "\u0001", "\u001f", "\u007f", "/", "'", "#", "00", "1.5", "-0", "1e5", "0x1"};
        int accepted = 0;
        for (int n = 0; n < 300_000; n++) {
            String doc;
            if (r.nextInt(3) == 0) { // random token soup
                StringBuilder s = new StringBuilder();
                int len = 1 + r.nextInt(20);
                for (int i = 0; i < len; i++) {
                    s.append(pieces[r.nextInt(pieces.length)]);
                }
                doc = s.toString();
            } else { // a random valid document, mutated or not
                StringBuilder s = new StringBuilder();
                randomValue(r, s, 0, true);
                doc = s.toString();
                int muts = r.nextInt(3);
                for (int m = 0; m < muts && !doc.isEmpty(); m++) {
                    int at = r.nextInt(doc.length() + 1);
                    String p = pieces[r.nextInt(pieces.length)];
                    switch (r.nextInt(3)) {
                        case 0 -> doc = doc.substring(0, at) + p + doc.substring(at);
                        case 1 -> doc = at < doc.length() ? doc.substring(0, at) + doc.substring(at + 1) : doc;
                        default -> doc = at < doc.length() ? doc.substring(0, at) + p + doc.substring(at + 1) : doc;
                    }
                }
            }
            if (hasLoneSurrogate(doc)) {
                continue; // the caller only passes valid UTF-8
            }
            List<String> acc = new ArrayList<>(1);
            assertAgrees(doc, r.nextBoolean() ? "device" : null, acc);
            accepted += acc.size();
        }
        assertThat(accepted).as("documents the fast path took").isGreaterThan(30_000);
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static void randomValue(Random r, StringBuilder s, int depth, boolean root) {
        int k = root ? r.nextInt(2) : r.nextInt(depth > 4 ? 6 : 8);
        switch (k) {
            case 0, 6 -> {
                s.append('{');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        s.append(r.nextBoolean() ? "," : " , ");
                    }
                    s.append(r.nextInt(4) == 0 ? "\"device\"" : randomString(r)).append(r.nextBoolean() ? ":" : " :\t");
                    randomValue(r, s, depth + 1, false);
                }
                s.append('}');
            }
            case 1, 7 -> {
                s.append('[');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        s.append(',');
                    }
                    randomValue(r, s, depth + 1, false);
                }
                s.append(']');
            }
            case 2 -> s.append(randomString(r));
            case 3 -> s.append(new String[]{"0", "-0", "12", "-3.25", "1e9", "2.5E-3", "6.02e+23", "-0.0"}[r.nextInt(8)]);
            case 4 -> s.append(new String[]{"true", "false", "null"}[r.nextInt(3)]);
            default -> s.append(r.nextInt(1000));
        }
    }

    private static String randomString(Random r) {
        String[] chars = {"a", "b", "device", " ", "\\\"", "\\\\", "\\/", "\\n", "\\u00e9", "\\uD83D", "\u00e9", "\u20ac",
            "\uD83D\uDE00", "x"};
        StringBuilder s = new StringBuilder("\"");
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            s.append(chars[r.nextInt(chars.length)]);
        }
        return s.append('"').toString();
    }
}
