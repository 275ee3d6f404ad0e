package net.edgegw.adapters.syslog;

import net.edgegw.adapters.testing.RecordingRejections;
import com.codahale.metrics.MetricRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.EnvelopeJson;
import net.edgegw.core.SourceContext;
import net.edgegw.core.SourceKind;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SyslogIngestTest {

    private static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");

    private final RecordingEmitter emitter = new RecordingEmitter();
    private final RecordingRejections rejections = new RecordingRejections();
    private final MetricRegistry registry = new MetricRegistry();
    private final SyslogIngest ingest = new SyslogIngest("in", new SyslogParser(),
            new SourceContext("site-7", "gw-2", Clock.fixed(NOW, ZoneOffset.UTC), emitter, rejections),
            new SyslogMetrics(registry, "in"));

    private Admission accept(String s, boolean blocking) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ingest.accept(b, 0, b.length, "10.0.0.9", blocking);
    }

    @Test
    void envelopeFromAnRfc5424Message() {
        assertThat(accept("<165>1 2003-10-11T22:14:15.003Z mymachine evntslog 42 ID47 [a@1 k=\"v\"] hello", true))
                .isEqualTo(Admission.ACCEPTED);
        Envelope e = emitter.emitted.get(0);
        assertThat(e.id()).isNull();
        assertThat(e.site()).isEqualTo("site-7");
        assertThat(e.gateway()).isEqualTo("gw-2");
        assertThat(e.input()).isEqualTo("in");
        assertThat(e.source()).isEqualTo(SourceKind.SYSLOG);
        assertThat(e.receivedAt()).isEqualTo(NOW);
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
        assertThat(e.host()).isEqualTo("mymachine");
        assertThat(e.key()).isEqualTo("site-7/mymachine");
        assertThat(e.severity()).isEqualTo(5);
        assertThat(e.message()).isEqualTo("hello");
        assertThat(e.attributes()).isEmpty();
        assertThat(e.syslog().procId()).isEqualTo("42");
        assertThat(e.mqtt()).isNull();
        assertThat(e.payload()).isNull();
        assertThat(registry.meter("input.in.messages").getCount()).isEqualTo(1);
    }

    @Test
    void envelopeFromAKeyValueMessageAndItsJson() {
        accept("<134>date=2024-01-01 time=10:00:00 devname=FW01 action=deny", false);
        Envelope e = emitter.offered.get(0);
        assertThat(e.host()).isEqualTo("FW01");
        assertThat(e.severity()).isEqualTo(6);
        assertThat(e.attributes()).containsEntry("kv.action", "deny");
        Envelope back = EnvelopeJson.decode(EnvelopeJson.encode(e));
        assertThat(back).isEqualTo(e);
    }

    @Test
    void hostFallsBackToThePeerThenToUnknown() {
        accept("<13>no header", true);
        assertThat(emitter.emitted.get(0).host()).isEqualTo("10.0.0.9");
        ParsedSyslog p = new SyslogParser().parse("<13>x", NOW);
        assertThat(ingest.toEnvelope(p, NOW, null).host()).isEqualTo("unknown");
    }

    @Test
    void admissionOutcomesBecomeRejections() {
        emitter.offerResult = Admission.CLOSED;
        assertThat(accept("<13>late", false)).isEqualTo(Admission.CLOSED);
        assertThat(accept("<999>bad", false)).isNull();
        assertThat(rejections.reasons()).containsExactly("closed", "malformed");
        assertThat(rejections.all.get(0).rawText()).isEqualTo("<13>late");
    }

    @Test
    void emitterFailureIsReportedNotThrown() {
        SyslogIngest failing = new SyslogIngest("in", new SyslogParser(), new SourceContext("s", "g", Clock.systemUTC(),
                e -> {
                    throw new IllegalStateException("boom");
                }, rejections), new SyslogMetrics(registry, "in"));
        byte[] b = "<13>x".getBytes(StandardCharsets.US_ASCII);
        assertThat(failing.accept(b, 0, b.length, "p", true)).isNull();
        assertThat(rejections.reasons()).containsExactly("emit-failed");
    }

    @Test
    void rawBytesOfRejectionsAreTruncated() {
        byte[] big = new byte[10_000];
        ingest.reject("oversized", "big", big, 0, big.length, "p");
        ingest.reject("x", "no raw", null, 0, 0, "p");
        assertThat(rejections.all.get(0).raw()).hasSize(SyslogIngest.MAX_RAW_BYTES);
        assertThat(rejections.all.get(1).raw()).isEmpty();
    }

    @Test
    void directBuffersAreCopiedThroughTheScratchArray() {
        ByteBuf direct = Unpooled.directBuffer().writeBytes("<13>from a direct buffer".getBytes(StandardCharsets.US_ASCII));
        try {
            ingest.accept(direct, "p", true);
        } finally {
            direct.release();
        }
        assertThat(emitter.messages()).containsExactly("from a direct buffer");
    }

    @Property(tries = 1000)
    void everyAcceptedParseMakesAValidEnvelope(@ForAll @Size(max = 200) byte[] bytes) {
        ParsedSyslog p = new SyslogParser().parse(bytes, 0, bytes.length, NOW);
        if (!p.isMalformed()) {
            Envelope e = ingest.toEnvelope(p, NOW, "192.0.2.1");
            assertThat(e.host()).isNotEmpty();
            assertThat(EnvelopeJson.decode(EnvelopeJson.encode(e)).syslog()).isEqualTo(e.syslog());
        }
    }

    @Test
    void structuredDataAndAttributesAreImmutable() {
        accept("<13>1 - h a - - [x@1 k=\"v\"] m", true);
        Envelope e = emitter.emitted.get(0);
        Map<String, Map<String, String>> sd = e.syslog().structuredData();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sd.put("y", Map.of()))
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sd.get("x@1").put("y", "z"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
