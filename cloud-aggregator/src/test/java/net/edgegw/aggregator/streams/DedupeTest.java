package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.core.Envelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DedupeTest {

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
    void theSameIdDirectAndMirroredCountsOnceAndRaisesOnce() {
        Envelope down = f.syslog("site-1", "rtr-1", 3,
                "%LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
        f.send("telemetry.syslog", down);
        f.send("regional.telemetry.syslog", down);   // MirrorMaker 2 remote topic
        f.send("telemetry.syslog", down);            // at-least-once retry
        Envelope info = f.syslog("site-1", "rtr-1", 6, "hello");
        f.send("dc-2.telemetry.syslog", info);
        f.send("telemetry.syslog", info);
        assertThat(f.alarmLines()).containsExactly(
                "RAISED device:site-1/rtr-1#Gi0/1:LINK_DOWN:" + f.ms());
        f.advanceInSteps(Duration.ofSeconds(5));
        SiteSnapshot s = f.snapshot("site-1");
        assertThat(s.records()).isEqualTo(2);
        assertThat(s.duplicates()).isEqualTo(3);
        assertThat(s.severities()).containsExactly(0, 0, 0, 1, 0, 0, 1, 0, 0);
        assertThat(s.bySource()).containsExactly(java.util.Map.entry("syslog", 2L));
        assertThat(f.counters.get(HealthCounters.DUPLICATES)).isEqualTo(3);
        assertThat(f.counters.get(HealthCounters.UNIQUE)).isEqualTo(2);
    }

    @Test
    void anIdIsForgottenAfterTheRetention() {
        Envelope e = f.syslog("site-1", "rtr-1", 6, "hello");
        f.send("telemetry.syslog", e);
        f.advance(Duration.ofMinutes(59));
        f.send("telemetry.syslog", e);
        assertThat(f.counters.get(HealthCounters.DUPLICATES)).isEqualTo(1);
        f.advance(Duration.ofMinutes(2));
        f.send("telemetry.syslog", e);
        assertThat(f.counters.get(HealthCounters.DUPLICATES)).isEqualTo(1);
        assertThat(f.counters.get(HealthCounters.UNIQUE)).isEqualTo(2);
    }

    @Test
    void badRecordsAreCountedAndSkippedAndTheFlowGoesOn() {
        f.sendRaw("telemetry.syslog", "site-1/rtr-1", "{not json".getBytes(StandardCharsets.UTF_8));
        f.sendRaw("telemetry.syslog", null, "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        f.sendRaw("telemetry.syslog", "site-1/rtr-1", "{\"id\":\"x\",\"site\":\"site-1\"}".getBytes(
                StandardCharsets.UTF_8));
        f.sendRaw("edge.heartbeats", "site-1/gw-1", "[]".getBytes(StandardCharsets.UTF_8));
        f.sendRaw("network.topology", "site-1", "{oops".getBytes(StandardCharsets.UTF_8));
        // the envelope's site differs from the key's site
        Envelope other = f.syslog("site-2", "rtr-1", 6, "hello");
        f.sendRaw("telemetry.syslog", "site-1/rtr-1", net.edgegw.core.EnvelopeJson.encode(other));
        f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 3,
                "%LINK-3-UPDOWN: Interface Gi0/1, changed state to down"));
        assertThat(f.alarms()).hasSize(1);
        assertThat(f.counters.get(HealthCounters.TELEMETRY_UNDECODABLE)).isEqualTo(2);
        assertThat(f.counters.get(HealthCounters.UNROUTABLE)).isEqualTo(1);
        assertThat(f.counters.get(HealthCounters.HEARTBEATS_UNDECODABLE)).isEqualTo(1);
        assertThat(f.counters.get(HealthCounters.TOPOLOGY_UNDECODABLE)).isEqualTo(1);
        assertThat(f.counters.get(HealthCounters.SITE_MISMATCH)).isEqualTo(1);
        assertThat(f.counters.get(HealthCounters.UNIQUE)).isEqualTo(1);
    }
}
