package net.edgegw.pipeline;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Rejections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts every rejection per input and reason (metrics and heartbeat), logs them at a rate limit (one line per
 * input and reason per interval, with the number suppressed), and hands those that carry data ({@code malformed},
 * {@code oversized}) to the {@link DeadLetterSink}, when there is one. Thread-safe.
 */
public final class RejectionHandler implements Rejections {

    private static final Logger LOG = LoggerFactory.getLogger(RejectionHandler.class);
    static final Set<String> DEAD_LETTER_REASONS = Set.of(MALFORMED, OVERSIZED);

    private final Clock clock;
    private final MetricRegistry metrics;
    private final long logIntervalMs;
    private final DeadLetterSink deadLetters;
    private final Map<String, Counted> counts = new ConcurrentHashMap<>();

    private static final class Counted {
        final AtomicLong total = new AtomicLong();
        final AtomicLong sinceLog = new AtomicLong();
        volatile long lastLogMs = Long.MIN_VALUE;
    }

    /**
     * @param logIntervalMs at most one log line per input and reason in this interval
     * @param deadLetters   where rejected data goes, or null when dead-lettering is off
     */
    public RejectionHandler(Clock clock, MetricRegistry metrics, long logIntervalMs, DeadLetterSink deadLetters) {
        this.clock = clock;
        this.metrics = metrics;
        this.logIntervalMs = logIntervalMs;
        this.deadLetters = deadLetters;
    }

    @Override
    public void reject(String input, String reason, String detail, byte[] raw, String peer) {
        String k = input + '\u0000' + reason;
        Counted c = counts.computeIfAbsent(k, x -> new Counted());
        c.total.incrementAndGet();
        c.sinceLog.incrementAndGet();
        metrics.counter(PipelineMetrics.rejected(input, reason)).inc();
        long now = clock.millis();
        long last = c.lastLogMs;
        if (last == Long.MIN_VALUE || now - last >= logIntervalMs) {
            c.lastLogMs = now;
            long n = c.sinceLog.getAndSet(0);
            LOG.warn("input {} rejected {} record(s) as {} since the last report; latest from {}: {}",
                    input, n, reason, peer == null ? "-" : peer, detail);
        }
        if (deadLetters != null && DEAD_LETTER_REASONS.contains(reason)) {
            deadLetters.write(input, reason, detail, raw, peer);
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
