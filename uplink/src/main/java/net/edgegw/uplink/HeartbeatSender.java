package net.edgegw.uplink;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.Headers;
import net.edgegw.core.heartbeat.Heartbeat;
import net.edgegw.core.heartbeat.HeartbeatJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends gateway heartbeats straight to Kafka, not through the buffer (SPEC section 4): a separate,
 * non-transactional, idempotent producer; key {@code <site>/<gateway>}, header {@code edge.site}. It never blocks
 * the caller for long ({@code max.block.ms} 200 ms): while the uplink is down, or while earlier heartbeats are
 * still unacknowledged, a heartbeat is dropped and counted ({@link UplinkMetrics#HEARTBEATS_DROPPED}), because the
 * next one supersedes it. The value is the shared record's JSON ({@link HeartbeatJson}). Heartbeats are visible
 * to {@code read_committed} consumers at once.
 *
 * <p>Thread-safe.
 */
public final class HeartbeatSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);
    /** Heartbeats allowed in flight; beyond that new ones are dropped. */
    static final int MAX_PENDING = 2;

    private final String topic;
    private final byte[] key;
    private final byte[] siteBytes;
    private final Producer<byte[], byte[]> producer;
    private final Counter sent;
    private final Counter dropped;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();

    /** Sends to {@link Headers#TOPIC_HEARTBEATS}. */
    public HeartbeatSender(String site, String gateway, UplinkSettings settings, MetricRegistry metrics) {
        this(site, gateway, Headers.TOPIC_HEARTBEATS, settings, metrics);
    }

    public HeartbeatSender(String site, String gateway, String topic, UplinkSettings settings,
                           MetricRegistry metrics) {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(gateway, "gateway");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.key = (site + "/" + gateway).getBytes(StandardCharsets.UTF_8);
        this.siteBytes = site.getBytes(StandardCharsets.UTF_8);
        this.sent = metrics.counter(UplinkMetrics.HEARTBEATS_SENT);
        this.dropped = metrics.counter(UplinkMetrics.HEARTBEATS_DROPPED);
        this.producer = new KafkaProducer<>(KafkaClients.heartbeatProducer(settings,
                "edge-heartbeat-" + KafkaClients.idPart(site) + "-" + KafkaClients.idPart(gateway)));
    }

    /** Hands one heartbeat to Kafka as its JSON ({@link HeartbeatJson}), or drops it (counted) like
     * {@link #send(byte[])}. */
    public void send(Heartbeat heartbeat) {
        send(heartbeat, null);
    }

    /**
     * Like {@link #send(Heartbeat)}; {@code onAcked} (may be null) runs once if and when Kafka acknowledges this
     * heartbeat, on the producer's I/O thread (keep it short), never for a dropped one.
     */
    public void send(Heartbeat heartbeat, Runnable onAcked) {
        send(HeartbeatJson.write(Objects.requireNonNull(heartbeat, "heartbeat")), onAcked);
    }

    /** Hands one heartbeat (JSON) to Kafka, or drops it (counted) if the uplink is down or behind. */
    public void send(byte[] json) {
        send(json, null);
    }

    private void send(byte[] json, Runnable onAcked) {
        Objects.requireNonNull(json, "json");
        if (closed.get()) {
            dropped.inc();
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            dropped.inc();
            return;
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.SITE, siteBytes);
        AtomicBoolean done = new AtomicBoolean();
        try {
            producer.send(new ProducerRecord<>(topic, null, null, key, json, headers), (md, e) -> completed(done, e, onAcked));
        } catch (KafkaException | IllegalStateException e) {
            // send() itself failed (not ready, closed): drop. Errors such as missing metadata within max.block.ms
            // arrive through the callback instead; completed() counts each heartbeat once either way.
            completed(done, e, null);
        }
    }

    private void completed(AtomicBoolean done, Exception e, Runnable onAcked) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        pending.decrementAndGet();
        if (e == null) {
            sent.inc();
            if (failing.compareAndSet(true, false)) {
                LOG.info("heartbeats to {} delivered again", topic);
            }
            if (onAcked != null) {
                try {
                    onAcked.run();
                } catch (RuntimeException ex) {
                    LOG.warn("heartbeat acknowledgement handler failed: {}", ex.toString());
                }
            }
        } else {
            dropped.inc();
            if (failing.compareAndSet(false, true)) {
                LOG.warn("heartbeat to {} dropped: {} (further drops are counted, not logged)", topic, e.toString());
            }
        }
    }

    /** Heartbeats dropped so far by this sender's registry counter. */
    public long droppedCount() {
        return dropped.getCount();
    }

    /** Heartbeats acknowledged so far by this sender's registry counter. */
    public long sentCount() {
        return sent.getCount();
    }

    /** Closes the producer, waiting at most 2 s for heartbeats in flight. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            producer.close(Duration.ofSeconds(2));
        }
    }
}
