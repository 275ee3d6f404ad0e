package net.edgegw.pipeline;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.Payload;
import net.edgegw.core.SourceKind;
import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.storeforward.LaneBuffer;

import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes dead letters straight into one lane buffer (the gateway's lowest-priority lane), never waiting: an envelope
 * of source {@code gateway} with the reason, detail, peer and size of the rejected data as attributes and its first
 * {@value #MAX_RAW} bytes as a binary payload. Not routed, not enriched. Counts {@value PipelineMetrics#DEADLETTERED}
 * (and, as every write to the buffer, {@value PipelineMetrics#ACCEPTED} or {@value PipelineMetrics#BUFFER_FULL}).
 * Thread-safe.
 */
public final class DeadLetterSink implements AutoCloseable {

    /** Raw bytes kept in a dead letter. */
    public static final int MAX_RAW = 4096;

    private final String site;
    private final String gateway;
    private final LaneBuffer lane;
    private final String topic;
    private final Clock clock;
    private final LaneAppender appender;
    private final Counter deadLettered;
    private volatile boolean closed;

    public DeadLetterSink(String site, String gateway, LaneBuffer lane, String topic, Clock clock,
                          MetricRegistry metrics) {
        this.site = site;
        this.gateway = gateway;
        this.lane = lane;
        this.topic = topic;
        this.clock = clock;
        this.appender = new LaneAppender(metrics);
        this.deadLettered = metrics.counter(PipelineMetrics.DEADLETTERED);
    }

    /** Writes the dead letter of one rejection; see {@link net.edgegw.core.Rejections#reject}. */
    public Admission write(String input, String reason, String detail, byte[] raw, String peer) {
        if (closed) {
            return Admission.CLOSED;
        }
        byte[] kept = raw == null ? new byte[0] : raw.length > MAX_RAW ? Arrays.copyOf(raw, MAX_RAW) : raw;
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("reason", reason);
        attrs.put("detail", detail);
        if (peer != null) {
            attrs.put("peer", peer);
        }
        attrs.put("rawBytes", Integer.toString(raw == null ? 0 : raw.length));
        Envelope dl = new Envelope(null, site, gateway, input, SourceKind.GATEWAY, clock.instant(), null,
                peer == null ? gateway : peer, null, reason + ": " + detail, attrs, null, null,
                new Payload.Binary(kept));
        BufferedRecord rec = LaneAppender.encode(topic, dl);
        if (rec.wireSize() > Pipeline.MAX_RECORD_BYTES) {
            return Admission.FILTERED;
        }
        Admission a = appender.append(lane, rec, false, () -> closed);
        if (a == Admission.ACCEPTED) {
            deadLettered.inc();
        }
        return a;
    }

    /** Refuses dead letters from now on ({@link Admission#CLOSED}). Idempotent. */
    @Override
    public void close() {
        closed = true;
    }
}
