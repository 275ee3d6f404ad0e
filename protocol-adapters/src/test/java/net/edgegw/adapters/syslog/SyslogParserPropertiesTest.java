package net.edgegw.adapters.syslog;

import net.edgegw.core.SyslogFields;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SyslogParserPropertiesTest {

    private static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");
    private static final String SD_NAME_CHARS;

    static {
        StringBuilder sb = new StringBuilder();
        for (char c = '!'; c <= '~'; c++) {
            if (c != '=' && c != ']' && c != '"') {
                sb.append(c);
            }
        }
        SD_NAME_CHARS = sb.toString();
    }

    private final SyslogParser parser = new SyslogParser();

    private record Header(int facility, int severity, String timestamp, String hostname, String appName, String procId,
                          String msgId, Map<String, Map<String, String>> sd) {
    }

    @Property(tries = 1000)
    void rfc5424RoundTrip(@ForAll("rfc5424") SyslogFields fields) {
        byte[] wire = render(fields).getBytes(StandardCharsets.UTF_8);
        ParsedSyslog r = parser.parse(wire, 0, wire.length, NOW);
        assertThat(r.isMalformed()).isFalse();
        assertThat(r.fields()).isEqualTo(fields);
        if (fields.timestamp() == null) {
            assertThat(r.eventTime()).isNull();
        } else {
            assertThat(r.eventTime()).isEqualTo(OffsetDateTime.parse(fields.timestamp()).toInstant());
        }
    }

    @Property(tries = 300)
    void rfc5424RoundTripWithBom(@ForAll("rfc5424") SyslogFields fields) {
        String text = render(fields);
        if (fields.message() != null) {
            int at = text.length() - fields.message().length();
            text = text.substring(0, at) + "\uFEFF" + fields.message();
        }
        assertThat(parser.parse(text, NOW).fields()).isEqualTo(fields);
    }

    @Property(tries = 2000)
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 300) byte[] bytes) {
        check(parser.parse(bytes, 0, bytes.length, NOW));
    }

    @Property(tries = 3000)
    void syslogLikeTextNeverThrows(@ForAll("syslogish") String text) {
        check(parser.parse(text, NOW));
        check(parser.parse("<13>" + text, NOW));
        check(parser.parse("<13>1 " + text, NOW));
    }

    @Property(tries = 1000)
    void mutatedMessagesNeverThrow(@ForAll("rfc5424") SyslogFields fields, @ForAll int position, @ForAll byte value,
                                   @ForAll @Size(max = 3) byte[] insert) {
        byte[] wire = render(fields).getBytes(StandardCharsets.UTF_8);
        int at = Math.floorMod(position, wire.length);
        byte[] flipped = wire.clone();
        flipped[at] = value;
        check(parser.parse(flipped, NOW));
        byte[] cut = java.util.Arrays.copyOf(wire, at);
        check(parser.parse(cut, NOW));
        byte[] grown = new byte[wire.length + insert.length];
        System.arraycopy(wire, 0, grown, 0, at);
        System.arraycopy(insert, 0, grown, at, insert.length);
        System.arraycopy(wire, at, grown, at + insert.length, wire.length - at);
        check(parser.parse(grown, NOW));
    }

    private static void check(ParsedSyslog r) {
        assertThat(r).isNotNull();
        if (r.isMalformed()) {
            assertThat(r.error()).isNotBlank();
            assertThat(r.fields()).isNull();
        } else {
            assertThat(r.fields()).isNotNull();
            assertThat(r.attributes()).isNotNull();
        }
    }

    @Provide
    Arbitrary<String> syslogish() {
        return Arbitraries.strings().withChars("JanFebOctMar 0123456789:%[]=\"-*.<>_AZaz\\/\r\n\u00e9\uFEFF").ofMaxLength(90);
    }

    @Provide
    Arbitrary<SyslogFields> rfc5424() {
        Arbitrary<Header> header = Combinators.combine(
                Arbitraries.integers().between(0, 23),
                Arbitraries.integers().between(0, 7),
                timestamps().injectNull(0.2),
                token(255).injectNull(0.2),
                token(48).injectNull(0.2),
                token(128).injectNull(0.2),
                token(32).injectNull(0.2),
                structuredData()).as(Header::new);
        Arbitrary<String> message = Arbitraries.strings()
                .withCharRange(' ', '~').withCharRange('\u00a0', '\ud7ff').withChars('\t', '\n', '\r')
                .ofMinLength(1).ofMaxLength(120)
                .filter(s -> !s.endsWith("\n") && !s.endsWith("\r"))
                .injectNull(0.2);
        return Combinators.combine(header, message).as((h, m) -> new SyslogFields(h.facility(), h.severity(), 1,
                h.timestamp(), h.hostname(), h.appName(), h.procId(), h.msgId(), h.sd(), m));
    }

    private static Arbitrary<String> token(int max) {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(Math.min(max, 40))
                .filter(s -> !s.equals("-"));
    }

    private static Arbitrary<String> sdName() {
        return Arbitraries.strings().withChars(SD_NAME_CHARS.toCharArray()).ofMinLength(1).ofMaxLength(32);
    }

    private static Arbitrary<Map<String, Map<String, String>>> structuredData() {
        Arbitrary<String> value = Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u04ff')
                .withChars('"', '\\', ']', '\t').ofMaxLength(24);
        return Arbitraries.maps(sdName(), Arbitraries.maps(sdName(), value).ofMaxSize(4)).ofMaxSize(3);
    }

    private static Arbitrary<String> timestamps() {
        Arbitrary<String> date = Combinators.combine(Arbitraries.integers().between(1970, 2100),
                Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 28))
                .as((y, m, d) -> String.format("%04d-%02d-%02d", y, m, d));
        Arbitrary<String> time = Combinators.combine(Arbitraries.integers().between(0, 23),
                Arbitraries.integers().between(0, 59), Arbitraries.integers().between(0, 59))
                .as((h, m, s) -> String.format("T%02d:%02d:%02d", h, m, s));
        Arbitrary<String> fraction = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(6).map(f -> "." + f)
                .injectNull(0.4).map(f -> f == null ? "" : f);
        Arbitrary<String> offset = Arbitraries.oneOf(Arbitraries.just("Z"),
                Combinators.combine(Arbitraries.of('+', '-'), Arbitraries.integers().between(0, 17),
                        Arbitraries.integers().between(0, 59)).as((sign, h, m) -> String.format("%c%02d:%02d", sign, h, m)));
        return Combinators.combine(date, time, fraction, offset).as((d, t, f, o) -> d + t + f + o);
    }

    /** RFC 5424 text of the fields (the reference renderer for the round trip). */
    static String render(SyslogFields f) {
        StringBuilder sb = new StringBuilder(256);
        sb.append('<').append(f.facility() * 8 + f.severity()).append(">1 ")
                .append(nil(f.timestamp())).append(' ')
                .append(nil(f.hostname())).append(' ')
                .append(nil(f.appName())).append(' ')
                .append(nil(f.procId())).append(' ')
                .append(nil(f.msgId())).append(' ');
        if (f.structuredData().isEmpty()) {
            sb.append('-');
        } else {
            for (Map.Entry<String, Map<String, String>> e : f.structuredData().entrySet()) {
                sb.append('[').append(e.getKey());
                for (Map.Entry<String, String> p : e.getValue().entrySet()) {
                    sb.append(' ').append(p.getKey()).append("=\"");
                    for (char c : p.getValue().toCharArray()) {
                        if (c == '"' || c == '\\' || c == ']') {
                            sb.append('\\');
                        }
                        sb.append(c);
                    }
                    sb.append('"');
                }
                sb.append(']');
            }
        }
        if (f.message() != null) {
            sb.append(' ').append(f.message());
        }
        return sb.toString();
    }

    private static String nil(String s) {
        return s == null ? "-" : s;
    }
}
