package net.edgegw.uplink;

import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.storeforward.StoredRecord;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.SourceKind;
import net.edgegw.core.SyslogFields;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka record built from a buffered record (SPEC section 3, contract). */
class WireContractTest {

    static Envelope envelope(String host, String message) {
        return new Envelope(null, "site-7", "gw-1", "syslog-udp", SourceKind.SYSLOG,
                Instant.parse("2026-11-24T10:00:00Z"), null, host, 5, message, Map.of("zone", "a"),
                new SyslogFields(1, 5, 1, "2026-11-24T10:00:00Z", host, "app", null, null, Map.of(), message),
                null, null);
    }

    @Test
    void recordCarriesKeyIdHeadersAndSplicedValue() {
        Envelope e = envelope("router-1", "link down");
        BufferedRecord br = new BufferedRecord("telemetry.syslog", e.key().getBytes(StandardCharsets.UTF_8),
                SourceKind.SYSLOG, e.receivedAt().toEpochMilli(), EnvelopeJson.encodeBody(e));
        IdempotentLane lane = new IdempotentLane(new Lane(ItSupport.buffer("alarms"), 0), "site-7", "gw-1",
                UplinkSettings.defaults("localhost:1"), Clock.systemUTC(), null, 1 << 20);

        ProducerRecord<byte[], byte[]> pr = lane.toProducerRecord(new StoredRecord(42, br));

        assertThat(pr.topic()).isEqualTo("telemetry.syslog");
        assertThat(new String(pr.key(), StandardCharsets.UTF_8)).isEqualTo("site-7/router-1");
        assertThat(pr.partition()).isNull();
        String id = "site-7:gw-1:alarms:42";
        assertThat(new String(pr.headers().lastHeader("edge.id").value(), StandardCharsets.UTF_8)).isEqualTo(id);
        assertThat(new String(pr.headers().lastHeader("edge.site").value(), StandardCharsets.UTF_8))
                .isEqualTo("site-7");
        assertThat(new String(pr.headers().lastHeader("edge.source").value(), StandardCharsets.UTF_8))
                .isEqualTo("syslog");
        assertThat(pr.value()).isEqualTo(EnvelopeJson.encode(e.withId(id)));
        assertThat(EnvelopeJson.decode(pr.value())).isEqualTo(e.withId(id));
        // the same stored bytes give the same value on every retry
        assertThat(lane.toProducerRecord(new StoredRecord(42, br)).value()).isEqualTo(pr.value());
    }
}
