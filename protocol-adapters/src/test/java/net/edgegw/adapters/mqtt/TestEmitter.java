package net.edgegw.adapters.mqtt;

import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.Payload;
import net.edgegw.core.RecentRecords;
import net.edgegw.core.SourceKind;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Test double of the gateway's emitter: records accepted envelopes; a policy can refuse or act per envelope. */
final class TestEmitter implements Emitter, RecentRecords {
    final List<Envelope> accepted = new CopyOnWriteArrayList<>();
    final List<Envelope> refused = new CopyOnWriteArrayList<>();
    /** What an earlier process left in the buffer (its accepted records), for {@link #holdsRecent}. */
    volatile List<Envelope> survivors = List.of();
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

    @Override
    public boolean holdsRecent(String input, SourceKind source, Instant receivedAt) {
        return java.util.stream.Stream.concat(survivors.stream(), accepted.stream()).anyMatch(e ->
                e.input().equals(input) && e.source() == source && e.receivedAt().equals(receivedAt));
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
