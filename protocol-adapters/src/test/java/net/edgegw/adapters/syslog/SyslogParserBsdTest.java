package net.edgegw.adapters.syslog;

import net.edgegw.core.SyslogFields;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** RFC 3164/BSD and vendor variants; received "now" is 2024-06-15T12:00:00Z unless a test says otherwise. */
class SyslogParserBsdTest {

    private static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");
    private final SyslogParser parser = new SyslogParser();

    private ParsedSyslog parse(String s) {
        ParsedSyslog r = parser.parse(s, NOW);
        assertThat(r.isMalformed()).as("malformed: %s", r.error()).isFalse();
        return r;
    }

    @Test
    void rfc3164Example1() {
        ParsedSyslog r = parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
        assertThat(r.fields()).isEqualTo(new SyslogFields(4, 2, null, "Oct 11 22:14:15", "mymachine", "su", null, null,
                Map.of(), "'su root' failed for lonvick on /dev/pts/8"));
        // Oct 11 would be months in the future in June 2024: it is last year's
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2023-10-11T22:14:15Z"));
        assertThat(r.attributes()).isEmpty();
    }

    @Test
    void rfc3164Example2WithoutPriOrHeader() {
        ParsedSyslog r = parse("Use the BFG!");
        assertThat(r.fields()).isEqualTo(new SyslogFields(1, 5, null, null, null, null, null, null, Map.of(), "Use the BFG!"));
        assertThat(r.eventTime()).isNull();
    }

    @Test
    void rfc3164Example3ZoneWordIsTheHostnameAsTheRfcSays() {
        ParsedSyslog r = parse("<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  "
                + "Ingredients: Mix=OK, Jelly=OK # Devices: Mixer=OK, Jelly_Injector=OK, Frier=OK # Transport: "
                + "Conveyer1=OK, Conveyer2=OK # %%");
        assertThat(r.fields().facility()).isEqualTo(20);
        assertThat(r.fields().timestamp()).isEqualTo("Aug 24 05:34:00");
        assertThat(r.fields().hostname()).isEqualTo("CST");
        assertThat(r.fields().appName()).isNull();
        assertThat(r.fields().message()).startsWith("1987 mymachine myproc[10]: %% It's time");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2023-08-24T05:34:00Z"));
    }

    @Test
    void rfc3164Example4YearFirst() {
        ParsedSyslog r = parse("<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!");
        assertThat(r.fields().timestamp()).isEqualTo("1990 Oct 22 10:52:01");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("1990-10-22T10:52:01Z"));
        assertThat(r.fields().hostname()).isEqualTo("TZ-6");
        assertThat(r.fields().message()).isEqualTo("scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!");
    }

    @Test
    void spacePaddedDayAndTagWithPid() {
        ParsedSyslog r = parse("<13>Oct  3 08:09:10 host app[123]: hello");
        assertThat(r.fields()).isEqualTo(new SyslogFields(1, 5, null, "Oct  3 08:09:10", "host", "app", "123", null,
                Map.of(), "hello"));
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2023-10-03T08:09:10Z"));
    }

    @Test
    void zeroPaddedAndBareDays() {
        assertThat(parse("<13>Jun 05 08:09:10 h a: m").eventTime()).isEqualTo(Instant.parse("2024-06-05T08:09:10Z"));
        assertThat(parse("<13>Jun 5 08:09:10 h a: m").eventTime()).isEqualTo(Instant.parse("2024-06-05T08:09:10Z"));
    }

    @Test
    void missingHostname() {
        ParsedSyslog r = parse("<13>Jun 15 11:59:00 sshd[42]: Accepted publickey for root");
        assertThat(r.fields()).isEqualTo(new SyslogFields(1, 5, null, "Jun 15 11:59:00", null, "sshd", "42", null,
                Map.of(), "Accepted publickey for root"));
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-06-15T11:59:00Z"));
        assertThat(parse("<13>Jun 15 11:59:00 cron: job done").fields().appName()).isEqualTo("cron");
        assertThat(parse("<13>Jun 15 11:59:00 - cron: job done").fields().hostname()).isNull();
    }

    @Test
    void tagWithoutHeaderAndPathTag() {
        ParsedSyslog r = parse("<30>/usr/sbin/cron[811]: (root) CMD (run-parts)");
        assertThat(r.fields().appName()).isEqualTo("/usr/sbin/cron");
        assertThat(r.fields().procId()).isEqualTo("811");
        assertThat(r.fields().hostname()).isNull();
        assertThat(r.fields().message()).isEqualTo("(root) CMD (run-parts)");
    }

    @Test
    void plainTextAfterTimestampFollowsTheRfc() {
        ParsedSyslog r = parse("<13>Jun 15 11:00:00 hello world");
        assertThat(r.fields().hostname()).isEqualTo("hello");
        assertThat(r.fields().message()).isEqualTo("world");
    }

    @Test
    void ipv6Hostname() {
        ParsedSyslog r = parse("<13>Jun 15 11:00:00 2001:db8::1 app: x");
        assertThat(r.fields().hostname()).isEqualTo("2001:db8::1");
        assertThat(r.fields().appName()).isEqualTo("app");
    }

    @Test
    void rfc3339TimestampInBsdHeader() {
        ParsedSyslog r = parse("<13>2024-06-15T11:00:00.123+02:00 web01 nginx: GET /");
        assertThat(r.fields()).isEqualTo(new SyslogFields(1, 5, null, "2024-06-15T11:00:00.123+02:00", "web01", "nginx",
                null, null, Map.of(), "GET /"));
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-06-15T09:00:00.123Z"));
    }

    @Test
    void missingYearIsResolvedAroundNewYear() {
        assertThat(parser.parse("<13>Dec 31 23:59:59 h a: m", Instant.parse("2024-01-01T00:00:05Z")).eventTime())
                .isEqualTo(Instant.parse("2023-12-31T23:59:59Z"));
        assertThat(parser.parse("<13>Jan  1 00:00:01 h a: m", Instant.parse("2023-12-31T23:59:59Z")).eventTime())
                .isEqualTo(Instant.parse("2024-01-01T00:00:01Z"));
        assertThat(parse("<13>Jun 20 10:00:00 h a: m").eventTime()).isEqualTo(Instant.parse("2024-06-20T10:00:00Z"));
        assertThat(parse("<13>Jun 25 10:00:00 h a: m").eventTime()).isEqualTo(Instant.parse("2023-06-25T10:00:00Z"));
    }

    @Test
    void february29WithoutYear() {
        assertThat(parse("<13>Feb 29 10:00:00 h a: m").eventTime()).isEqualTo(Instant.parse("2024-02-29T10:00:00Z"));
        ParsedSyslog r = parser.parse("<13>Feb 29 10:00:00 h a: m", Instant.parse("2023-06-15T00:00:00Z"));
        assertThat(r.eventTime()).isNull();
        assertThat(r.fields().timestamp()).isEqualTo("Feb 29 10:00:00");
    }

    @Test
    void configuredZoneAppliesToZoneLessTimestamps() {
        SyslogParser paris = new SyslogParser(ZoneId.of("Europe/Paris"));
        assertThat(paris.parse("<13>Jun 15 10:00:00 h a: m", NOW).eventTime()).isEqualTo(Instant.parse("2024-06-15T08:00:00Z"));
        assertThat(paris.parse("<13>Jan 15 10:00:00 h a: m", NOW).eventTime()).isEqualTo(Instant.parse("2024-01-15T09:00:00Z"));
        // an explicit UTC word wins over the zone
        assertThat(paris.parse("<189>1: Jun 15 10:00:00.5 UTC: %SYS-5-X: y", NOW).eventTime())
                .isEqualTo(Instant.parse("2024-06-15T10:00:00.500Z"));
    }

    @Test
    void ciscoIosUnsynchronisedClock() {
        ParsedSyslog r = parse("<189>123: *Mar  1 00:01:02.345: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
        assertThat(r.fields()).isEqualTo(new SyslogFields(23, 5, null, "*Mar  1 00:01:02.345", null, null, null, null,
                Map.of(), "%LINK-3-UPDOWN: Interface Gi0/1, changed state to down"));
        assertThat(r.eventTime()).isNull();
        assertThat(r.attributes()).containsExactly(entry("cisco.seq", "123"), entry("cisco.clock", "not-authoritative"),
                entry("cisco.facility", "LINK"), entry("cisco.severity", "3"), entry("cisco.mnemonic", "UPDOWN"));
    }

    @Test
    void ciscoIosWithYearMillisAndUtc() {
        ParsedSyslog r = parse("<189>124: Mar  1 2024 00:01:02.345 UTC: %SYS-5-CONFIG_I: Configured from console by admin on vty0");
        assertThat(r.fields().timestamp()).isEqualTo("Mar  1 2024 00:01:02.345 UTC");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-03-01T00:01:02.345Z"));
        assertThat(r.fields().message()).isEqualTo("%SYS-5-CONFIG_I: Configured from console by admin on vty0");
        assertThat(r.attributes()).containsExactly(entry("cisco.seq", "124"), entry("cisco.facility", "SYS"),
                entry("cisco.severity", "5"), entry("cisco.mnemonic", "CONFIG_I"));
    }

    @Test
    void ciscoIosNtpUnsynchronisedKeepsTheTimeAndZoneWord() {
        ParsedSyslog r = parse("<187>55: .Jun 14 10:00:00.000 CET: %LINEPROTO-5-UPDOWN: Line protocol on Interface Gi0/2, changed state to up");
        assertThat(r.fields().timestamp()).isEqualTo(".Jun 14 10:00:00.000 CET");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-06-14T10:00:00Z"));
        assertThat(r.attributes()).contains(entry("cisco.clock", "ntp-unsynchronized"), entry("cisco.facility", "LINEPROTO"),
                entry("cisco.mnemonic", "UPDOWN"));
    }

    @Test
    void ciscoWithBsdHeaderHostnameAndSequence() {
        ParsedSyslog r = parse("<189>Jun 15 11:00:00 router1 123: *Mar  1 00:01:02.345: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
        assertThat(r.fields().hostname()).isEqualTo("router1");
        assertThat(r.fields().timestamp()).isEqualTo("Jun 15 11:00:00");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-06-15T11:00:00Z"));
        assertThat(r.fields().message()).isEqualTo("%LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
        assertThat(r.attributes()).containsExactly(entry("cisco.seq", "123"), entry("cisco.timestamp", "*Mar  1 00:01:02.345"),
                entry("cisco.clock", "not-authoritative"), entry("cisco.facility", "LINK"), entry("cisco.severity", "3"),
                entry("cisco.mnemonic", "UPDOWN"));
    }

    @Test
    void ciscoHostnameSequencePrefixWithoutHeader() {
        ParsedSyslog r = parse("<189>router1 123: *Mar  1 00:01:02.345: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
        assertThat(r.fields().hostname()).isEqualTo("router1");
        assertThat(r.fields().timestamp()).isEqualTo("*Mar  1 00:01:02.345");
        assertThat(r.attributes()).containsEntry("cisco.seq", "123").containsEntry("cisco.mnemonic", "UPDOWN");
        assertThat(r.fields().message()).startsWith("%LINK-3-UPDOWN:");
    }

    @Test
    void ciscoOriginIdHostname() {
        ParsedSyslog r = parse("<189>123: router1: *Mar  1 00:01:02.345: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
        assertThat(r.fields().hostname()).isEqualTo("router1");
        assertThat(r.attributes()).containsEntry("cisco.seq", "123").containsEntry("cisco.facility", "LINK");
    }

    @Test
    void ciscoUptimeStamps() {
        ParsedSyslog a = parse("<189>45: 00:00:46: %LINK-3-UPDOWN: Interface Gi0/1, changed state to up");
        assertThat(a.fields().timestamp()).isNull();
        assertThat(a.attributes()).containsEntry("cisco.uptime", "00:00:46").containsEntry("cisco.seq", "45")
                .containsEntry("cisco.mnemonic", "UPDOWN");
        ParsedSyslog b = parse("<189>46: 1w2d: %SYS-5-RESTART: System restarted");
        assertThat(b.attributes()).containsEntry("cisco.uptime", "1w2d").containsEntry("cisco.facility", "SYS");
        assertThat(b.fields().hostname()).isNull();
    }

    @Test
    void ciscoWithoutSequenceOrTimestamp() {
        ParsedSyslog r = parse("<189>%LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
        assertThat(r.attributes()).containsExactly(entry("cisco.facility", "LINK"), entry("cisco.severity", "3"),
                entry("cisco.mnemonic", "UPDOWN"));
    }

    @Test
    void ciscoAsa() {
        ParsedSyslog r = parse("<166>Jan 01 2024 10:00:00 fw01 : %ASA-6-302013: Built outbound TCP connection 1 for outside:1.2.3.4/443");
        assertThat(r.fields().hostname()).isEqualTo("fw01");
        assertThat(r.fields().timestamp()).isEqualTo("Jan 01 2024 10:00:00");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-01-01T10:00:00Z"));
        assertThat(r.fields().message()).isEqualTo("%ASA-6-302013: Built outbound TCP connection 1 for outside:1.2.3.4/443");
        assertThat(r.attributes()).containsExactly(entry("cisco.facility", "ASA"), entry("cisco.severity", "6"),
                entry("cisco.mnemonic", "302013"));
        assertThat(parse("<166>%ASA-4-106023: Deny tcp src").attributes()).containsEntry("cisco.mnemonic", "106023");
    }

    @Test
    void ciscoNxOs() {
        ParsedSyslog r = parse("<189>: 2024 Mar  1 00:01:02 UTC: %ETHPORT-5-IF_DOWN_LINK_FAILURE: Interface Ethernet1/1 is down");
        assertThat(r.fields().timestamp()).isEqualTo("2024 Mar  1 00:01:02 UTC");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-03-01T00:01:02Z"));
        assertThat(r.attributes()).containsExactly(entry("cisco.facility", "ETHPORT"), entry("cisco.severity", "5"),
                entry("cisco.mnemonic", "IF_DOWN_LINK_FAILURE"));
    }

    @Test
    void ciscoIosXr() {
        ParsedSyslog r = parse("<187>1234: RP/0/RSP0/CPU0:Mar  1 00:01:02.345 UTC: ifmgr[123]: %PKT_INFRA-LINK-3-UPDOWN : "
                + "Interface GigabitEthernet0/0/0/0, changed state to Down");
        assertThat(r.fields().timestamp()).isEqualTo("Mar  1 00:01:02.345 UTC");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-03-01T00:01:02.345Z"));
        assertThat(r.fields().appName()).isEqualTo("ifmgr");
        assertThat(r.fields().procId()).isEqualTo("123");
        assertThat(r.attributes()).containsExactly(entry("cisco.seq", "1234"), entry("cisco.node", "RP/0/RSP0/CPU0"),
                entry("cisco.facility", "PKT_INFRA-LINK"), entry("cisco.severity", "3"), entry("cisco.mnemonic", "UPDOWN"));
    }

    @Test
    void juniperMsgId() {
        ParsedSyslog r = parse("<28>Mar 10 12:00:00 router1 mib2d[1234]: SNMP_TRAP_LINK_DOWN: ifIndex 500, ifAdminStatus up(1), "
                + "ifOperStatus down(2), ifName ge-0/0/0");
        assertThat(r.fields()).isEqualTo(new SyslogFields(3, 4, null, "Mar 10 12:00:00", "router1", "mib2d", "1234",
                "SNMP_TRAP_LINK_DOWN", Map.of(), "SNMP_TRAP_LINK_DOWN: ifIndex 500, ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/0"));
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-03-10T12:00:00Z"));
        assertThat(parse("<28>Mar 10 12:00:00 router1 app: NOTATAG: x").fields().msgId()).isNull();
    }

    @Test
    void keyValueBodyWithoutHeader() {
        String line = "date=2024-01-01 time=10:00:00 devname=FW01 type=traffic subtype=forward srcip=10.0.0.1 "
                + "msg=\"hello \\\"world\\\"\" action=accept";
        ParsedSyslog r = parse(line);
        assertThat(r.fields().facility()).isEqualTo(1);
        assertThat(r.fields().severity()).isEqualTo(5);
        assertThat(r.fields().hostname()).isEqualTo("FW01");
        assertThat(r.fields().message()).isEqualTo(line);
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-01-01T10:00:00Z"));
        assertThat(r.attributes()).containsExactly(entry("kv.date", "2024-01-01"), entry("kv.time", "10:00:00"),
                entry("kv.devname", "FW01"), entry("kv.type", "traffic"), entry("kv.subtype", "forward"),
                entry("kv.srcip", "10.0.0.1"), entry("kv.msg", "hello \"world\""), entry("kv.action", "accept"));
    }

    @Test
    void keyValueBodyWithPriQuotedDevnameAndTz() {
        ParsedSyslog r = parse("<189>date=2024-01-01 time=10:00:00 devname=\"FW01\" tz=\"+0100\" logid=\"0000000013\" x y=");
        assertThat(r.fields().hostname()).isEqualTo("FW01");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-01-01T09:00:00Z"));
        assertThat(r.attributes()).containsEntry("kv.logid", "0000000013").containsEntry("kv.y", "").doesNotContainKey("kv.x");
        assertThat(parse("<134>hostname=gw2 action=drop").fields().hostname()).isEqualTo("gw2");
    }

    @Test
    void keyValueBodyAfterBsdHeaderKeepsHeaderHostAndTime() {
        ParsedSyslog r = parse("<134>Jun 15 11:00:00 fw-a devname=FW01 action=drop");
        assertThat(r.fields().hostname()).isEqualTo("fw-a");
        assertThat(r.eventTime()).isEqualTo(Instant.parse("2024-06-15T11:00:00Z"));
        assertThat(r.attributes()).containsExactly(entry("kv.devname", "FW01"), entry("kv.action", "drop"));
    }

    @Test
    void bomBeforeBsdContentIsStripped() {
        assertThat(parse("<13>Jun 15 11:00:00 h app: \uFEFFtext").fields().message()).isEqualTo("text");
    }

    @Test
    void priOnlyAndOddInputsAreAccepted() {
        assertThat(parse("<13>").fields().message()).isNull();
        assertThat(parse("<13>   ").fields().message()).isNull();
        assertThat(parse("<13>Jun 15 11:00:00").fields().timestamp()).isEqualTo("Jun 15 11:00:00");
        assertThat(parse("<13>Jun 15 11:00:00 hostonly").fields().hostname()).isEqualTo("hostonly");
        assertThat(parse("<13>Jun 99 11:00:00 h a: m").fields().timestamp()).isNull();
        assertThat(parse("<13>12: x").attributes()).containsEntry("cisco.seq", "12");
        assertThat(parse("<13>%NOT-A-CODE").attributes()).isEmpty();
        assertThat(parse("<13>%A-9-B: sev 9").attributes()).isEmpty();
    }
}
