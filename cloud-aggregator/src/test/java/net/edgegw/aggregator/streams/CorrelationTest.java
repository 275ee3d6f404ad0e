package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.model.Alarm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * minSites 3, window 5 min, holdDown 30 s, correlation.clearAfter 2 min; unreachableAfter 30 s, recoverAfter 10 s.
 */
class CorrelationTest {

    Fixture f;

    @BeforeEach
    void start() {
        f = new Fixture(Fixture.config(List.of(EventRuleTest.CISCO_LINK)));
        for (String s : List.of("site-a", "site-b", "site-c", "site-d")) {
            f.topology(s, "north", "agg-1");
        }
        f.topology("site-x", "north", "agg-2");
        f.topology("site-y", "north", "agg-2");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void kSitesBehindOneUpstreamMakeOneIncidentWithLinkedSiteAlarmsLateJoinerAndClear() {
        for (String s : List.of("site-a", "site-b", "site-c")) {
            f.heartbeat(s, "gw-1");
        }
        f.advanceInSteps(Duration.ofSeconds(30));
        long t = f.ms();
        String inc = "upstream:agg-1:UNREACHABLE:" + t;
        List<Alarm> first = f.alarms();
        assertThat(first).extracting(Fixture::line).containsExactly(
                "RAISED " + inc + " [site-a, site-b, site-c]",
                "RAISED site:site-a:UNREACHABLE:" + t + " -> " + inc,
                "RAISED site:site-b:UNREACHABLE:" + t + " -> " + inc,
                "RAISED site:site-c:UNREACHABLE:" + t + " -> " + inc);
        Alarm incident = first.get(0);
        assertThat(incident.kind()).isEqualTo(Alarm.Kind.INCIDENT);
        assertThat(incident.scope()).isEqualTo(new Alarm.Scope(null, null, "agg-1", "north"));
        assertThat(incident.evidence().path("suspectedRootCause").asText()).isEqualTo("agg-1");
        f.advanceInSteps(Duration.ofSeconds(40)); // hold-down passes: nothing more
        assertThat(f.alarms()).isEmpty();

        // a late joiner behind the same upstream
        f.heartbeat("site-d", "gw-1");
        f.advanceInSteps(Duration.ofSeconds(30));
        long td = f.ms();
        assertThat(f.alarmLines()).containsExactly(
                "RAISED site:site-d:UNREACHABLE:" + td + " -> " + inc,
                "UPDATED " + inc + " [site-a, site-b, site-c, site-d]");

        // everyone back: site alarms clear after recoverAfter, the incident after correlation.clearAfter
        for (int i = 0; i < 3; i++) {
            for (String s : List.of("site-a", "site-b", "site-c", "site-d")) {
                f.heartbeat(s, "gw-1");
            }
            f.advanceInSteps(Duration.ofSeconds(5));
        }
        assertThat(f.alarmLines()).containsExactly(
                "CLEARED site:site-a:UNREACHABLE:" + t + " -> " + inc,
                "CLEARED site:site-b:UNREACHABLE:" + t + " -> " + inc,
                "CLEARED site:site-c:UNREACHABLE:" + t + " -> " + inc,
                "CLEARED site:site-d:UNREACHABLE:" + td + " -> " + inc);
        for (int i = 0; i < 24; i++) {
            for (String s : List.of("site-a", "site-b", "site-c", "site-d")) {
                f.heartbeat(s, "gw-1");
            }
            f.advanceInSteps(Duration.ofSeconds(5));
        }
        List<Alarm> end = f.alarms();
        assertThat(end).extracting(Fixture::line).containsExactly(
                "CLEARED " + inc + " [site-a, site-b, site-c, site-d]");
        assertThat(end.get(0).clearedAt()).isNotNull();
    }

    @Test
    void fewerThanKSitesArePublishedAloneAfterHoldDown() {
        f.heartbeat("site-x", "gw-1");
        f.heartbeat("site-y", "gw-1");
        f.heartbeat("site-z", "gw-1"); // no topology: no upstream, published at once
        f.advanceInSteps(Duration.ofSeconds(30));
        long t = f.ms();
        assertThat(f.alarmLines()).containsExactly("RAISED site:site-z:UNREACHABLE:" + t);
        f.advanceInSteps(Duration.ofSeconds(29));
        assertThat(f.alarms()).isEmpty();
        f.advanceInSteps(Duration.ofSeconds(1));
        assertThat(f.alarmLines()).containsExactly(
                "RAISED site:site-x:UNREACHABLE:" + t,
                "RAISED site:site-y:UNREACHABLE:" + t);
    }

    @Test
    void theSameRuleSignalAtKSitesCorrelatesAndAnAlarmClearedWithinHoldDownIsNeverPublished() {
        long t = f.ms();
        for (String s : List.of("site-a", "site-b")) {
            f.send("telemetry.syslog", f.syslog(s, "rtr-1", 3,
                    "%LINK-3-UPDOWN: Interface Te0/0, changed state to down"));
        }
        assertThat(f.alarms()).isEmpty();
        f.advance(Duration.ofSeconds(10));
        long tc = f.ms();
        f.send("telemetry.syslog", f.syslog("site-c", "rtr-1", 3,
                "%LINK-3-UPDOWN: Interface Te0/0, changed state to down"));
        String inc = "upstream:agg-1:LINK_DOWN:" + t;
        assertThat(f.alarmLines()).containsExactly(
                "RAISED " + inc + " [site-a, site-b, site-c]",
                "RAISED device:site-a/rtr-1#Te0/0:LINK_DOWN:" + t + " -> " + inc,
                "RAISED device:site-b/rtr-1#Te0/0:LINK_DOWN:" + t + " -> " + inc,
                "RAISED device:site-c/rtr-1#Te0/0:LINK_DOWN:" + tc + " -> " + inc);

        // behind agg-2 with clearAfter 60 s > holdDown 30 s nothing can clear within hold-down: count nothing
        assertThat(f.counters.get(HealthCounters.ALARMS_SUPPRESSED)).isZero();
    }
}
