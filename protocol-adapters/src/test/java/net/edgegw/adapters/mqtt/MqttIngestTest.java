package net.edgegw.adapters.mqtt;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Envelope;
import net.edgegw.core.SourceContext;
import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MqttIngestTest {

    @TempDir
    Path dir;

    @Test
    void receivedAtIsStrictlyIncreasingAcrossRestartsButFollowsAClockCorrection() throws Exception {
        Instant t = Instant.parse("2026-11-24T10:00:00Z");
        MutableClock clock = new MutableClock(t.toEpochMilli());
        MqttInputSettings s = MqttInputSettings.defaults("in", "tcp://127.0.0.1:1", List.of("#"));
        TestEmitter em = new TestEmitter();
        SourceContext ctx = new SourceContext("site-1", "gw-1", clock, em, new TestRejections(), em);
        try (AckLedger ledger = AckLedger.open(dir.resolve("ledger"), "session")) {
            MqttIngest in = new MqttIngest(s, ctx, new MqttMetrics(new MetricRegistry(), "in"), ledger, () -> false);
            for (int i = 1; i <= 3; i++) {
                in.accept("a/b", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false, i, false, false);
            }
        }
        try (AckLedger ledger = AckLedger.open(dir.resolve("ledger"), "session")) { // restarted, same clock reading
            MqttIngest in = new MqttIngest(s, ctx, new MqttMetrics(new MetricRegistry(), "in"), ledger, () -> false);
            in.accept("a/b", "m4".getBytes(StandardCharsets.UTF_8), 1, false, 4, false, false);
            clock.advance(Duration.ofMillis(-500)); // a small step back: still after the previous one
            in.accept("a/b", "m5".getBytes(StandardCharsets.UTF_8), 1, false, 5, false, false);
            clock.advance(Duration.ofHours(-1)); // a clock correction: taken as it is
            in.accept("a/b", "m6".getBytes(StandardCharsets.UTF_8), 1, false, 6, false, false);
        }
        assertThat(em.accepted).extracting(Envelope::receivedAt).containsExactly(t, t.plusNanos(1), t.plusNanos(2),
                t.plusNanos(3), t.plusNanos(4), t.minusMillis(500).minusSeconds(3600));
    }
}
