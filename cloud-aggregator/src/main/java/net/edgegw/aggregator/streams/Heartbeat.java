package net.edgegw.aggregator.streams;

import com.fasterxml.jackson.databind.JsonNode;
import net.edgegw.aggregator.model.HealthJson;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The facts the aggregator takes from one gateway heartbeat ({@code edge.heartbeats}, docs/heartbeat.md). Missing
 * numbers read as 0, missing texts as null; {@code site} and {@code gateway} are required. Immutable.
 */
record Heartbeat(String site, String gateway, String version, Instant startedAt, Instant sentAt,
                 long uptimeSeconds, String configHash, long backlogRecords, long backlogBytes,
                 long oldestUnsentAgeMs, double drainRatePerSec, long droppedOverflow, long droppedExpired,
                 long droppedBufferFull, long droppedTotal, String uplinkState) {

    /**
     * Parses a heartbeat's JSON value.
     *
     * @throws IllegalArgumentException when it is not a heartbeat object with a site and a gateway
     */
    static Heartbeat parse(byte[] json) {
        JsonNode n;
        try {
            n = HealthJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("heartbeat is not a JSON object");
        }
        String type = text(n.get("type"));
        if (type != null && !type.equals("heartbeat")) {
            throw new IllegalArgumentException("type is '" + type + "', not heartbeat");
        }
        String site = text(n.get("site"));
        String gateway = text(n.get("gateway"));
        if (site == null || site.isEmpty() || gateway == null || gateway.isEmpty()) {
            throw new IllegalArgumentException("heartbeat without site or gateway");
        }
        JsonNode backlog = n.path("backlog");
        JsonNode dropped = n.path("dropped");
        long overflow = dropped.path("overflow").asLong();
        long expired = dropped.path("expired").asLong();
        long bufferFull = dropped.path("bufferFull").asLong();
        long total = dropped.has("total") ? dropped.path("total").asLong() : overflow + expired + bufferFull;
        return new Heartbeat(site, gateway, text(n.get("version")), instant(n.get("startedAt")),
                instant(n.get("sentAt")), n.path("uptimeSeconds").asLong(), text(n.get("configHash")),
                backlog.path("records").asLong(), backlog.path("bytes").asLong(),
                backlog.path("oldestUnsentAgeMs").asLong(), n.path("drainRatePerSec").asDouble(), overflow, expired,
                bufferFull, total, text(n.path("uplink").get("state")));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Instant instant(JsonNode n) {
        String s = text(n);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant: " + s, e);
        }
    }
}
