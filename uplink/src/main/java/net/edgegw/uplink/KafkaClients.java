package net.edgegw.uplink;

import net.edgegw.core.kafka.KafkaClientProperties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Kafka client configurations of the uplink: tuned defaults, then the user's {@code clientProperties} (TLS, SASL,
 * tuning overrides) and the bootstrap servers ({@link KafkaClientProperties}), then the settings the delivery guarantee depends on, which nothing overrides.
 *
 * <p>Timeouts are sized so that an outage is noticed in seconds: a request unanswered for 15 s fails, a blocked
 * call ({@code initTransactions}, {@code commitTransaction}, metadata) gives up after 15 s, and a record is given up
 * after 30 s ({@code delivery.timeout.ms}); reconnects back off from 100 ms to at most 2 s.
 */
final class KafkaClients {

    static final int REQUEST_TIMEOUT_MS = 15_000;
    static final int MAX_BLOCK_MS = 15_000;
    static final int DELIVERY_TIMEOUT_MS = 30_000;
    static final int TRANSACTION_TIMEOUT_MS = 60_000;
    static final int LINGER_MS = 10;
    static final int BATCH_SIZE = 512 * 1024;
    /** Total producer buffer of the forwarder, split over its lanes (the gateway runs in <= 160 MiB RSS). */
    static final long TOTAL_BUFFER_MEMORY = 8L * 1024 * 1024;
    static final long MIN_BUFFER_MEMORY = 8L * 1024 * 1024;

    private KafkaClients() {
    }

    private static Map<String, Object> common(UplinkSettings s, String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        c.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        c.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, 100);
        c.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
        c.put(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, 100);
        c.put(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG, 1_000);
        c.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 5_000);
        c.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 15_000);
        c.putAll(KafkaClientProperties.base(s.bootstrapServers(), s.clientProperties()));
        return c;
    }

    private static Map<String, Object> producer(UplinkSettings s, String clientId, long bufferMemory) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferMemory);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, s.compression());
        c.putAll(common(s, clientId));
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return c;
    }

    /** The per-lane transactional producer (exactly-once). */
    static Map<String, Object> transactionalProducer(UplinkSettings s, String clientId, String transactionalId,
                                                     long bufferMemory) {
        Map<String, Object> c = producer(s, clientId, bufferMemory);
        if (!s.clientProperties().containsKey(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)) {
            c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        }
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return c;
    }

    /** The per-lane idempotent producer (at-least-once). */
    static Map<String, Object> idempotentProducer(UplinkSettings s, String clientId, long bufferMemory) {
        return producer(s, clientId, bufferMemory);
    }

    /** The heartbeat producer: idempotent, never blocks the caller for long, small buffer. */
    static Map<String, Object> heartbeatProducer(UplinkSettings s, String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 1024 * 1024);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, s.compression());
        c.putAll(common(s, clientId));
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 200);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return c;
    }

    /** The short-lived read_committed consumer that reads a lane's checkpoint (no group, no commits). */
    static Map<String, Object> checkpointConsumer(UplinkSettings s, String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, MAX_BLOCK_MS);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putAll(common(s, clientId));
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return c;
    }

    /** The admin client (checkpoints topic creation, checkpoint partition offsets). */
    static Map<String, Object> admin(UplinkSettings s, String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, MAX_BLOCK_MS);
        c.putAll(common(s, clientId));
        return c;
    }

    /** A client id fragment from names that may hold characters Kafka metrics dislike. */
    static String idPart(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    }
}
