package net.edgegw.adapters.syslog;

import net.edgegw.core.SyslogFields;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SyslogParserRfc5424Test {

    private static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");
    private static final String BOM = "\uFEFF";
    private final SyslogParser parser = new SyslogParser();

    private ParsedSyslog parse(String s) {
        return parser.parse(s, NOW);
    }

    @Test
    void rfc5424Example1WithBomAndNoStructuredData() {
        ParsedSyslog r = parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - " + BOM
                + "'su root' failed for lonvick on /dev/pts/8");
        assertThat(r.isMalformed()).isFalse();
        assertThat(r.fields()).isEqualTo(new SyslogFields(4, 2, 1, "2003-10-11T22:14:15.003Z", "mymachine.example.com",
                "su", null, "ID47", Map.of(), "'su root' failed for lonvick on /dev/pts/8"));
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
        assertThat(r.attributes()).isEmpty();
    }

    @Test
    void rfc5424Example2WithMicrosecondsAndNegativeOffset() {
        ParsedSyslog r = parse("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.");
        assertThat(r.fields()).isEqualTo(new SyslogFields(20, 5, 1, "2003-08-24T05:14:15.000003-07:00", "192.0.2.1",
                "myproc", "8710", null, Map.of(), "%% It's time to make the do-nuts."));
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2003-08-24T12:14:15.000003Z"));
    }

    @Test
    void rfc5424Example3WithStructuredDataAndMessage() {
        ParsedSyslog r = parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
                + BOM + "An application event log entry...");
        SyslogFields f = r.fields();
        assertThat(f.facility()).isEqualTo(20);
        assertThat(f.severity()).isEqualTo(5);
        assertThat(f.appName()).isEqualTo("evntslog");
        assertThat(f.procId()).isNull();
        assertThat(f.msgId()).isEqualTo("ID47");
        assertThat(f.structuredData()).containsExactly(Map.entry("exampleSDID@32473",
                Map.of("iut", "3", "eventSource", "Application", "eventID", "1011")));
        assertThat(f.structuredData().get("exampleSDID@32473").keySet()).containsExactly("iut", "eventSource", "eventID");
        assertThat(f.message()).isEqualTo("An application event log entry...");
    }

    @Test
    void rfc5424Example4WithTwoElementsAndNoMessage() {
        ParsedSyslog r = parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]");
        SyslogFields f = r.fields();
        assertThat(f.structuredData().keySet()).containsExactly("exampleSDID@32473", "examplePriority@32473");
        assertThat(f.structuredData().get("examplePriority@32473")).isEqualTo(Map.of("class", "high"));
        assertThat(f.message()).isNull();
    }

    @Test
    void allNilValues() {
        ParsedSyslog r = parse("<0>1 - - - - - -");
        assertThat(r.fields()).isEqualTo(new SyslogFields(0, 0, 1, null, null, null, null, null, Map.of(), null));
        assertThat(r.eventTime()).isNull();
    }

    @Test
    void escapesInParamValuesAreResolved() {
        ParsedSyslog r = parse("<13>1 - h a - - [x@1 v=\"a\\\"b\\\\c\\]d\\ne\" w=\"\\\\\"] m");
        assertThat(r.fields().structuredData().get("x@1"))
                .containsEntry("v", "a\"b\\c]d\\ne")
                .containsEntry("w", "\\");
        assertThat(r.fields().message()).isEqualTo("m");
    }

    @Test
    void closingBracketAndUtf8InsideQuotedValue() {
        ParsedSyslog r = parse("<13>1 - h a - - [x@1 v=\"ü]ß\"] text ü");
        assertThat(r.fields().structuredData().get("x@1")).containsEntry("v", "ü]ß");
        assertThat(r.fields().message()).isEqualTo("text ü");
    }

    @Test
    void repeatedParamNamesAreJoinedAndRepeatedElementsMerged() {
        ParsedSyslog r = parse("<13>1 - h a - - [origin ip=\"10.0.0.1\" ip=\"10.0.0.2\"][meta a=\"1\"][origin software=\"x\"]");
        assertThat(r.fields().structuredData()).containsExactly(
                Map.entry("origin", Map.of("ip", "10.0.0.1,10.0.0.2", "software", "x")),
                Map.entry("meta", Map.of("a", "1")));
    }

    @Test
    void timestampOffsetsAndFractions() {
        assertThat(parse("<13>1 2024-02-29T23:59:59+05:30 h a p m -").eventTime())
                .isEqualTo(Instant.parse("2024-02-29T18:29:59Z"));
        assertThat(parse("<13>1 2024-01-01T00:00:00.1Z h a p m -").eventTime())
                .isEqualTo(Instant.parse("2024-01-01T00:00:00.100Z"));
        assertThat(parse("<13>1 2024-01-01T00:00:00.123456Z h a p m -").eventTime())
                .isEqualTo(Instant.parse("2024-01-01T00:00:00.123456Z"));
        assertThat(parse("<13>1 1985-04-12T23:20:50.52Z h a p m -").eventTime())
                .isEqualTo(Instant.parse("1985-04-12T23:20:50.520Z"));
    }

    @Test
    void unparseableTimestampKeepsTextAndNullEventTime() {
        ParsedSyslog r = parse("<13>1 2003-13-11T22:14:15Z h a p m - msg");
        assertThat(r.isMalformed()).isFalse();
        assertThat(r.fields().timestamp()).isEqualTo("2003-13-11T22:14:15Z");
        assertThat(r.eventTime()).isNull();
        assertThat(r.fields().message()).isEqualTo("msg");
        assertThat(parse("<13>1 2023-02-29T00:00:00Z h a p m -").eventTime()).isNull();
        assertThat(parse("<13>1 2023-01-01T00:00:60Z h a p m -").eventTime()).isNull();
    }

    @Test
    void zoneLessTimestampUsesTheConfiguredZone() {
        SyslogParser paris = new SyslogParser(ZoneId.of("Europe/Paris"));
        assertThat(paris.parse("<13>1 2024-07-01T10:00:00 h a p m -", NOW).eventTime())
                .isEqualTo(Instant.parse("2024-07-01T08:00:00Z"));
        assertThat(parser.parse("<13>1 2024-07-01T10:00:00 h a p m -", NOW).eventTime())
                .isEqualTo(Instant.parse("2024-07-01T10:00:00Z"));
    }

    @Test
    void trailingNewlinesAreNotPartOfTheMessage() {
        assertThat(parse("<13>1 - h a p m - hello\r\n").fields().message()).isEqualTo("hello");
        assertThat(parse("<13>1 - h a p m - \n").fields().message()).isNull();
    }

    @Test
    void messageMayContainNewlinesAndStartWithSpace() {
        assertThat(parse("<13>1 - h a p m -  two\nlines").fields().message()).isEqualTo(" two\nlines");
    }

    @Test
    void invalidUtf8IsReplacedNotRejected() {
        byte[] head = "<13>1 - h a p m - bad ".getBytes(StandardCharsets.US_ASCII);
        byte[] msg = new byte[head.length + 2];
        System.arraycopy(head, 0, msg, 0, head.length);
        msg[head.length] = (byte) 0xC3;
        msg[head.length + 1] = (byte) 0x28;
        ParsedSyslog r = parser.parse(msg, NOW);
        assertThat(r.isMalformed()).isFalse();
        assertThat(r.fields().message()).isEqualTo("bad \uFFFD(");
    }

    @Test
    void parsesASliceOfALargerArray() {
        byte[] all = "xxxx<34>1 - h a p m - slice!yyyy".getBytes(StandardCharsets.US_ASCII);
        ParsedSyslog r = parser.parse(all, 4, all.length - 8, NOW);
        assertThat(r.fields().hostname()).isEqualTo("h");
        assertThat(r.fields().message()).isEqualTo("slice!");
    }

    @Test
    void brokenStructuredDataFallsBackToBsd() {
        ParsedSyslog r = parse("<13>1 2003-10-11T22:14:15Z host app - - [unterminated a=\"1\" rest");
        assertThat(r.isMalformed()).isFalse();
        assertThat(r.fields().version()).isNull();
        assertThat(r.fields().message()).isEqualTo("1 2003-10-11T22:14:15Z host app - - [unterminated a=\"1\" rest");
        ParsedSyslog missing = parse("<13>1 2003-10-11T22:14:15Z host app");
        assertThat(missing.fields().version()).isNull();
        ParsedSyslog glued = parse("<13>1 - h a p m [x a=\"1\"]glued");
        assertThat(glued.fields().version()).isNull();
    }

    @Test
    void invalidPriIsMalformed() {
        assertThat(parse("<999>1 - - - - - -").error()).contains("<999>");
        assertThat(parse("<192>hello").isMalformed()).isTrue();
        assertThat(parse("<1234>hello").isMalformed()).isTrue();
        assertThat(parse("<>hello").isMalformed()).isTrue();
        assertThat(parse("<abc>hello").isMalformed()).isTrue();
        assertThat(parse("<13").isMalformed()).isTrue();
        assertThat(parse("").error()).isEqualTo("empty message");
        assertThat(parse("\r\n").isMalformed()).isTrue();
        assertThat(parse("<191>1 - - - - - -").fields().facility()).isEqualTo(23);
    }

    @Test
    void hostAndNamesAreReusedAcrossMessages() {
        ParsedSyslog a = parse("<13>1 - myhost app - ID1 [sd@1 k=\"v\"] m");
        ParsedSyslog b = parse("<13>1 - myhost app - ID1 [sd@1 k=\"w\"] m");
        assertThat(b.fields().hostname()).isSameAs(a.fields().hostname());
        assertThat(b.fields().structuredData().keySet().iterator().next())
                .isSameAs(a.fields().structuredData().keySet().iterator().next());
    }
}
