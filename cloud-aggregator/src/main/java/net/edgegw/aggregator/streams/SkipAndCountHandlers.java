package net.edgegw.aggregator.streams;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Kafka Streams exception handlers that never stop the application because of one record: the record is skipped,
 * counted in the {@link HealthCounters} passed under {@link #COUNTERS_CONFIG} (see
 * {@link HealthTopology#streamsProperties}) and logged at most once a minute per kind. Only errors that concern
 * the whole application (authorization, fencing) still fail it. Instances are created by Kafka Streams, one per
 * stream thread; they are thread-safe.
 */
public final class SkipAndCountHandlers {

    /** Streams config key under which {@link HealthTopology#streamsProperties} passes the counters object. */
    public static final String COUNTERS_CONFIG = "edgegw.health.counters";

    private static final Logger LOG = LoggerFactory.getLogger(SkipAndCountHandlers.class);
    private static final RateLimitedLog RATE_LIMITED = new RateLimitedLog(LOG, 60, TimeUnit.SECONDS);

    private SkipAndCountHandlers() {
    }

    private static HealthCounters counters(Map<String, ?> configs) {
        Object c = configs.get(COUNTERS_CONFIG);
        return c instanceof HealthCounters hc ? hc : new HealthCounters();
    }

    /** A record that cannot be deserialized (internal topics, topology table) is skipped. */
    public static final class Deserialization implements DeserializationExceptionHandler {
        private HealthCounters counters = new HealthCounters();

        @Override
        public void configure(Map<String, ?> configs) {
            counters = counters(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                    Exception exception) {
            counters.inc(HealthCounters.DESERIALIZATION_SKIPPED);
            RATE_LIMITED.warn("deserialization", "skipped a record of {}-{} at offset {} that does not deserialize: {}",
                    record.topic(), record.partition(), record.offset(), exception.toString());
            return Response.resume();
        }
    }

    /**
     * A record that cannot be serialized or that the broker refuses for itself (too large, invalid) is skipped;
     * retriable errors are retried; anything else (authorization, fencing) fails the application as usual.
     */
    public static final class Production implements ProductionExceptionHandler {
        private HealthCounters counters = new HealthCounters();

        @Override
        public void configure(Map<String, ?> configs) {
            counters = counters(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                    Exception exception) {
            if (exception instanceof RetriableException) {
                return Response.retry();
            }
            if (exception instanceof RecordTooLargeException
                    || exception instanceof org.apache.kafka.common.InvalidRecordException) {
                counters.inc(HealthCounters.PRODUCTION_SKIPPED);
                RATE_LIMITED.warn("production", "skipped a record for {} the broker refused: {}", record.topic(),
                        exception.toString());
                return Response.resume();
            }
            return Response.fail();
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
                                                 Exception exception, SerializationExceptionOrigin origin) {
            counters.inc(HealthCounters.PRODUCTION_SKIPPED);
            RATE_LIMITED.warn("serialization", "skipped a record for {} that does not serialize ({}): {}",
                    record.topic(), origin, exception.toString());
            return Response.resume();
        }
    }

    /** An exception thrown while processing one record (a bug met by odd input) skips that record. */
    public static final class Processing implements ProcessingExceptionHandler {
        private HealthCounters counters = new HealthCounters();

        @Override
        public void configure(Map<String, ?> configs) {
            counters = counters(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            counters.inc(HealthCounters.PROCESSING_SKIPPED);
            RATE_LIMITED.warn("processing", "skipped a record in {} (task {}) after an exception",
                    context.processorNodeId(), context.taskId(), exception);
            return Response.resume();
        }
    }
}
