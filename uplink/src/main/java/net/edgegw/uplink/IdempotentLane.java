package net.edgegw.uplink;

import net.edgegw.storeforward.StoredRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * At-least-once uplink of one lane: an idempotent producer (no duplicates from the producer's own retries); a
 * batch is sent, every ack awaited, then the buffer's position advances. After a failure or a restart the lane
 * resends from the buffer's replicated index, so a record may arrive twice, always with the same id.
 */
final class IdempotentLane extends LaneWorker {

    IdempotentLane(Lane lane, String site, String gateway, UplinkSettings settings, Clock clock, TokenBucket bucket,
                   long bufferMemory) {
        super(lane, site, gateway, settings, clock, bucket, bufferMemory);
    }

    @Override
    void connect() {
        useProducer(new KafkaProducer<>(KafkaClients.idempotentProducer(settings, clientId, bufferMemory)));
    }

    @Override
    void resume() {
        long index = buffer.replicatedIndex();
        logResume(index, index, "local position");
        reopenReader(index);
        resumedAfter(index);
    }

    @Override
    long send(List<StoredRecord> batch) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback cb = (md, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        };
        long bytes = sendRecords(batch, cb, failure);
        producer().flush(); // returns when every record is acknowledged or failed (bounded by delivery.timeout.ms)
        Exception f = failure.get();
        if (f != null) {
            throw f instanceof KafkaException ke ? ke : new KafkaException(f);
        }
        long last = batch.get(batch.size() - 1).index();
        buffer.markReplicated(last);
        batchDurable(last, batch.size());
        return bytes;
    }
}
