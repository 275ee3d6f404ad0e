package net.edgegw.uplink;

import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DrainRateTest {

    @Test
    void averagesOverTheLastTenSeconds() {
        MutableClock clock = new MutableClock(1_000_000);
        DrainRate r = new DrainRate(clock);
        assertThat(r.perSecond()).isZero();
        for (int s = 0; s < 10; s++) {
            r.add(100);
            clock.advanceMillis(1_000);
        }
        // 10 x 100 in the window just before "now", but the oldest second has just left it
        assertThat(r.perSecond()).isEqualTo(90.0);
        clock.advanceMillis(5_000);
        assertThat(r.perSecond()).isEqualTo(40.0);
        clock.advanceMillis(60_000);
        assertThat(r.perSecond()).isZero();
        r.add(50);
        assertThat(r.perSecond()).isEqualTo(5.0);
    }
}
