package net.edgegw.uplink;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    @Test
    void growsExponentiallyWithinJitterBoundsUpToMax() {
        Backoff b = new Backoff("test", Duration.ofMillis(200), Duration.ofSeconds(30), new SplittableRandom(42));
        long base = 200;
        for (int attempt = 1; attempt <= 20; attempt++) {
            long d = b.next(new RuntimeException("boom")).toMillis();
            long expectedBase = Math.min(30_000, base);
            assertThat(b.attempt()).isEqualTo(attempt);
            assertThat(d).as("attempt %d", attempt).isBetween(expectedBase / 2, expectedBase);
            base *= 2;
        }
    }

    @Test
    void resetStartsOver() {
        Backoff b = new Backoff("test", Duration.ofMillis(100), Duration.ofSeconds(10), new SplittableRandom(1));
        for (int i = 0; i < 10; i++) {
            b.next(null);
        }
        assertThat(b.next(null).toMillis()).isGreaterThanOrEqualTo(5_000);
        b.reset();
        assertThat(b.attempt()).isZero();
        assertThat(b.next(null).toMillis()).isBetween(50L, 100L);
        assertThat(b.attempt()).isEqualTo(1);
    }

    @Test
    void jitterSpreadsDelays() {
        RandomGenerator max = new RandomGenerator() {
            @Override
            public long nextLong() {
                return Long.MAX_VALUE;
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };
        RandomGenerator min = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return 0;
            }
        };
        Backoff hi = new Backoff("hi", Duration.ofMillis(1000), Duration.ofSeconds(60), max);
        Backoff lo = new Backoff("lo", Duration.ofMillis(1000), Duration.ofSeconds(60), min);
        assertThat(hi.next(null)).isEqualTo(Duration.ofMillis(1000));
        assertThat(lo.next(null)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void hugeAttemptCountsDoNotOverflow() {
        Backoff b = new Backoff("test", Duration.ofMillis(200), Duration.ofSeconds(30), new SplittableRandom(7));
        for (int i = 0; i < 10_000; i++) {
            assertThat(b.next(null).toMillis()).isBetween(100L, 30_000L);
        }
    }

    @Test
    void refusesBadBounds() {
        assertThatThrownBy(() -> new Backoff("x", Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff("x", Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describesRootCause() {
        Exception e = new RuntimeException("outer", new IllegalStateException("inner"));
        assertThat(Backoff.describe(e)).isEqualTo(
                "RuntimeException: outer (caused by IllegalStateException: inner)");
    }
}
