package net.edgegw.adapters.mqtt;

import net.edgegw.adapters.IngestSupport;
import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.MqttFields;
import net.edgegw.core.Payloads;
import net.edgegw.core.Rejections;
import net.edgegw.core.RecentRecords;
import net.edgegw.core.SourceContext;
import net.edgegw.core.SourceKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The protocol-version independent step of an MQTT input: one received message -> duplicate check, envelope,
 * {@link Emitter#emit} (may block: back-pressure), ledger update, and the decision whether to acknowledge it.
 * Called from the input's single MQTT callback thread (and, before connecting, from the start thread). Never throws
 * for input.
 *
 * <p>Envelope: id null (the buffer assigns it), source mqtt, receivedAt = the context clock, eventTime null, host
 * from the {@link HostTemplate} (else the topic), severity and message null, mqtt = topic/qos/retained, payload per
 * {@link Payloads#classify}.
 */
final class MqttIngest {

    /** What the caller must do with the broker. */
    enum Outcome {
        /** Acknowledge (QoS 1 PUBACK / QoS 2 PUBCOMP); nothing to do for QoS 0. */
        ACK,
        /** Do not acknowledge: the gateway did not take it; the broker must redeliver it later. */
        HOLD
    }

    /*
     * BUFFER_FULL (a full buffer when the emitter does not wait) for QoS 1/2: the emit is retried with back-off
     * (10 ms doubling to 1 s) on the callback thread, unacknowledged meanwhile, until it is taken or the input stops.
     */
    /** Rejection reason: the gateway refused the record because it is shutting down (QoS 0 only: lost). */
    static final String CLOSED = "closed";
    /** Rejection reason: the emitter threw (a gateway bug). */
    static final String EMIT_FAILED = "emit-failed";
    static final int MAX_RAW_BYTES = IngestSupport.MAX_RAW_BYTES;
    private static final Logger LOG = LoggerFactory.getLogger(MqttIngest.class);

    private final String input;
    private final String site;
    private final String gateway;
    private final Clock clock;
    private final Emitter emitter;
    private final RecentRecords recent;
    private final MqttMetrics metrics;
    private final AckLedger ledger;
    private final HostTemplate hostTemplate;
    private final int maxPayloadBytes;
    private final String peer;
    /** MQTT 5 receive maximum the client announces: at most this many unacknowledged messages can be redelivered. */
    static final int REDELIVERY_WINDOW = 1000;
    private final boolean dupFlagVisible;
    private volatile boolean redeliveryPhase;
    private final java.util.function.BooleanSupplier stopping;
    private Instant lastReceivedAt;
    static final long MAX_CLOCK_STEP_BACK_NANOS = 1_000_000_000L;
    private final IngestSupport support;

    MqttIngest(MqttInputSettings settings, SourceContext ctx, MqttMetrics metrics, AckLedger ledger,
               java.util.function.BooleanSupplier stopping) {
        this.stopping = stopping;
        this.input = settings.name();
        this.site = ctx.site();
        this.gateway = ctx.gateway();
        this.clock = ctx.clock();
        this.emitter = ctx.emitter();
        this.recent = ctx.recent();
        this.support = new IngestSupport(LOG, "mqtt", settings.name(), ctx.rejections());
        this.metrics = metrics;
        this.ledger = ledger;
        this.hostTemplate = HostTemplate.of(settings.hostFrom());
        this.lastReceivedAt = ledger.lastReceivedAt();
        this.maxPayloadBytes = settings.maxPayloadBytes();
        this.peer = settings.broker();
        // Paho 1.2.5's mqttv5 client drops the DUP flag before messageArrived (MqttPublish.getMessage() builds a new
        // MqttMessage without it), so for MQTT 5 redeliveries are recognised by their position instead (below)
        this.dupFlagVisible = settings.version() == MqttInputSettings.Version.V3_1_1;
    }

    /**
     * Called before each (re)connect. After a reconnect with a session present the broker first resends the
     * unacknowledged PUBLISH packets, in their original order and with their original packet ids (MQTT 5 section
     * 4.4), then new ones. Until the first message that does not match its ledger slot, a message that matches the
     * ledger and is among the last {@link #REDELIVERY_WINDOW} accepted is taken as such a resend.
     */
    void startRedeliveryPhase() {
        redeliveryPhase = true;
    }

    /**
     * @param packetId the MQTT packet id (QoS 1/2), ignored for QoS 0
     * @param dup      the DUP flag: the broker says it may have sent this before
     * @param replayed the message comes from the client's own persistence after a restart (QoS 2), so it may be in
     *                 the buffer already although its DUP flag is clear
     */
    Outcome accept(String topic, byte[] payload, int qos, boolean retained, int packetId, boolean dup, boolean replayed) {
        metrics.messages().mark();
        metrics.bytes().mark(payload.length);
        long fp = 0;
        if (qos > 0) {
            fp = AckLedger.fingerprint(topic, payload, qos);
            boolean maybeResent = dup || replayed
                    || (!dupFlagVisible && redeliveryPhase && ledger.recent(packetId, REDELIVERY_WINDOW));
            if (maybeResent && ledger.contains(packetId, fp)) {
                metrics.duplicatesSuppressed().inc();
                return Outcome.ACK;
            }
            redeliveryPhase = false;
            if (!dup && !replayed) {
                // a first transmission: the broker reuses a packet id only after our ack of its previous holder
                ledger.clear(packetId);
            }
        }
        if (payload.length > maxPayloadBytes) {
            reject(Rejections.OVERSIZED, "payload of " + payload.length + " bytes on topic '" + topic
                    + "' exceeds maxPayloadBytes " + maxPayloadBytes, payload);
            settle(qos, packetId, fp);
            return Outcome.ACK;
        }
        Envelope e;
        Admission a;
        Instant at = nextReceivedAt();
        if (qos > 0) {
            ledger.prepare(packetId, fp, at);
        }
        try {
            e = new Envelope(null, site, gateway, input, SourceKind.MQTT, at, null, host(topic), null, null,
                    Map.of(), null, new MqttFields(topic, qos, retained), Payloads.classify(payload));
            a = emitter.emit(e);
            long backoff = 10;
            while (a == Admission.BUFFER_FULL && qos > 0 && !stopping.getAsBoolean()) {
                // not acknowledged meanwhile: the broker keeps it (and stops sending once its in-flight window is full)
                metrics.unacknowledged().inc();
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 1000);
                a = emitter.emit(e);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            endPending(qos);
            metrics.unacknowledged().inc();
            return Outcome.HOLD;
        } catch (RuntimeException ex) {
            logError("the gateway failed to take a record", ex);
            reject(EMIT_FAILED, "the gateway failed to take the record: " + ex, payload);
            settle(qos, packetId, fp);
            endPending(qos);
            return Outcome.ACK;
        }
        if (a.settled()) {
            settle(qos, packetId, fp);
            endPending(qos);
            return Outcome.ACK;
        }
        endPending(qos);
        if (qos == 0) {
            if (a == Admission.BUFFER_FULL) {
                reject(Rejections.BUFFER_FULL, "the gateway buffer is full (QoS 0: cannot be redelivered)", payload);
            } else {
                reject(CLOSED, "the gateway is shutting down (QoS 0: cannot be redelivered)", payload);
            }
            return Outcome.ACK;
        }
        metrics.unacknowledged().inc();
        return Outcome.HOLD;
    }

    /**
     * Resolves what a crash left pending in the ledger (call once at start, before any message): if the buffer holds
     * the record accepted at the pending entry's instant, its append completed and the entry is completed (the
     * broker's redelivery will be acknowledged and skipped); otherwise it is dropped (the redelivery will be stored).
     */
    void resolvePending() {
        AckLedger.Pending p = ledger.pending();
        if (p == null) {
            return;
        }
        boolean stored;
        try {
            stored = recent.holdsRecent(input, SourceKind.MQTT, p.receivedAt());
        } catch (RuntimeException ex) {
            logError("could not look up the buffer for the message being stored at the last stop", ex);
            stored = false; // stored again if redelivered: a possible duplicate, never a loss
        }
        if (stored) {
            ledger.put(p.packetId(), p.fingerprint());
        } else if (ledger.contains(p.packetId(), p.fingerprint())) {
            ledger.clear(p.packetId());
        }
        ledger.clearPending();
        LOG.info("mqtt input '{}': the message being stored under packet id {} when the gateway stopped {} the buffer",
                input, p.packetId(), stored ? "is in" : "is not in");
    }

    /**
     * A receivedAt strictly after the previous one of this input (also across restarts), so that it names one record:
     * a clock reading equal to the previous one, or up to {@link #MAX_CLOCK_STEP_BACK_NANOS} before it, becomes the
     * previous one plus 1 ns. A larger step back (the clock was corrected) is taken as it is: one wrong reading must
     * not pin every later timestamp, and an exact collision with an earlier instant is then as unlikely as any.
     */
    private Instant nextReceivedAt() {
        Instant now = clock.instant();
        if (lastReceivedAt != null && !now.isAfter(lastReceivedAt)
                && Duration.between(now, lastReceivedAt).toNanos() < MAX_CLOCK_STEP_BACK_NANOS) {
            now = lastReceivedAt.plusNanos(1);
        }
        lastReceivedAt = now;
        return now;
    }

    private void endPending(int qos) {
        if (qos > 0) {
            ledger.clearPending();
        }
    }

    private void settle(int qos, int packetId, long fp) {
        if (qos > 0) {
            ledger.put(packetId, fp);
        }
    }

    String host(String topic) {
        return hostTemplate == null ? topic : hostTemplate.hostOf(topic);
    }

    private void reject(String reason, String detail, byte[] payload) {
        support.reject(reason, detail, payload, 0, payload.length, peer);
    }

    void logError(String what, Exception ex) {
        support.logError(what, ex);
    }
}
