package net.edgegw.mqtt;

import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.Payload;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Test double of the gateway's emitter: records accepted envelopes; a policy can refuse or act per envelope. */
final class TestEmitter implements Emitter {
    final List<Envelope> accepted = new CopyOnWriteArrayList<>();
    final List<Envelope> refused = new CopyOnWriteArrayList<>();
    /** Decides per envelope; null = ACCEPTED. */
    volatile Function<Envelope, Admission> policy;

    @Override
    public Admission emit(Envelope e) {
        Function<Envelope, Admission> p = policy;
        Admission a = p == null ? Admission.ACCEPTED : p.apply(e);
        if (a == Admission.ACCEPTED) {
            accepted.add(e);
        } else {
            refused.add(e);
        }
        return a;
    }

    List<String> payloads() {
        return accepted.stream().map(TestEmitter::text).toList();
    }

    static String text(Envelope e) {
        Payload p = e.payload();
        if (p instanceof Payload.Json j) {
            return new String(j.raw(), StandardCharsets.UTF_8);
        }
        if (p instanceof Payload.Text t) {
            return t.text();
        }
        return "binary:" + ((Payload.Binary) p).bytes().length;
    }
}
