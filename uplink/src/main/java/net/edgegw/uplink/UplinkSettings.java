package net.edgegw.uplink;

import net.edgegw.core.Headers;
import net.edgegw.core.security.Secrets;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Settings of the Kafka uplink. Immutable and thread-safe; validated here. {@code null} for an object field means
 * its default; any other invalid value is refused with an {@link IllegalArgumentException} naming the field.
 *
 * @param bootstrapServers     the cloud Kafka cluster, {@code host:port[,host:port...]}
 * @param delivery             exactly-once (default) or at-least-once
 * @param compression          {@code zstd} (default), {@code lz4}, {@code snappy}, {@code gzip} or {@code none}
 * @param clientProperties     passed to every Kafka client (TLS, SASL, tuning overrides); values of keys that look
 *                             secret are never logged ({@link Secrets}). Keys that would break the delivery guarantee
 *                             ({@link #RESERVED_CLIENT_PROPERTIES}) are refused.
 * @param batchMaxRecords      records per transaction / batch at most (default 10000)
 * @param batchMaxBytes        key+value bytes per batch, about (default 4 MiB); see also {@code bandwidthBytesPerSec}
 * @param batchWait            how long a batch may wait to fill up (default 50 ms); also the idle poll interval
 * @param bandwidthBytesPerSec uplink cap over key+value bytes shared by all lanes; 0 = unlimited
 * @param checkpointsTopic     compacted topic of the exactly-once positions (default {@code edge.checkpoints})
 * @param backoffMin           first retry delay after an error (default 200 ms)
 * @param backoffMax           retry delay cap (default 30 s)
 */
public record UplinkSettings(String bootstrapServers, Delivery delivery, String compression,
                             Map<String, String> clientProperties, int batchMaxRecords, int batchMaxBytes,
                             Duration batchWait, long bandwidthBytesPerSec, String checkpointsTopic,
                             Duration backoffMin, Duration backoffMax) {

    public static final String DEFAULT_COMPRESSION = "zstd";
    public static final int DEFAULT_BATCH_MAX_RECORDS = 10_000;
    public static final int DEFAULT_BATCH_MAX_BYTES = 4 * 1024 * 1024;
    public static final Duration DEFAULT_BATCH_WAIT = Duration.ofMillis(50);
    public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofMillis(200);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

    /** Compression codecs the Kafka producer offers. */
    public static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    /**
     * Client properties the uplink sets itself because the delivery guarantee depends on them; setting them in
     * {@code clientProperties} is an error.
     */
    public static final Set<String> RESERVED_CLIENT_PROPERTIES = Set.of("bootstrap.servers", "transactional.id",
            "enable.idempotence", "acks", "isolation.level", "key.serializer", "value.serializer",
            "key.deserializer", "value.deserializer", "enable.auto.commit", "group.id");

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public UplinkSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("uplink bootstrapServers is required");
        }
        bootstrapServers = bootstrapServers.trim();
        delivery = delivery == null ? Delivery.EXACTLY_ONCE : delivery;
        compression = compression == null ? DEFAULT_COMPRESSION : compression.trim().toLowerCase(Locale.ROOT);
        if (!COMPRESSIONS.contains(compression)) {
            throw new IllegalArgumentException("uplink compression must be one of " + COMPRESSIONS + ", got '"
                    + compression + "'");
        }
        Map<String, String> props = new LinkedHashMap<>();
        if (clientProperties != null) {
            for (Map.Entry<String, String> e : clientProperties.entrySet()) {
                if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                    throw new IllegalArgumentException("uplink clientProperties: null or blank key or value (key '"
                            + e.getKey() + "')");
                }
                if (RESERVED_CLIENT_PROPERTIES.contains(e.getKey().trim())) {
                    throw new IllegalArgumentException("uplink clientProperties: '" + e.getKey()
                            + "' is set by the uplink itself and cannot be overridden");
                }
                props.put(e.getKey().trim(), e.getValue());
            }
        }
        clientProperties = Map.copyOf(props);
        if (batchMaxRecords < 1 || batchMaxRecords > 1_000_000) {
            throw new IllegalArgumentException("uplink batchMaxRecords must be 1..1000000, got " + batchMaxRecords);
        }
        if (batchMaxBytes < 1024 || batchMaxBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("uplink batchMaxBytes must be 1 KiB..64 MiB, got " + batchMaxBytes);
        }
        batchWait = batchWait == null ? DEFAULT_BATCH_WAIT : batchWait;
        if (batchWait.isNegative() || batchWait.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("uplink batchWait must be 0..60 s, got " + batchWait);
        }
        if (bandwidthBytesPerSec < 0) {
            throw new IllegalArgumentException("uplink bandwidthBytesPerSec must be >= 0 (0 = unlimited), got "
                    + bandwidthBytesPerSec);
        }
        if (bandwidthBytesPerSec > 0 && bandwidthBytesPerSec < 1024) {
            throw new IllegalArgumentException("uplink bandwidthBytesPerSec must be at least 1024 when set, got "
                    + bandwidthBytesPerSec);
        }
        checkpointsTopic = checkpointsTopic == null ? Headers.TOPIC_CHECKPOINTS : checkpointsTopic;
        if (!TOPIC.matcher(checkpointsTopic).matches() || checkpointsTopic.equals(".")
                || checkpointsTopic.equals("..")) {
            throw new IllegalArgumentException("uplink checkpointsTopic is not a legal topic name: '"
                    + checkpointsTopic + "'");
        }
        backoffMin = backoffMin == null ? DEFAULT_BACKOFF_MIN : backoffMin;
        backoffMax = backoffMax == null ? DEFAULT_BACKOFF_MAX : backoffMax;
        if (backoffMin.isNegative() || backoffMin.isZero()) {
            throw new IllegalArgumentException("uplink backoffMin must be positive, got " + backoffMin);
        }
        if (backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("uplink backoffMax (" + backoffMax + ") must be >= backoffMin ("
                    + backoffMin + ")");
        }
    }

    /** Defaults for everything but the bootstrap servers. */
    public static UplinkSettings defaults(String bootstrapServers) {
        return new UplinkSettings(bootstrapServers, Delivery.EXACTLY_ONCE, DEFAULT_COMPRESSION, Map.of(),
                DEFAULT_BATCH_MAX_RECORDS, DEFAULT_BATCH_MAX_BYTES, DEFAULT_BATCH_WAIT, 0, Headers.TOPIC_CHECKPOINTS,
                DEFAULT_BACKOFF_MIN, DEFAULT_BACKOFF_MAX);
    }

    public UplinkSettings withDelivery(Delivery d) {
        return new UplinkSettings(bootstrapServers, d, compression, clientProperties, batchMaxRecords, batchMaxBytes,
                batchWait, bandwidthBytesPerSec, checkpointsTopic, backoffMin, backoffMax);
    }

    public UplinkSettings withCompression(String c) {
        return new UplinkSettings(bootstrapServers, delivery, c, clientProperties, batchMaxRecords, batchMaxBytes,
                batchWait, bandwidthBytesPerSec, checkpointsTopic, backoffMin, backoffMax);
    }

    public UplinkSettings withClientProperties(Map<String, String> p) {
        return new UplinkSettings(bootstrapServers, delivery, compression, p, batchMaxRecords, batchMaxBytes,
                batchWait, bandwidthBytesPerSec, checkpointsTopic, backoffMin, backoffMax);
    }

    public UplinkSettings withBatch(int maxRecords, int maxBytes, Duration wait) {
        return new UplinkSettings(bootstrapServers, delivery, compression, clientProperties, maxRecords, maxBytes,
                wait, bandwidthBytesPerSec, checkpointsTopic, backoffMin, backoffMax);
    }

    public UplinkSettings withBandwidth(long bytesPerSec) {
        return new UplinkSettings(bootstrapServers, delivery, compression, clientProperties, batchMaxRecords,
                batchMaxBytes, batchWait, bytesPerSec, checkpointsTopic, backoffMin, backoffMax);
    }

    public UplinkSettings withCheckpointsTopic(String topic) {
        return new UplinkSettings(bootstrapServers, delivery, compression, clientProperties, batchMaxRecords,
                batchMaxBytes, batchWait, bandwidthBytesPerSec, topic, backoffMin, backoffMax);
    }

    public UplinkSettings withBackoff(Duration min, Duration max) {
        return new UplinkSettings(bootstrapServers, delivery, compression, clientProperties, batchMaxRecords,
                batchMaxBytes, batchWait, bandwidthBytesPerSec, checkpointsTopic, min, max);
    }

    /** Like the record's, but the values of secret-looking client properties are redacted. */
    @Override
    public String toString() {
        return "UplinkSettings[bootstrapServers=" + bootstrapServers + ", delivery=" + delivery.configName()
                + ", compression=" + compression
                + ", clientProperties=" + Secrets.redact(new TreeMap<>(clientProperties))
                + ", batchMaxRecords=" + batchMaxRecords + ", batchMaxBytes=" + batchMaxBytes
                + ", batchWait=" + batchWait + ", bandwidthBytesPerSec=" + bandwidthBytesPerSec
                + ", checkpointsTopic=" + checkpointsTopic + ", backoffMin=" + backoffMin
                + ", backoffMax=" + backoffMax + "]";
    }
}
