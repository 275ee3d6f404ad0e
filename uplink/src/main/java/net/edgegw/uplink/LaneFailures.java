package net.edgegw.uplink;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed lane step means and what the lane does about it: closing (no retry), fenced by another live
 * instance (stop for good), a timeout (the broker is gone: close at once, smaller batches) or any other error (back
 * off and recover).
 *
 * <p>Not thread-safe: the forwarder thread only.
 */
final class LaneFailures {

    private static final Logger LOG = LoggerFactory.getLogger(LaneFailures.class);

    private final CloseSignal close;
    private final UplinkHealth health;

    LaneFailures(CloseSignal close, UplinkHealth health) {
        this.close = close;
        this.health = health;
    }

    /** Lane {@code w} failed with {@code e}. */
    void onFailure(LaneWorker w, Exception e) {
        if (close.closing()) { // e.g. a call failed because close() closed the clients: no retry, no DOWN
            LOG.debug("lane {}: failed while closing: {}", w.name, e.toString());
            w.failedWhileClosing();
            return;
        }
        health.error();
        String text = Backoff.describe(e);
        if (w instanceof TransactionalLane t && fenced(t, e)) {
            w.stopForGood("fenced: another instance uses transactional.id " + t.transactionalId()
                    + "; this lane stopped (" + text + ")");
            LOG.error("lane {}: fenced by another producer with transactional.id {} ({}): another gateway runs with "
                    + "the same site/gateway id, or this process is a zombie. This lane stops.", w.name,
                    t.transactionalId(), text);
            w.abortAndClose(true);
            w.closeReader();
            health.update();
            return;
        }
        boolean timeout = causedBy(e, TimeoutException.class)
                || causedBy(e, java.util.concurrent.TimeoutException.class);
        w.failed(e, text, timeout, timeout || causedBy(e, InvalidProducerEpochException.class));
        health.update();
    }

    /**
     * Whether a transactional lane lost its epoch to another live producer with its transactional.id (then it must
     * stop, not re-initialise and fence the other in turn). Kafka reports a newer epoch as ProducerFenced (on
     * transaction requests) or InvalidProducerEpoch (on produce requests, e.g. with transactions v2); both are
     * also what a transaction aborted by the coordinator's timeout looks like. A transaction younger than the
     * transaction timeout cannot have timed out, so then it is another producer.
     */
    private static boolean fenced(TransactionalLane t, Exception e) {
        boolean epochLost = causedBy(e, ProducerFencedException.class)
                || causedBy(e, InvalidProducerEpochException.class);
        return epochLost && t.transactionAgeMs() < t.transactionTimeoutMs();
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
