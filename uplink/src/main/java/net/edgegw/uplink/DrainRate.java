package net.edgegw.uplink;

import java.time.Clock;

/** Records per second over a sliding window of whole seconds (10 s). Thread-safe. */
final class DrainRate {

    private static final int SLOTS = 10;

    private final Clock clock;
    private final long[] counts = new long[SLOTS];
    private final long[] seconds = new long[SLOTS];

    DrainRate(Clock clock) {
        this.clock = clock;
        java.util.Arrays.fill(seconds, Long.MIN_VALUE);
    }

    synchronized void add(long records) {
        long sec = Math.floorDiv(clock.millis(), 1000L);
        int i = Math.floorMod(sec, SLOTS);
        if (seconds[i] != sec) {
            seconds[i] = sec;
            counts[i] = 0;
        }
        counts[i] += records;
    }

    /** Records/s over the last 10 s (the current second included). */
    synchronized double perSecond() {
        long now = Math.floorDiv(clock.millis(), 1000L);
        long sum = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (seconds[i] > now - SLOTS && seconds[i] <= now) {
                sum += counts[i];
            }
        }
        return sum / (double) SLOTS;
    }
}
