package net.edgegw.adapters.testing;

import net.edgegw.core.Rejections;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test double of the gateway's rejection sink. Thread-safe. */
public final class RecordingRejections implements Rejections {

    public record Rejection(String input, String reason, String detail, byte[] raw, String peer) {
        public String rawText() {
            return new String(raw, StandardCharsets.UTF_8);
        }
    }

    public final List<Rejection> all = new CopyOnWriteArrayList<>();

    @Override
    public void reject(String input, String reason, String detail, byte[] raw, String peer) {
        if (raw == null) {
            throw new AssertionError("raw must never be null");
        }
        all.add(new Rejection(input, reason, detail, raw, peer));
    }

    public List<String> reasons() {
        return all.stream().map(Rejection::reason).toList();
    }
}
