package net.edgegw.aggregator.rules;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.aggregator.model.HealthJson;
import net.edgegw.core.Envelope;
import net.edgegw.core.Payload;

import java.io.IOException;

/**
 * One envelope being evaluated, with its JSON payload parsed at most once and only if a rule asks for it.
 * Not thread-safe: one evaluation, one thread.
 */
public final class RecordView {

    private final Envelope envelope;
    private JsonNode payloadTree;
    private boolean parsed;

    public RecordView(Envelope envelope) {
        this.envelope = envelope;
    }

    public Envelope envelope() {
        return envelope;
    }

    /** The JSON payload as a tree, or null when the payload is not JSON. */
    JsonNode payloadTree() {
        if (!parsed) {
            parsed = true;
            if (envelope.payload() instanceof Payload.Json j) {
                try {
                    payloadTree = HealthJson.MAPPER.readTree(j.raw());
                } catch (IOException e) {
                    payloadTree = null;
                }
            }
        }
        return payloadTree;
    }
}
