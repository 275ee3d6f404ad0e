package net.edgegw.storeforward;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;

/**
 * The gauges a lane buffer registers in the {@link MetricRegistry} it is given (names in {@link BufferMetrics}),
 * replacing any left by an earlier buffer of the same lane, and removes them again on close.
 * Thread-safety: {@link #register} and {@link #remove} are called once each by the buffer's owner.
 */
final class LaneGauges {
    private final String lane;
    private final MetricRegistry metrics;
    private final List<String> names = new ArrayList<>();

    LaneGauges(String lane, MetricRegistry metrics) {
        this.lane = lane;
        this.metrics = metrics;
    }

    /** Registers the backlog, drop and corruption gauges of {@code buffer}. */
    void register(LaneBuffer buffer, LongSupplier droppedOverflow, LongSupplier droppedExpired,
                  LongSupplier droppedDiskFull, LongSupplier corrupt) {
        gauge(BufferMetrics.RECORDS, () -> buffer.backlog().records());
        gauge(BufferMetrics.BYTES, () -> buffer.backlog().bytes());
        gauge(BufferMetrics.OLDEST_AGE_MS, () -> buffer.backlog().oldestUnsentAgeMs());
        gauge(BufferMetrics.DROPPED_OVERFLOW, droppedOverflow::getAsLong);
        gauge(BufferMetrics.DROPPED_EXPIRED, droppedExpired::getAsLong);
        gauge(BufferMetrics.DROPPED_DISK_FULL, droppedDiskFull::getAsLong);
        gauge(BufferMetrics.DROPPED_CORRUPT, corrupt::getAsLong);
    }

    private void gauge(String suffix, Gauge<Long> g) {
        String name = BufferMetrics.name(lane, suffix);
        metrics.remove(name);
        metrics.register(name, g);
        names.add(name);
    }

    void remove() {
        for (String name : names) {
            metrics.remove(name);
        }
    }
}
