package net.edgegw.aggregator.streams;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** clearAfter 60 s: a flapping condition stays one alarm, with at most one UPDATED per 60 s. */
class HysteresisTest {

    Fixture f;

    @BeforeEach
    void start() {
        f = new Fixture(Fixture.config(List.of(EventRuleTest.CISCO_LINK)));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aFlappingLinkIsOneAlarmWithBoundedUpdates() {
        long t0 = f.ms();
        for (int i = 0; i < 18; i++) { // down at 0, 10, ... 170 s; up 5 s after each
            f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 3,
                    "%LINK-3-UPDOWN: Interface Gi0/1, changed state to down"));
            f.advanceInSteps(Duration.ofSeconds(5));
            f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 5,
                    "%LINK-3-UPDOWN: Interface Gi0/1, changed state to up"));
            f.advanceInSteps(Duration.ofSeconds(5));
        }
        f.advanceInSteps(Duration.ofSeconds(60));
        String id = "device:site-1/rtr-1#Gi0/1:LINK_DOWN:" + t0;
        assertThat(f.alarmLines()).containsExactly(
                "RAISED " + id,
                "UPDATED " + id + " flaps=1",
                "UPDATED " + id + " flaps=7",
                "UPDATED " + id + " flaps=13",
                "CLEARED " + id + " flaps=17");
    }

    @Test
    void aSiteWhoseHeartbeatsComeAndGoStaysUnreachableUntilTheyKeepComingForRecoverAfter() {
        f.heartbeat("site-1", "gw-1");
        f.advanceInSteps(Duration.ofSeconds(30));
        String id = "site:site-1:UNREACHABLE:" + f.ms();
        f.heartbeat("site-1", "gw-1"); // one heartbeat, then silence again
        f.advanceInSteps(Duration.ofSeconds(30));
        f.heartbeat("site-1", "gw-1");
        f.advanceInSteps(Duration.ofSeconds(5));
        f.heartbeat("site-1", "gw-1");
        f.advanceInSteps(Duration.ofSeconds(5));
        assertThat(f.alarmLines()).containsExactly("RAISED " + id, "UPDATED " + id + " flaps=1");
        f.heartbeat("site-1", "gw-1"); // heartbeats for recoverAfter (10 s) now
        assertThat(f.alarmLines()).containsExactly(
                "CLEARED " + id + " flaps=1");
    }
}
