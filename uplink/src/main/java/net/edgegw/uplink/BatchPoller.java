package net.edgegw.uplink;

import net.edgegw.storeforward.StoredRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the batches of the lanes: up to {@code batchMaxRecords} records and about the lane's current byte bound
 * ({@link AdaptiveBatchSize}); a non-full batch waits up to {@code batchWait} to fill. While the forwarder is idle it
 * waits for data on one lane and keeps what arrives as the start of that lane's next batch.
 *
 * <p>Not thread-safe: the forwarder thread only.
 */
final class BatchPoller {

    private final UplinkSettings settings;
    private final CloseSignal close;

    BatchPoller(UplinkSettings settings, CloseSignal close) {
        this.settings = settings;
        this.close = close;
    }

    /** The lane's next batch, empty if it has nothing; its start time is kept in the lane for the latency. */
    List<StoredRecord> next(LaneWorker w) {
        int maxRecords = settings.batchMaxRecords();
        int maxBytes = w.maxBatchBytes();
        List<StoredRecord> first = w.takePending();
        long startedNanos = w.batchStartedNanos();
        if (first == null) {
            startedNanos = System.nanoTime();
            first = w.poll(maxRecords, maxBytes, Duration.ZERO);
        }
        if (first.isEmpty()) {
            return first;
        }
        w.batchStartedAt(startedNanos);
        long bytes = wireBytes(first);
        long waitNanos = settings.batchWait().toNanos();
        if (first.size() >= maxRecords || bytes >= maxBytes || waitNanos == 0) {
            return first;
        }
        List<StoredRecord> batch = new ArrayList<>(first);
        long deadline = startedNanos + waitNanos;
        while (!close.closing() && batch.size() < maxRecords && bytes < maxBytes) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            List<StoredRecord> more = w.poll(maxRecords - batch.size(), maxBytes - bytes,
                    Duration.ofNanos(remaining));
            if (more.isEmpty()) {
                break;
            }
            batch.addAll(more);
            bytes += wireBytes(more);
        }
        return batch;
    }

    /** Waits up to {@code waitMs} for data on the lane; what arrives starts its next batch. */
    void awaitData(LaneWorker w, long waitMs) {
        long t0 = System.nanoTime();
        List<StoredRecord> got = w.poll(settings.batchMaxRecords(), w.maxBatchBytes(), Duration.ofMillis(waitMs));
        if (!got.isEmpty()) {
            w.holdPending(got, t0);
        }
    }

    private static long wireBytes(List<StoredRecord> records) {
        long b = 0;
        for (StoredRecord r : records) {
            b += r.record().wireSize();
        }
        return b;
    }
}
