package net.edgegw.uplink;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The exactly-once position of one lane, written to the compacted checkpoints topic in the same transaction as
 * the records it covers (contract). Key {@code <site>/<gateway>/<lane>}; value
 * {@code {"site":..,"gateway":..,"lane":..,"index":<last index in the batch>,"records":<n>,"committedAt":"<ISO>"}}.
 * Immutable and thread-safe.
 *
 * @param index       the buffer index of the last record of the transaction: every record of the lane with an
 *                    index <= this one is committed in Kafka
 * @param records     how many records the transaction carried
 * @param committedAt when the transaction was committed (the writer's clock, just before the commit)
 */
public record Checkpoint(String site, String gateway, String lane, long index, long records, Instant committedAt) {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

    public Checkpoint {
        if (site == null || gateway == null || lane == null || committedAt == null) {
            throw new IllegalArgumentException("checkpoint site, gateway, lane and committedAt are required");
        }
        if (index < 0 || records < 0) {
            throw new IllegalArgumentException("checkpoint index and records must be >= 0");
        }
    }

    /** The record key of a lane's checkpoint: {@code <site>/<gateway>/<lane>}. */
    public static String key(String site, String gateway, String lane) {
        return site + '/' + gateway + '/' + lane;
    }

    public String key() {
        return key(site, gateway, lane);
    }

    public byte[] toJson() {
        try (ByteArrayBuilder buf = new ByteArrayBuilder(160);
             JsonGenerator g = JSON.createGenerator(buf, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("site", site);
            g.writeStringField("gateway", gateway);
            g.writeStringField("lane", lane);
            g.writeNumberField("index", index);
            g.writeNumberField("records", records);
            g.writeStringField("committedAt", committedAt.toString());
            g.writeEndObject();
            g.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a checkpoint value; throws IllegalArgumentException (with the reason) when it is not one. */
    public static Checkpoint fromJson(byte[] json) {
        if (json == null) {
            throw new IllegalArgumentException("checkpoint value is null (tombstone)");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint is not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("checkpoint is not a JSON object: "
                    + new String(json, StandardCharsets.UTF_8));
        }
        JsonNode index = n.get("index");
        JsonNode records = n.get("records");
        if (index == null || !index.canConvertToLong() || !index.isIntegralNumber()
                || records == null || !records.isIntegralNumber()) {
            throw new IllegalArgumentException("checkpoint needs integer index and records: "
                    + new String(json, StandardCharsets.UTF_8));
        }
        try {
            return new Checkpoint(text(n, "site"), text(n, "gateway"), text(n, "lane"), index.asLong(),
                    records.asLong(), Instant.parse(text(n, "committedAt")));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("checkpoint committedAt is not an ISO instant: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("checkpoint field '" + field + "' missing or not a string");
        }
        return v.textValue();
    }
}
