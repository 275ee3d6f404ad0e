package net.edgegw.adapters.syslog;

import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test double of the gateway's emitter: records what it is given; can refuse offers or block emits. Thread-safe. */
final class RecordingEmitter implements Emitter {

    final List<Envelope> emitted = new CopyOnWriteArrayList<>();
    final List<Envelope> offered = new CopyOnWriteArrayList<>();
    volatile Admission offerResult = Admission.ACCEPTED;
    volatile CountDownLatch gate;

    @Override
    public Admission emit(Envelope e) {
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(10, TimeUnit.SECONDS)) {
                    return Admission.CLOSED;
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return Admission.CLOSED;
            }
        }
        emitted.add(e);
        return Admission.ACCEPTED;
    }

    @Override
    public Admission offer(Envelope e) {
        offered.add(e);
        return offerResult;
    }

    List<String> messages() {
        return emitted.stream().map(Envelope::message).toList();
    }

    List<String> offeredMessages() {
        return offered.stream().map(Envelope::message).toList();
    }
}
