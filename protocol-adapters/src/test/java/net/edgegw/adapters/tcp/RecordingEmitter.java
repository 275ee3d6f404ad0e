package net.edgegw.adapters.tcp;

import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double of the gateway's emitter: records what it accepts; while {@link #full} is set it refuses offers with
 * {@link Admission#BUFFER_FULL} (like a full buffer with overflow block), counting the refusals. Thread-safe.
 */
final class RecordingEmitter implements Emitter {

    final List<Envelope> accepted = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger refused = new AtomicInteger();
    volatile boolean full;
    volatile boolean closed;
    final AtomicInteger emitCalls = new AtomicInteger();

    @Override
    public Admission emit(Envelope e) {
        emitCalls.incrementAndGet(); // the TCP input must never block in emit
        return offer(e);
    }

    @Override
    public Admission offer(Envelope e) {
        if (closed) {
            return Admission.CLOSED;
        }
        if (full) {
            refused.incrementAndGet();
            return Admission.BUFFER_FULL;
        }
        accepted.add(e);
        return Admission.ACCEPTED;
    }

    List<Envelope> snapshot() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    List<String> messages() {
        return snapshot().stream().map(Envelope::message).toList();
    }

    List<String> payloads() {
        return snapshot().stream().map(e -> e.payload().toString()).toList();
    }
}
