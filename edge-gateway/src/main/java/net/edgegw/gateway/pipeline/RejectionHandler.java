package net.edgegw.gateway.pipeline;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.Payload;
import net.edgegw.core.Rejections;
import net.edgegw.core.SourceKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts every rejection per input and reason (metrics and heartbeat), logs them at a rate limit (one line per
 * input and reason per interval, with the number suppressed), and dead-letters those that carry data
 * ({@code malformed}, {@code oversized}) with their raw bytes when enabled. Thread-safe.
 */
public final class RejectionHandler implements Rejections {

    private static final Logger LOG = LoggerFactory.getLogger(RejectionHandler.class);
    static final Set<String> DEAD_LETTER_REASONS = Set.of(MALFORMED, OVERSIZED);
    static final int MAX_RAW = 4096;

    private final String site;
    private final String gateway;
    private final Clock clock;
    private final MetricRegistry metrics;
    private final long logIntervalMs;
    private volatile Pipeline deadLetterSink;
    private volatile String deadLetterLane;
    private volatile String deadLetterTopic;
    private final Map<String, Counted> counts = new ConcurrentHashMap<>();

    private static final class Counted {
        final AtomicLong total = new AtomicLong();
        final AtomicLong sinceLog = new AtomicLong();
        volatile long lastLogMs = Long.MIN_VALUE;
    }

    public RejectionHandler(String site, String gateway, Clock clock, MetricRegistry metrics, long logIntervalMs) {
        this.site = site;
        this.gateway = gateway;
        this.clock = clock;
        this.metrics = metrics;
        this.logIntervalMs = logIntervalMs;
    }

    /** Enables dead-lettering into the pipeline (on the given lane and topic). */
    public void deadLetterTo(Pipeline pipeline, String lane, String topic) {
        this.deadLetterLane = lane;
        this.deadLetterTopic = topic;
        this.deadLetterSink = pipeline;
    }

    @Override
    public void reject(String input, String reason, String detail, byte[] raw, String peer) {
        String k = input + '\u0000' + reason;
        Counted c = counts.computeIfAbsent(k, x -> new Counted());
        c.total.incrementAndGet();
        c.sinceLog.incrementAndGet();
        metrics.counter(GatewayMetrics.rejected(input, reason)).inc();
        long now = clock.millis();
        long last = c.lastLogMs;
        if (last == Long.MIN_VALUE || now - last >= logIntervalMs) {
            c.lastLogMs = now;
            long n = c.sinceLog.getAndSet(0);
            LOG.warn("input {} rejected {} record(s) as {} since the last report; latest from {}: {}",
                    input, n, reason, peer == null ? "-" : peer, detail);
        }
        Pipeline sink = deadLetterSink;
        if (sink != null && DEAD_LETTER_REASONS.contains(reason)) {
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
            Admission a = sink.storeDirect(dl, deadLetterLane, deadLetterTopic);
            if (a == Admission.ACCEPTED) {
                metrics.counter(GatewayMetrics.DEADLETTERED).inc();
            }
        }
    }

    /** input -> reason -> count since start, for the heartbeat. */
    public Map<String, Map<String, Long>> counts() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            int cut = k.indexOf('\u0000');
            out.computeIfAbsent(k.substring(0, cut), x -> new TreeMap<>()).put(k.substring(cut + 1), v.total.get());
        });
        return out;
    }
}
