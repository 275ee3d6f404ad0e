package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.config.AggregatorConfig.Match;
import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.RuleScope;
import net.edgegw.aggregator.model.Alarm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventRuleTest {

    static final Rule CISCO_LINK = new Rule("cisco-link-down", "LINK_DOWN", 3, RuleScope.DEVICE,
            Fixture.message("syslog", "%LINK-3-UPDOWN: Interface (?<interface>\\S+), changed state to down"),
            Fixture.message("syslog", "%LINK-3-UPDOWN: Interface (?<interface>\\S+), changed state to up"),
            null, null, "interface");
    static final Rule JUNIPER_LINK = new Rule("juniper-link-down", "LINK_DOWN", 3, RuleScope.DEVICE,
            Fixture.message("syslog", "SNMP_TRAP_LINK_DOWN: .*ifName (?<interface>[^,\\s]+)"),
            Fixture.message("syslog", "SNMP_TRAP_LINK_UP:(?:.*ifName (?<interface>[^,\\s]+))?"), null, null,
            "interface");
    static final Rule BGP_FLAP = new Rule("bgp-notification", "BGP_NOTIFICATION", 4, RuleScope.DEVICE,
            new Match("syslog", null, "^rtr-", null, "%BGP-3-NOTIFICATION", 3, null), null, null, null, null);

    Fixture f;

    @BeforeEach
    void start() {
        f = new Fixture(Fixture.config(List.of(CISCO_LINK, JUNIPER_LINK, BGP_FLAP)));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void linkDownRaisesPerInterfaceAndLinkUpClearsAfterClearAfter() {
        long down1 = f.ms();
        f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 3,
                "%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down"));
        f.advance(Duration.ofSeconds(1));
        long down2 = f.ms();
        f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 3,
                "%LINK-3-UPDOWN: Interface GigabitEthernet0/2, changed state to down"));
        // a repeat of an open condition changes nothing
        f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 3,
                "%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down"));
        String id1 = "device:site-1/rtr-1#GigabitEthernet0/1:LINK_DOWN:" + down1;
        String id2 = "device:site-1/rtr-1#GigabitEthernet0/2:LINK_DOWN:" + down2;
        assertThat(f.alarmLines()).containsExactly("RAISED " + id1, "RAISED " + id2);

        f.advance(Duration.ofSeconds(1));
        long up = f.ms();
        f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 5,
                "%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up"));
        f.advanceInSteps(Duration.ofSeconds(59));
        assertThat(f.alarms()).isEmpty();
        f.advanceInSteps(Duration.ofSeconds(1));
        List<Alarm> cleared = f.alarms();
        assertThat(cleared).extracting(Fixture::line).containsExactly("CLEARED " + id1);
        Alarm c = cleared.get(0);
        assertThat(c.clearedAt().toEpochMilli()).isEqualTo(up);
        assertThat(c.kind()).isEqualTo(Alarm.Kind.DEVICE);
        assertThat(c.scope()).isEqualTo(new Alarm.Scope("site-1", "rtr-1", null, null));
        assertThat(c.evidence().path("groups").path("interface").asText()).isEqualTo("GigabitEthernet0/1");
        assertThat(f.snapshot("site-1").activeAlarms()).containsExactly(id2);
    }

    @Test
    void juniperLinkDownAndUpWithoutTheKeyClearsEveryInterfaceOfTheDevice() {
        long t = f.ms();
        f.send("telemetry.syslog", f.syslog("site-2", "mx-1", 4,
                "mib2d[1234]: SNMP_TRAP_LINK_DOWN: ifIndex 526, ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/1"));
        assertThat(f.alarmLines()).containsExactly("RAISED device:site-2/mx-1#ge-0/0/1:LINK_DOWN:" + t);
        f.send("telemetry.syslog", f.syslog("site-2", "mx-1", 4, "mib2d[1234]: SNMP_TRAP_LINK_UP: all links"));
        f.send("telemetry.syslog", f.syslog("site-2", "mx-1", 4, "mib2d[1234]: SNMP_TRAP_LINK_UP: all links"));
        f.advanceInSteps(Duration.ofSeconds(60));
        assertThat(f.alarmLines()).containsExactly("CLEARED device:site-2/mx-1#ge-0/0/1:LINK_DOWN:" + t);
    }

    @Test
    void eventWithoutClearRuleStaysOpenForClearAfterAfterItsLastOccurrence() {
        long t = f.ms();
        f.send("telemetry.syslog", f.syslog("site-3", "rtr-9", 3,
                "%BGP-3-NOTIFICATION: sent to neighbor 10.0.0.1 4/0 (hold time expired)"));
        // does not match: host pattern and severityAtMost
        f.send("telemetry.syslog", f.syslog("site-3", "sw-1", 3, "%BGP-3-NOTIFICATION: sent"));
        f.send("telemetry.syslog", f.syslog("site-3", "rtr-9", 5, "%BGP-3-NOTIFICATION: sent"));
        String id = "device:site-3/rtr-9:BGP_NOTIFICATION:" + t;
        assertThat(f.alarmLines()).containsExactly("RAISED " + id);
        f.advanceInSteps(Duration.ofSeconds(59));
        assertThat(f.alarms()).isEmpty();
        f.advanceInSteps(Duration.ofSeconds(1));
        assertThat(f.alarmLines()).containsExactly("CLEARED " + id);
    }
}
