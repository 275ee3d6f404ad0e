package net.edgegw.adapters.syslog;

import net.edgegw.adapters.testing.RecordingRejections;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.adapters.net.Cidr;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.SourceContext;
import net.edgegw.core.SourceKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SyslogSourceUdpTest {

    static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");

    private final RecordingEmitter emitter = new RecordingEmitter();
    private final RecordingRejections rejections = new RecordingRejections();
    private final MetricRegistry registry = new MetricRegistry();
    private final List<SyslogSource> sources = new ArrayList<>();

    @AfterEach
    void closeAll() {
        sources.forEach(SyslogSource::close);
    }

    private SyslogSource start(SyslogInputSettings s) throws Exception {
        SyslogSource src = new SyslogSource(s, registry);
        sources.add(src);
        src.start(new SourceContext("site-1", "gw-1", Clock.fixed(NOW, ZoneOffset.UTC), emitter, rejections));
        return src;
    }

    private static SyslogInputSettings udp() {
        return SyslogInputSettings.defaults("syslog-udp", SyslogInputSettings.Protocol.UDP, new InetSocketAddress("127.0.0.1", 0));
    }

    private static void send(SyslogSource src, String text) throws Exception {
        send(src, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(SyslogSource src, byte[] b) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(b, b.length, src.boundAddress()));
        }
    }

    @Test
    void datagramBecomesAnEnvelope() throws Exception {
        SyslogSource src = start(udp());
        assertThat(src.boundAddress().getPort()).isPositive();
        send(src, "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [a@1 k=\"v\"] 'su root' failed");
        await().atMost(5, SECONDS).until(() -> emitter.offered.size() == 1);
        Envelope e = emitter.offered.get(0);
        assertThat(e.id()).isNull();
        assertThat(e.site()).isEqualTo("site-1");
        assertThat(e.gateway()).isEqualTo("gw-1");
        assertThat(e.input()).isEqualTo("syslog-udp");
        assertThat(e.source()).isEqualTo(SourceKind.SYSLOG);
        assertThat(e.receivedAt()).isEqualTo(NOW);
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
        assertThat(e.host()).isEqualTo("mymachine.example.com");
        assertThat(e.severity()).isEqualTo(2);
        assertThat(e.message()).isEqualTo("'su root' failed");
        assertThat(e.syslog().msgId()).isEqualTo("ID47");
        assertThat(e.syslog().structuredData()).containsKey("a@1");
        assertThat(emitter.emitted).as("UDP never uses the blocking emit").isEmpty();
        assertThat(registry.meter(SyslogMetrics.name("syslog-udp", SyslogMetrics.MESSAGES)).getCount()).isEqualTo(1);
        assertThat(registry.meter("input.syslog-udp.bytes").getCount()).isGreaterThan(50);
    }

    @Test
    void missingHostnameFallsBackToPeerIp() throws Exception {
        SyslogSource src = start(udp());
        send(src, "<189>123: *Mar  1 00:01:02.345: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down");
        await().atMost(5, SECONDS).until(() -> emitter.offered.size() == 1);
        Envelope e = emitter.offered.get(0);
        assertThat(e.host()).isEqualTo("127.0.0.1");
        assertThat(e.syslog().hostname()).isNull();
        assertThat(e.attributes()).containsEntry("cisco.mnemonic", "UPDOWN");
        assertThat(e.severity()).isEqualTo(5);
    }

    @Test
    void severalMessagesInOneDatagramButMultiLineMessagesStayWhole() throws Exception {
        SyslogSource src = start(udp());
        send(src, "<13>one\n<13>two\r\n<13>three\n");
        send(src, "<13>1 - h app - - - Exception\n\tat x.y(Z.java:1)\n\tat a.b(C.java:2)");
        await().atMost(5, SECONDS).until(() -> emitter.offered.size() == 4);
        assertThat(emitter.offeredMessages()).containsExactlyInAnyOrder("one", "two", "three",
                "Exception\n\tat x.y(Z.java:1)\n\tat a.b(C.java:2)");
    }

    @Test
    void emptyOversizedAndInvalidPriAreRejectedAndTheListenerGoesOn() throws Exception {
        SyslogSource src = start(udp().withMaxMessageBytes(480));
        send(src, "\n");
        send(src, "<13>" + "x".repeat(600));
        send(src, "<999>bad pri");
        send(src, "<13>still alive");
        await().atMost(5, SECONDS).until(() -> rejections.all.size() == 3 && emitter.offered.size() == 1);
        assertThat(rejections.reasons()).containsExactlyInAnyOrder("malformed", "oversized", "malformed");
        assertThat(rejections.all).allSatisfy(r -> {
            assertThat(r.input()).isEqualTo("syslog-udp");
            assertThat(r.peer()).isEqualTo("127.0.0.1");
            assertThat(r.raw().length).isLessThanOrEqualTo(SyslogIngest.MAX_RAW_BYTES);
        });
        assertThat(rejections.all.stream().filter(r -> r.rawText().startsWith("<999>")).findFirst().orElseThrow().detail())
                .contains("<999>");
        assertThat(emitter.offeredMessages()).containsExactly("still alive");
    }

    @Test
    void bufferFullIsReportedSoTheDropIsCounted() throws Exception {
        emitter.offerResult = Admission.BUFFER_FULL;
        SyslogSource src = start(udp());
        send(src, "<13>dropped");
        await().atMost(5, SECONDS).until(() -> rejections.all.size() == 1);
        assertThat(rejections.all.get(0).reason()).isEqualTo("buffer-full");
        assertThat(rejections.all.get(0).rawText()).isEqualTo("<13>dropped");
    }

    @Test
    void allowListIsCheckedPerDatagram() throws Exception {
        SyslogSource denied = start(udp().withAllow(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32"))));
        send(denied, "<13>from loopback");
        await().atMost(5, SECONDS).until(() -> rejections.all.size() == 1);
        assertThat(rejections.all.get(0).reason()).isEqualTo("source-not-allowed");
        assertThat(rejections.all.get(0).rawText()).isEqualTo("<13>from loopback");
        SyslogSource allowed = start(SyslogInputSettings.defaults("other", SyslogInputSettings.Protocol.UDP,
                new InetSocketAddress("127.0.0.1", 0)).withAllow(List.of(Cidr.parse("127.0.0.0/8"))));
        send(allowed, "<13>welcome");
        await().atMost(5, SECONDS).until(() -> emitter.offered.size() == 1);
        assertThat(emitter.offered).isNotEmpty();
    }

    @Test
    void portInUseIsAClearBindException() throws Exception {
        SyslogSource first = start(udp());
        int port = first.boundAddress().getPort();
        SyslogSource second = new SyslogSource(SyslogInputSettings.defaults("clash", SyslogInputSettings.Protocol.UDP,
                new InetSocketAddress("127.0.0.1", port)), registry);
        sources.add(second);
        assertThatThrownBy(() -> second.start(new SourceContext("s", "g", Clock.systemUTC(), emitter, rejections)))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("syslog input 'clash'")
                .hasMessageContaining("UDP")
                .hasMessageContaining(String.valueOf(port));
    }

    @Test
    void lifecycle() throws Exception {
        SyslogSource src = start(udp());
        SourceContext ctx = new SourceContext("s", "g", Clock.systemUTC(), emitter, rejections);
        assertThatThrownBy(() -> src.start(ctx)).isInstanceOf(IllegalStateException.class);
        src.close();
        src.close();
        SyslogSource never = new SyslogSource(udp(), registry);
        never.close();
        assertThatThrownBy(() -> never.start(ctx)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(never::boundAddress).isInstanceOf(IllegalStateException.class);
    }
}
