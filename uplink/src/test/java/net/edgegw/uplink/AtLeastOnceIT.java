package net.edgegw.uplink;

import net.edgegw.storeforward.MemoryLaneBuffer;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.Headers;
import net.edgegw.testkit.EmbeddedKafka;
import net.edgegw.testkit.KafkaReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static net.edgegw.uplink.ItSupport.Ledger;
import static net.edgegw.uplink.ItSupport.assertContent;
import static net.edgegw.uplink.ItSupport.awaitCommitted;
import static net.edgegw.uplink.ItSupport.forwarder;
import static net.edgegw.uplink.ItSupport.readCommitted;
import static net.edgegw.uplink.ItSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;

/** At-least-once: nothing lost across a restart with the hint behind; duplicates are recognisable by id. */
class AtLeastOnceIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** (4) A forced restart with the hint behind: 0 lost, and every duplicate carries the same edge.id. */
    @Test
    void restartWithHintBehindLosesNothingAndDuplicatesKeepTheirId() {
        String topic = "alo.telemetry";
        kafka.createTopic(topic, 2, false);
        Ledger ledger = new Ledger("site-alo", "gw-1");
        UplinkSettings s = settings(kafka.bootstrapServers()).withDelivery(Delivery.AT_LEAST_ONCE);
        MemoryLaneBuffer.Store store = MemoryLaneBuffer.Store.keepingReplicated();
        MemoryLaneBuffer first = MemoryLaneBuffer.unbounded("main", store);
        ledger.append(first, topic, 3_000, 7, 300);
        try (Forwarder f = forwarder(ledger, List.of(new Lane(first, 0)), s)) {
            f.start();
            awaitCommitted(f, Duration.ofSeconds(60), Map.of("main", store));
        }
        first.close();
        assertThat(store.replicated()).isEqualTo(2_999);

        store.forceReplicatedIndex(1_999); // as if the last 1000 acks had not been persisted before a crash
        MemoryLaneBuffer second = MemoryLaneBuffer.unbounded("main", store);
        ledger.append(second, topic, 1_000, 7, 300);
        try (Forwarder f = forwarder(ledger, List.of(new Lane(second, 0)), s)) {
            f.start();
            awaitCommitted(f, Duration.ofSeconds(60), Map.of("main", store));
            assertThat(f.status().recordsSent()).isEqualTo(2_000);
        }

        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(kafka.bootstrapServers(), topic);
        Map<String, Integer> counts = KafkaReader.countBy(records, r -> KafkaReader.header(r, Headers.ID));
        assertThat(ledger.byId.keySet()).allSatisfy(id -> assertThat(counts).containsKey(id)); // 0 lost
        assertThat(counts.keySet()).allSatisfy(id -> assertThat(ledger.byId).containsKey(id));
        Map<String, Integer> dups = KafkaReader.duplicates(records, r -> KafkaReader.header(r, Headers.ID));
        assertThat(dups).hasSize(1_000).allSatisfy((id, n) -> {
            assertThat(n).isEqualTo(2);
            assertThat(ledger.byId.get(id).index()).isBetween(2_000L, 2_999L);
        });
        assertContent(records, ledger); // each copy: same id in header and value, same key, same bytes
        assertThat(records).allSatisfy(r ->
                assertThat(EnvelopeJson.decode(r.value()).id()).isEqualTo(KafkaReader.header(r, Headers.ID)));
    }
}
