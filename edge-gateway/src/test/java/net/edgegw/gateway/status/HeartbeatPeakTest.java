package net.edgegw.gateway.status;

import net.edgegw.core.heartbeat.Heartbeat;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.heartbeat.HeartbeatJson;
import net.edgegw.storeforward.Backlog;
import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code backlog.peak}: the largest backlog since the last acknowledged heartbeat (docs/heartbeat.md). */
class HeartbeatPeakTest {

    private final MutableClock clock = new MutableClock(1_780_000_000_000L);
    private final Map<String, Backlog> lanes = new LinkedHashMap<>();
    private final HeartbeatBuilder builder = new HeartbeatBuilder("site-1", "gw-1", "1.0", "hash", clock, new MetricRegistry(),
            List.of(), () -> Map.copyOf(lanes), Map::of, () -> new UplinkView("DOWN", "timeout", 0, 0));

    /** Sets the buffer to {@code alarms} + {@code bulk} records (100 bytes each) and builds a heartbeat 5 s on. */
    private HeartbeatBuilder.Built beat(long alarms, long bulk) {
        clock.advance(Duration.ofSeconds(5));
        lanes.put("alarms", new Backlog(alarms, alarms * 100, 0, 0, 0, 0));
        lanes.put("bulk", new Backlog(bulk, bulk * 100, 0, 0, 0, 0));
        return builder.next();
    }

    private static Heartbeat.Peak peak(HeartbeatBuilder.Built b) {
        return b.heartbeat().backlog().peak();
    }

    @Test
    void thePeakGrowsWhileHeartbeatsAreNotAcknowledgedIsReportedAndResetsAfterAnAck() {
        HeartbeatBuilder.Built first = beat(5, 30);
        assertThat(peak(first)).isEqualTo(new Heartbeat.Peak(35, 3500, clock.instant()));
        first.acknowledged().run();

        // outage: heartbeats are built and dropped, never acknowledged; the backlog grows, then expiry trims it
        beat(1000, 2000);
        HeartbeatBuilder.Built growing = beat(2000, 5000);
        assertThat(peak(growing).records()).isEqualTo(7000);
        beat(3000, 5000); // 8000: the outage's height
        Instant highest = clock.instant();
        HeartbeatBuilder.Built trimmed = beat(2500, 5000);
        assertThat(trimmed.heartbeat().backlog().records()).isEqualTo(7500);
        assertThat(peak(trimmed)).isEqualTo(new Heartbeat.Peak(8000, 800_000, highest));

        // reconnected: the forwarder drains fast; the first heartbeat delivered still tells the outage's height
        HeartbeatBuilder.Built delivered = beat(0, 35);
        assertThat(delivered.heartbeat().backlog().records()).isEqualTo(35);
        assertThat(peak(delivered)).isEqualTo(new Heartbeat.Peak(8000, 800_000, highest));
        assertThat(new String(HeartbeatJson.write(delivered.heartbeat()), StandardCharsets.UTF_8))
                .contains("\"peak\":{\"records\":8000,\"bytes\":800000,\"at\":\"" + highest + "\"}");
        HeartbeatBuilder.Built inFlight = beat(0, 40); // built before the ack of `delivered` arrived
        delivered.acknowledged().run();

        // after the ack the peak starts over: only what was seen after `delivered` counts
        HeartbeatBuilder.Built after = beat(0, 10);
        assertThat(peak(after).records()).isEqualTo(40);
        assertThat(peak(after).at()).isEqualTo(inFlight.heartbeat().sentAt());
        inFlight.acknowledged().run();
        after.acknowledged().run();
        HeartbeatBuilder.Built steady = beat(0, 12);
        assertThat(peak(steady)).isEqualTo(new Heartbeat.Peak(12, 1200,
                steady.heartbeat().sentAt()));
    }

    @Test
    void anAcknowledgementOfAnOlderHeartbeatKeepsLaterPeaks() {
        HeartbeatBuilder.Built old = beat(0, 100);
        HeartbeatBuilder.Built later = beat(0, 500);
        old.acknowledged().run(); // `later` reported 500 but is not acknowledged yet
        assertThat(peak(beat(0, 50)).records()).isEqualTo(500);
        later.acknowledged().run();
        assertThat(peak(beat(0, 50)).records()).isEqualTo(50);
    }

    @Test
    void aLongShrinkingOutageKeepsItsPeakWithinBoundedMemory() {
        beat(0, 1_000_000);
        Instant highest = clock.instant();
        for (int i = 1; i <= HeartbeatBuilder.MAX_SEEN * 2; i++) {
            beat(0, 1_000_000 - i);
        }
        assertThat(peak(beat(0, 1)).records()).isEqualTo(1_000_000);
        assertThat(peak(beat(0, 1)).at()).isEqualTo(highest);
    }
}
