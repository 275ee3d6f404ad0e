package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.model.SiteSnapshot;
import net.edgegw.aggregator.model.SiteSnapshot.MinuteBucket;
import net.edgegw.core.Headers;
import net.edgegw.core.heartbeat.Heartbeat;
import net.edgegw.core.heartbeat.HeartbeatJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drill-down's per-minute backlog series ("Edge backlog per minute") shows an outage's height from the
 * {@code backlog.peak} of the first heartbeat delivered after it (docs/heartbeat.md).
 */
class BacklogPeakTest {

    Fixture f;

    @BeforeEach
    void start() {
        f = new Fixture(Fixture.config(List.of()));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** A heartbeat of gw-1 sent now with {@code backlog} records and, unless {@code peakAt} is null, a peak. */
    private void heartbeat(long backlog, long peak, Instant peakAt) {
        Heartbeat h = new Heartbeat("site-1", "gw-1", "1.0", Fixture.T0, f.now(), 10, "abc", Map.of(),
                new Heartbeat.Backlog(backlog, backlog * 100, 0, Map.of(),
                        peakAt == null ? null : new Heartbeat.Peak(peak, peak * 100, peakAt)),
                100.0, Heartbeat.Dropped.of(0, 0, 0), new Heartbeat.Uplink("UP", null, 1));
        f.sendRaw(Headers.TOPIC_HEARTBEATS, "site-1/gw-1", HeartbeatJson.write(h));
    }

    private void beat(long backlog) {
        heartbeat(backlog, backlog, f.now());
        f.advanceInSteps(Duration.ofSeconds(5));
    }

    /** The published backlog series: minute offset from T0 -> backlog records. */
    private Map<Long, Long> series() {
        SiteSnapshot s = f.snapshot("site-1");
        Map<Long, Long> out = new TreeMap<>();
        for (MinuteBucket b : s.history()) {
            out.put(Duration.between(Fixture.T0, b.minute()).toMinutes(), b.backlogRecords());
        }
        return out;
    }

    @Test
    void theFirstHeartbeatAfterAnOutageShowsItsPeakAtItsMinute() {
        for (int i = 0; i < 12; i++) { // minute 0: 35 records
            beat(35);
        }
        // outage from 1:00 to 3:10: heartbeats dropped at the gateway, the backlog reaches 8,000 at 2:30
        f.advanceInSteps(Duration.ofSeconds(130));
        assertThat(f.snapshot("site-1").state()).isEqualTo(SiteSnapshot.SiteState.UNREACHABLE);
        Instant top = Fixture.T0.plus(Duration.ofSeconds(150));
        // reconnected: the forwarder drained the buffer to 35 before a heartbeat got through
        heartbeat(35, 8000, top);
        f.advanceInSteps(Duration.ofSeconds(5));
        assertThat(series()).containsEntry(0L, 35L).containsEntry(1L, 35L).containsEntry(2L, 8000L)
                .containsEntry(3L, 35L);
        // the state machine is unchanged: still UNREACHABLE until heartbeats kept coming for recoverAfter
        assertThat(f.snapshot("site-1").state()).isEqualTo(SiteSnapshot.SiteState.UNREACHABLE);
        assertThat(f.snapshot("site-1").backlogRecords()).isEqualTo(35);
        for (int i = 0; i < 4; i++) {
            beat(30);
        }
        assertThat(f.snapshot("site-1").state()).isEqualTo(SiteSnapshot.SiteState.UP);
        assertThat(series()).containsEntry(2L, 8000L).containsEntry(3L, 30L);
    }

    @Test
    void aPeakInTheCurrentMinuteHoldsAgainstItsLaterHeartbeatsAndIsNotCarriedOn() {
        beat(35);
        f.advanceInSteps(Duration.ofSeconds(55)); // 1:00
        f.advanceInSteps(Duration.ofSeconds(10));
        heartbeat(35, 8000, f.now().minusSeconds(5));
        f.advanceInSteps(Duration.ofSeconds(5));
        beat(20);
        beat(10);
        assertThat(series()).containsEntry(1L, 8000L);
        // minute 2 begins without a heartbeat (a record opens its bucket): it carries the backlog on, not the peak
        f.advanceInSteps(Duration.ofSeconds(55));
        f.send("telemetry.syslog", f.syslog("site-1", "rtr-1", 6, "hello"));
        f.advanceInSteps(Duration.ofSeconds(5));
        assertThat(series()).containsEntry(1L, 8000L).containsEntry(2L, 10L);
    }

    @Test
    void aPeakOlderThanTheSeriesGoesIntoTheCurrentMinuteAndSmallPeaksChangeNothing() {
        beat(35);
        f.advanceInSteps(Duration.ofMinutes(3));
        heartbeat(40, 8000, Fixture.T0.minus(Duration.ofHours(2)));
        f.advanceInSteps(Duration.ofSeconds(5));
        assertThat(series()).containsEntry(0L, 35L).containsEntry(3L, 8000L);
        f.advanceInSteps(Duration.ofMinutes(1));
        heartbeat(50, 30, Fixture.T0.plusSeconds(30)); // no higher than minute 0 was: unchanged
        f.advanceInSteps(Duration.ofSeconds(5));
        heartbeat(60, 0, null); // an older gateway: no peak
        f.advanceInSteps(Duration.ofSeconds(5));
        assertThat(series()).containsEntry(0L, 35L).containsEntry(3L, 8000L).containsEntry(4L, 60L);
    }
}
