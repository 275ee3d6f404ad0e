package net.edgegw.uplink;

import net.edgegw.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {

    /** A sleeper that advances the fake clock instead of waiting, and records each wait. */
    private static final class FakeSleeper implements Sleeper {
        final MutableClock clock;
        final List<Long> sleeps = new ArrayList<>();
        boolean closing;

        FakeSleeper(MutableClock clock) {
            this.clock = clock;
        }

        @Override
        public boolean sleep(long millis) {
            sleeps.add(millis);
            if (closing) {
                return false;
            }
            clock.advanceMillis(millis);
            return true;
        }
    }

    @Test
    void burstOfOneSecondIsFreeThenWaitsForTheRate() {
        MutableClock clock = new MutableClock(1_000_000);
        FakeSleeper sleeper = new FakeSleeper(clock);
        TokenBucket b = new TokenBucket(10_000, clock, sleeper);
        assertThat(b.acquire(10_000)).isTrue(); // the initial burst
        assertThat(sleeper.sleeps).isEmpty();
        assertThat(b.acquire(5_000)).isTrue(); // 5000 in debt: 500 ms at 10 kB/s
        assertThat(sleeper.sleeps).containsExactly(500L);
    }

    @Test
    void longRunRateNeverExceedsTheCap() {
        MutableClock clock = new MutableClock(0);
        FakeSleeper sleeper = new FakeSleeper(clock);
        long rate = 50_000;
        TokenBucket b = new TokenBucket(rate, clock, sleeper);
        long start = clock.millis();
        long sent = 0;
        for (int i = 0; i < 10_000; i++) {
            int size = 100 + (i * 37) % 900;
            b.acquire(size);
            sent += size;
        }
        long elapsedMs = clock.millis() - start;
        // everything beyond the first second's burst is paid for in time
        assertThat(elapsedMs).isGreaterThanOrEqualTo((sent - rate) * 1000 / rate);
        assertThat(elapsedMs).isLessThanOrEqualTo(sent * 1000 / rate + 10);
    }

    @Test
    void refillsWhileIdleButNotBeyondTheBurst() {
        MutableClock clock = new MutableClock(0);
        FakeSleeper sleeper = new FakeSleeper(clock);
        TokenBucket b = new TokenBucket(1_000, clock, sleeper);
        b.acquire(1_000);
        assertThat(b.available()).isEqualTo(0.0);
        clock.advanceMillis(500);
        assertThat(b.available()).isEqualTo(500.0);
        clock.advanceMillis(60_000);
        assertThat(b.available()).isEqualTo(1_000.0);
        assertThat(sleeper.sleeps).isEmpty();
    }

    @Test
    void recordLargerThanTheBurstGoesIntoDebtInsteadOfBlockingForever() {
        MutableClock clock = new MutableClock(0);
        FakeSleeper sleeper = new FakeSleeper(clock);
        TokenBucket b = new TokenBucket(1_000, clock, sleeper);
        assertThat(b.acquire(5_000)).isTrue();
        assertThat(sleeper.sleeps).containsExactly(4_000L);
        assertThat(b.available()).isEqualTo(0.0);
    }

    @Test
    void clockGoingBackwardsMintsNoTokens() {
        MutableClock clock = new MutableClock(10_000);
        FakeSleeper sleeper = new FakeSleeper(clock);
        TokenBucket b = new TokenBucket(1_000, clock, sleeper);
        b.acquire(1_000);
        clock.advanceMillis(-5_000);
        assertThat(b.available()).isEqualTo(0.0);
        clock.advanceMillis(100);
        assertThat(b.available()).isEqualTo(100.0);
    }

    @Test
    void closingCutsTheWaitShort() {
        MutableClock clock = new MutableClock(0);
        FakeSleeper sleeper = new FakeSleeper(clock);
        TokenBucket b = new TokenBucket(1_000, clock, sleeper);
        b.acquire(1_000);
        sleeper.closing = true;
        assertThat(b.acquire(1_000)).isFalse();
    }

    @Test
    void refusesNonPositiveRate() {
        MutableClock clock = new MutableClock(0);
        assertThatThrownBy(() -> new TokenBucket(0, clock, ms -> true)).isInstanceOf(IllegalArgumentException.class);
    }
}
