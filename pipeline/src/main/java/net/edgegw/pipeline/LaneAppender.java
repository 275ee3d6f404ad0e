package net.edgegw.pipeline;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.storeforward.LaneBuffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Encodes an envelope into a buffer record (JSON, once, without its id) and appends it to a lane, counting what the
 * pipeline counts: {@value PipelineMetrics#ACCEPTED} and {@value PipelineMetrics#BUFFER_FULL}. Thread-safe.
 */
final class LaneAppender {

    private static final Duration BLOCK_SLICE = Duration.ofMillis(500);

    private final Meter accepted;
    private final Counter bufferFull;

    LaneAppender(MetricRegistry metrics) {
        this.accepted = metrics.meter(PipelineMetrics.ACCEPTED);
        this.bufferFull = metrics.counter(PipelineMetrics.BUFFER_FULL);
    }

    static BufferedRecord encode(String topic, Envelope e) {
        return new BufferedRecord(topic, e.key().getBytes(StandardCharsets.UTF_8), e.source(),
                e.receivedAt().toEpochMilli(), EnvelopeJson.encodeBody(e));
    }

    /**
     * @param mayWait wait for room (in slices, until stored or {@code closed}) rather than give up at once
     * @param closed  whether the caller stopped accepting records
     */
    Admission append(LaneBuffer lane, BufferedRecord rec, boolean mayWait, BooleanSupplier closed) {
        long index = lane.append(rec, mayWait ? BLOCK_SLICE : Duration.ZERO);
        while (index == -1 && mayWait && !closed.getAsBoolean()) {
            index = lane.append(rec, BLOCK_SLICE);
        }
        if (index == LaneBuffer.DROPPED) {
            return Admission.FILTERED; // drop-oldest on a full disk: refused and counted by the buffer (dropped.diskFull)
        }
        if (index < 0) {
            if (closed.getAsBoolean()) {
                return Admission.CLOSED;
            }
            bufferFull.inc();
            return Admission.BUFFER_FULL;
        }
        accepted.mark();
        return Admission.ACCEPTED;
    }
}
