package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.config.AggregatorConfig.Match;
import net.edgegw.aggregator.config.AggregatorConfig.Rule;
import net.edgegw.aggregator.config.AggregatorConfig.RuleScope;
import net.edgegw.aggregator.config.AggregatorConfig.Threshold;
import net.edgegw.aggregator.config.AggregatorConfig.Window;
import net.edgegw.aggregator.model.Alarm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Threshold-held-for-duration and sliding-window rules, per device and per site. */
class RuleKindsTest {

    static final Rule HOT = new Rule("cabinet-hot", "TEMPERATURE_HIGH", 2, RuleScope.DEVICE,
            new Match("mqtt", null, null, "sensors/+/temperature", null, null, null), null,
            new Threshold("payload.value", 80.0, null, Duration.ofSeconds(60)), null, null);
    static final Rule DEVICE_ERRORS = new Rule("device-errors", "ERROR_RATE", 4, RuleScope.DEVICE,
            new Match("syslog", null, null, null, null, 3, null), null, null,
            new Window(Duration.ofSeconds(60), 3), null);
    static final Rule SITE_ERRORS = new Rule("site-errors", "SITE_ERROR_RATE", 3, RuleScope.SITE,
            new Match("syslog", null, null, null, null, 3, null), null, null,
            new Window(Duration.ofSeconds(60), 4), null);

    Fixture f;

    @BeforeEach
    void start() {
        f = new Fixture(Fixture.config(List.of(HOT, DEVICE_ERRORS, SITE_ERRORS)));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private void temp(double v) {
        f.send("telemetry.mqtt", f.mqtt("site-1", "cab-1", "sensors/cab-1/temperature", "{\"value\":" + v + "}"));
    }

    @Test
    void thresholdRaisesOnlyWhenHeldForTheDurationAndClearsWhenBackInsideForIt() {
        long t0 = f.ms();
        temp(85);
        f.advance(Duration.ofSeconds(30));
        temp(86);
        f.advance(Duration.ofSeconds(29));
        temp(87);
        assertThat(f.alarms()).isEmpty();
        f.advance(Duration.ofSeconds(1));
        temp(88);
        String id = "device:site-1/cab-1:TEMPERATURE_HIGH:" + t0;
        List<Alarm> raised = f.alarms();
        assertThat(raised).extracting(Fixture::line).containsExactly("RAISED " + id);
        assertThat(raised.get(0).evidence().path("value").asDouble()).isEqualTo(88.0);
        assertThat(raised.get(0).severity()).isEqualTo(2);
        // back inside: clears after 60 s inside, then the 60 s alarm hysteresis
        temp(70);
        f.advance(Duration.ofSeconds(60));
        temp(71);
        f.advanceInSteps(Duration.ofSeconds(59));
        assertThat(f.alarms()).isEmpty();
        f.advanceInSteps(Duration.ofSeconds(1));
        assertThat(f.alarmLines()).containsExactly("CLEARED " + id);
    }

    @Test
    void thresholdThatDipsEarlyIsNotRaised() {
        temp(85);
        f.advance(Duration.ofSeconds(30));
        temp(70);
        f.advance(Duration.ofSeconds(30));
        temp(85);
        f.advance(Duration.ofSeconds(30));
        temp(90);
        f.advance(Duration.ofSeconds(29));
        temp(95);
        f.send("telemetry.mqtt", f.mqtt("site-1", "cab-1", "sensors/cab-1/humidity", "{\"value\":99}"));
        f.send("telemetry.mqtt", f.mqtt("site-1", "cab-1", "sensors/cab-1/temperature", "{\"other\":99}"));
        assertThat(f.alarms()).isEmpty();
    }

    private void error(String host) {
        f.send("telemetry.syslog", f.syslog("site-1", host, 3, "%SYS-3-ERR: something failed"));
    }

    @Test
    void perDeviceWindowRaisesForTheDeviceAndClearsWhenTheWindowRunsDry() {
        long t0 = f.ms();
        error("sw-1");
        f.advance(Duration.ofSeconds(20));
        error("sw-2");
        f.advance(Duration.ofSeconds(20));
        error("sw-1");
        assertThat(f.alarms()).isEmpty();
        f.advance(Duration.ofSeconds(19));
        error("sw-1"); // third of sw-1 within 59 s; and the fourth of the site within 59 s
        long t3 = f.ms();
        assertThat(f.alarmLines()).containsExactly(
                "RAISED device:site-1/sw-1:ERROR_RATE:" + t3,
                "RAISED site:site-1:SITE_ERROR_RATE:" + t3);
        // no more errors: the windows run dry at t0+60 s (site: first of the last 4) and t0+60 s (sw-1)
        f.advanceInSteps(Duration.ofSeconds(60));
        assertThat(f.alarms()).isEmpty();
        f.advanceInSteps(Duration.ofSeconds(1));
        assertThat(f.alarmLines()).containsExactlyInAnyOrder(
                "CLEARED device:site-1/sw-1:ERROR_RATE:" + t3,
                "CLEARED site:site-1:SITE_ERROR_RATE:" + t3);
        assertThat(t0).isLessThan(t3);
    }

    @Test
    void errorsSpreadOverDevicesDoNotRaiseThePerDeviceWindow() {
        for (int i = 0; i < 3; i++) {
            error("sw-" + i);
            f.advance(Duration.ofSeconds(25));
        }
        error("sw-0");
        assertThat(f.alarms()).isEmpty();
    }
}
