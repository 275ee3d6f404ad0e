package net.edgegw.storeforward;

import net.edgegw.core.SourceKind;

/**
 * One record as stored in the buffer: everything the uplink needs to produce the Kafka record, already encoded.
 *
 * @param topic            destination Kafka topic
 * @param key              Kafka key bytes ({@code "<site>/<host>"} UTF-8)
 * @param source           for the {@code edge.source} header
 * @param receivedAtMillis acceptance time (epoch ms), for maxAge and oldest-unsent age
 * @param body             {@code EnvelopeJson.encodeBody(...)}: the JSON value without its id
 */
public record BufferedRecord(String topic, byte[] key, SourceKind source, long receivedAtMillis, byte[] body) {
    public BufferedRecord {
        if (topic == null || topic.isEmpty() || key == null || source == null || body == null) {
            throw new IllegalArgumentException("topic, key, source and body are required");
        }
    }

    /** Bytes this record costs on the uplink (key + value). */
    public int wireSize() {
        return key.length + body.length;
    }
}
