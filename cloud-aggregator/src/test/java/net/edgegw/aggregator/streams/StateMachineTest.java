package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.model.Alarm;
import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.SiteState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** unreachableAfter 30 s, recoverAfter 10 s, catchingUpBacklog 1000, clearAfter 60 s, check every 1 s. */
class StateMachineTest {

    Fixture f;

    @BeforeEach
    void start() {
        f = new Fixture(Fixture.config(List.of(EventRuleTest.CISCO_LINK)));
        f.topology("site-1", "north", null);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** Heartbeats every 5 s for {@code d}. */
    private void beat(Duration d) {
        for (long s = 0; s < d.toSeconds(); s += 5) {
            f.heartbeat("site-1", "gw-1");
            f.advanceInSteps(Duration.ofSeconds(5));
        }
    }

    @Test
    void unknownThenUpThenUnreachableThenRecoveredWithHysteresis() {
        f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 6, "hello"));
        assertThat(f.snapshot("site-1").state()).isEqualTo(SiteState.UNKNOWN);
        f.heartbeat("site-1", "gw-1");
        SiteSnapshot up = f.snapshot("site-1");
        assertThat(up.state()).isEqualTo(SiteState.UP);
        assertThat(up.region()).isEqualTo("north");
        assertThat(up.gateways()).containsOnlyKeys("gw-1");
        assertThat(up.gateways().get("gw-1").version()).isEqualTo("0.1.0");

        f.advanceInSteps(Duration.ofSeconds(29));
        assertThat(f.alarms()).isEmpty();
        f.advanceInSteps(Duration.ofSeconds(1));
        long lost = f.ms();
        String id = "site:site-1:UNREACHABLE:" + lost;
        List<Alarm> raised = f.alarms();
        assertThat(raised).extracting(Fixture::line).containsExactly("RAISED " + id);
        assertThat(raised.get(0).severity()).isEqualTo(2);
        assertThat(raised.get(0).scope().region()).isEqualTo("north");
        assertThat(f.snapshot("site-1").state()).isEqualTo(SiteState.UNREACHABLE);
        assertThat(f.snapshot("site-1").activeAlarms()).containsExactly(id);

        // heartbeats again: still UNREACHABLE until they kept coming for recoverAfter (10 s)
        long back = f.ms() + 10_000;
        f.advance(Duration.ofSeconds(10));
        beat(Duration.ofSeconds(5));
        assertThat(f.snapshot("site-1").state()).isEqualTo(SiteState.UNREACHABLE);
        beat(Duration.ofSeconds(5));
        assertThat(f.alarms()).isEmpty();
        f.heartbeat("site-1", "gw-1"); // the heartbeats span recoverAfter now
        List<Alarm> cleared = f.alarms();
        assertThat(cleared).extracting(Fixture::line).containsExactly("CLEARED " + id);
        assertThat(cleared.get(0).clearedAt().toEpochMilli()).isEqualTo(back);
        assertThat(f.snapshot("site-1").state()).isEqualTo(SiteState.UP);
        assertThat(f.snapshot("site-1").activeAlarms()).isEmpty();
    }

    @Test
    void catchingUpWithEtaThenUp() {
        f.heartbeat("site-1", "gw-1", 5000, 100.0, 0);
        SiteSnapshot s = f.snapshot("site-1");
        assertThat(s.state()).isEqualTo(SiteState.CATCHING_UP);
        assertThat(s.backlogRecords()).isEqualTo(5000);
        assertThat(s.catchUpEtaSeconds()).isEqualTo(50L);
        f.advance(Duration.ofSeconds(5));
        f.heartbeat("site-1", "gw-2", 0, 0, 0); // a second gateway counts too
        f.heartbeat("site-1", "gw-1", 999, 100.0, 0);
        s = f.snapshot("site-1");
        assertThat(s.state()).isEqualTo(SiteState.UP);
        assertThat(s.backlogRecords()).isEqualTo(999);
        assertThat(s.catchUpEtaSeconds()).isNull();
        assertThat(s.gateways()).containsOnlyKeys("gw-1", "gw-2");
        assertThat(f.alarms()).isEmpty();
    }

    @Test
    void degradedWhileAnAlarmAtDegradedSeverityIsOpen() {
        f.heartbeat("site-1", "gw-1");
        f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 3,
                "%LINK-3-UPDOWN: Interface Gi0/1, changed state to down"));
        assertThat(f.snapshot("site-1").state()).isEqualTo(SiteState.DEGRADED);
    }

    @Test
    void droppedGrowthRaisesDataLossWithTheCountsAndClearsAfterClearAfter() {
        f.heartbeat("site-1", "gw-1", 0, 0, 5); // baseline: loss before we knew the gateway
        assertThat(f.alarms()).isEmpty();
        f.advance(Duration.ofSeconds(5));
        long t = f.ms();
        f.heartbeat("site-1", "gw-1", 0, 0, 17);
        List<Alarm> raised = f.alarms();
        String id = "site:site-1:DATA_LOSS:" + t;
        assertThat(raised).extracting(Fixture::line).containsExactly("RAISED " + id);
        assertThat(raised.get(0).evidence().path("lost").asLong()).isEqualTo(12);
        assertThat(raised.get(0).evidence().path("droppedTotal").asLong()).isEqualTo(17);
        assertThat(raised.get(0).evidence().path("overflow").asLong()).isEqualTo(17);
        assertThat(f.snapshot("site-1").droppedTotal()).isEqualTo(17);
        f.advance(Duration.ofSeconds(5));
        f.heartbeat("site-1", "gw-1", 0, 0, 17);
        for (int i = 0; i < 12; i++) {
            f.advanceInSteps(Duration.ofSeconds(5));
            f.heartbeat("site-1", "gw-1", 0, 0, 17);
        }
        assertThat(f.alarmLines()).containsExactly("CLEARED " + id);
    }

    /**
     * An aggregator restarted with a backlog reads its input at 1/8 of real time: a site's heartbeats (every 5 s of
     * data) reach it only every 40 s of wall clock. Sites whose heartbeats keep coming in the data are not called
     * UNREACHABLE (before: all of them were, 30 s after the start); a site whose heartbeats stopped in the data is,
     * once the data read runs 30 s past its last heartbeat. Once caught up, silence is judged on the wall clock again.
     */
    @Test
    void anAggregatorBehindOnItsInputOnlyCallsSitesUnreachableThatAreSilentInTheData() {
        java.time.Instant backlogStart = f.now().minusSeconds(60);
        f.heartbeatSentAt("site-c", "gw-1", backlogStart);
        java.time.Instant dataNow = backlogStart;
        for (int w = 0; w < 400; w++) {
            dataNow = backlogStart.plusMillis(w * 125L);
            f.send("telemetry.syslog", f.syslogAt("site-a", "rtr-1", "backlog " + w, dataNow));
            if (w % 40 == 0) {
                f.heartbeatSentAt("site-a", "gw-1", dataNow);
                f.heartbeatSentAt("site-b", "gw-1", dataNow);
            }
            f.advance(Duration.ofSeconds(1));
            SiteState c = f.snapshot("site-c").state();
            if (w < 239) {
                assertThat(c).as("site-c at wall second %d (data %d s after its heartbeat)", w, w / 8)
                        .isNotEqualTo(SiteState.UNREACHABLE);
            }
            if (w >= 241) {
                assertThat(c).as("site-c at wall second %d", w).isEqualTo(SiteState.UNREACHABLE);
            }
            assertThat(f.snapshot("site-a").state()).as("site-a at wall second %d", w).isEqualTo(SiteState.UP);
            assertThat(f.snapshot("site-b").state()).as("site-b at wall second %d", w).isEqualTo(SiteState.UP);
        }
        // caught up: live heartbeats of site-a and site-b, then site-b stops
        for (int i = 0; i < 6; i++) {
            f.heartbeat("site-a", "gw-1");
            f.heartbeat("site-b", "gw-1");
            f.advanceInSteps(Duration.ofSeconds(5));
        }
        long bLast = f.ms() - 5_000;
        for (int i = 0; i < 8; i++) {
            f.heartbeat("site-a", "gw-1");
            f.advanceInSteps(Duration.ofSeconds(5));
        }
        assertThat(f.snapshot("site-a").state()).isEqualTo(SiteState.UP);
        assertThat(f.snapshot("site-b").state()).isEqualTo(SiteState.UNREACHABLE);
        List<Alarm> raised = f.alarms().stream().filter(a -> a.state() == Alarm.State.RAISED).toList();
        assertThat(raised).extracting(a -> a.scope().site()).containsExactly("site-c", "site-b");
        assertThat(raised.get(1).raisedAt().toEpochMilli()).as("30 s after site-b's last heartbeat")
                .isEqualTo(bLast + 30_000);
    }
}
