package net.edgegw.adapters.tcp;

import net.edgegw.adapters.testing.TestCerts;
import net.edgegw.adapters.testing.RecordingRejections;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.edgegw.adapters.net.Cidr;
import net.edgegw.adapters.net.TlsSettings;
import net.edgegw.core.Envelope;
import net.edgegw.core.Payload;
import net.edgegw.core.Rejections;
import net.edgegw.core.SourceContext;
import net.edgegw.core.SourceKind;
import net.edgegw.adapters.tcp.TcpInputSettings.Format;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The TCP input on a real socket, with test doubles for the gateway's emitter and rejection sink. */
class TcpSourceTest {

    static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingEmitter emitter = new RecordingEmitter();
    private final RecordingRejections rejections = new RecordingRejections();
    private final MetricRegistry registry = new MetricRegistry();
    private final List<TcpSource> sources = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sources.forEach(TcpSource::close);
    }

    private TcpSource start(TcpInputSettings settings) throws Exception {
        TcpSource src = new TcpSource(settings, registry);
        sources.add(src);
        src.start(new SourceContext("site-1", "gw-1", Clock.fixed(NOW, ZoneOffset.UTC), emitter, rejections));
        return src;
    }

    private static TcpInputSettings settings(Format f) {
        return TcpInputSettings.defaults("tcp-in", new InetSocketAddress("127.0.0.1", 0), f);
    }

    private Socket connect(TcpSource src) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(src.boundAddress(), 5000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        send(s, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(Socket s, byte[] b) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(b);
        out.flush();
    }

    private long metric(String name) {
        String full = TcpMetrics.name("tcp-in", name);
        return registry.getMeters().containsKey(full) ? registry.meter(full).getCount() : registry.counter(full).getCount();
    }

    @Test
    void ndjsonLinesBecomeJsonPayloadsWithHostFromTheFieldOrThePeer() throws Exception {
        TcpSource src = start(settings(Format.NDJSON).withHostField("device"));
        Socket s = connect(src);
        send(s, "{\"device\":\"pump-7\",\"temp\":21.5}\r\n"
                + "\n   \n"
                + "  [1, 2, {\"a\": null}]  \n"
                + "{\"device\": 42, \"nested\": {\"device\": \"inner\"}}\n"
                + "{\"temp\": 1,}\n"
                + "{\"a\":1} {\"b\":2}\n"
                + "\"just a string\"\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.accepted.size() == 4 && rejections.all.size() == 2);

        List<Envelope> got = emitter.snapshot();
        assertThat(got).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo(SourceKind.TCP);
            assertThat(e.input()).isEqualTo("tcp-in");
            assertThat(e.site()).isEqualTo("site-1");
            assertThat(e.receivedAt()).isEqualTo(NOW);
            assertThat(e.eventTime()).isNull();
            assertThat(e.message()).isNull();
            assertThat(e.payload()).isInstanceOf(Payload.Json.class);
            assertThat(e.id()).isNull();
        });
        assertThat(got).extracting(Envelope::host).containsExactly("pump-7", "127.0.0.1", "127.0.0.1", "127.0.0.1");
        assertThat(emitter.payloads()).containsExactly("{\"device\":\"pump-7\",\"temp\":21.5}", "[1, 2, {\"a\": null}]",
                "{\"device\": 42, \"nested\": {\"device\": \"inner\"}}", "\"just a string\"");

        assertThat(rejections.reasons()).containsOnly(Rejections.MALFORMED);
        assertThat(rejections.all.get(0).rawText()).isEqualTo("{\"temp\": 1,}");
        assertThat(rejections.all.get(0).detail()).startsWith("invalid JSON: Unexpected character ('}'").contains("column 12");
        assertThat(rejections.all.get(0).peer()).isEqualTo("127.0.0.1");
        assertThat(rejections.all.get(0).input()).isEqualTo("tcp-in");
        assertThat(rejections.all.get(1).detail()).contains("more than one JSON value");
        assertThat(metric(TcpMetrics.LINES)).isEqualTo(7); // blank lines are not counted
        assertThat(metric(TcpMetrics.RECORDS)).isEqualTo(4);
        assertThat(metric(TcpMetrics.CONNECTIONS)).isEqualTo(1);
        assertThat(metric(TcpMetrics.BYTES)).isPositive();
        assertThat(emitter.emitCalls.get()).as("never the blocking emit").isZero();
    }

    @Test
    void plainLinesAreTextAndInvalidUtf8IsMalformedWhileTheConnectionGoesOn() throws Exception {
        TcpSource src = start(settings(Format.LINES));
        Socket s = connect(src);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("first line\r\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[]{'b', 'a', 'd', ' ', (byte) 0xff, 'x', '\n'});
        b.writeBytes("  {\"looks\": \"like json\"} but is a line \n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes("ünïcödé ✓\n".getBytes(StandardCharsets.UTF_8));
        send(s, b.toByteArray());
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.accepted.size() == 3);
        assertThat(emitter.messages()).containsExactly("first line", "  {\"looks\": \"like json\"} but is a line ", "ünïcödé ✓");
        assertThat(emitter.snapshot()).allSatisfy(e -> {
            assertThat(e.payload()).isEqualTo(new Payload.Text(e.message()));
            assertThat(e.host()).isEqualTo("127.0.0.1");
        });
        assertThat(rejections.all).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(Rejections.MALFORMED);
            assertThat(r.detail()).isEqualTo("invalid UTF-8 at byte 4 (0xff)");
            assertThat(r.raw()).containsExactly('b', 'a', 'd', ' ', (byte) 0xff, 'x');
        });
    }

    @Test
    void influxLinesBecomePointsWithEventTime() throws Exception {
        TcpSource src = start(settings(Format.INFLUX).withPrecision(TcpInputSettings.Precision.MS));
        Socket s = connect(src);
        send(s, "# a comment\n"
                + "cpu,host=edge-1,core=0 usage=0.5,count=3i,state=\"ok\",up=T 1700000000123\n"
                + "cpu usage=\n"
                + "mem free=17u\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.accepted.size() == 2 && rejections.all.size() == 1);
        Envelope e = emitter.snapshot().get(0);
        assertThat(e.eventTime()).isEqualTo(Instant.ofEpochMilli(1700000000123L));
        assertThat(e.host()).isEqualTo("127.0.0.1");
        JsonNode j = JSON.readTree(((Payload.Json) e.payload()).raw());
        assertThat(j.get("measurement").asText()).isEqualTo("cpu");
        assertThat(j.get("tags").get("host").asText()).isEqualTo("edge-1");
        assertThat(j.get("fields").get("usage").asDouble()).isEqualTo(0.5);
        assertThat(j.get("fields").get("count").isIntegralNumber()).isTrue();
        assertThat(j.get("fields").get("state").asText()).isEqualTo("ok");
        assertThat(j.get("fields").get("up").asBoolean()).isTrue();
        assertThat(j.get("timestamp").asLong()).isEqualTo(1700000000123L);
        Envelope mem = emitter.snapshot().get(1);
        assertThat(mem.eventTime()).isNull();
        assertThat(rejections.all.get(0).detail()).isEqualTo("line protocol: missing value of field 'usage' at column 11");
        assertThat(rejections.all.get(0).rawText()).isEqualTo("cpu usage=");
    }

    @Test
    void oversizedLineIsRejectedAndTheConnectionSurvives() throws Exception {
        TcpSource src = start(settings(Format.LINES).withMaxLineBytes(64));
        Socket s = connect(src);
        send(s, "before\n" + "z".repeat(5000) + "\nafter\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.accepted.size() == 2);
        assertThat(emitter.messages()).containsExactly("before", "after");
        assertThat(rejections.all).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(Rejections.OVERSIZED);
            assertThat(r.detail()).contains("maxLineBytes 64");
            assertThat(r.rawText()).startsWith("zzzz");
        });
        send(s, "still open\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.accepted.size() == 3);
    }

    @Test
    void fullBufferStopsReadingAndNothingIsLostWhenRoomReturns() throws Exception {
        TcpSource src = start(settings(Format.LINES));
        emitter.full = true;
        Socket s = connect(src);
        int n = 200_000; // ~ 20 MB: far more than the socket buffers hold
        String pad = "p".repeat(90);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
                for (int i = 0; i < n; i++) {
                    out.write(String.format("%07d %s\n", i, pad).getBytes(StandardCharsets.US_ASCII));
                    written.incrementAndGet();
                }
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "writer");
        writer.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.refused.get() > 3);
        assertThat(metric(TcpMetrics.PAUSED)).isEqualTo(1);
        Thread.sleep(500); // the reader is paused: the sender must be held by TCP flow control
        long bytesWhilePaused = metric(TcpMetrics.BYTES);
        assertThat(writer.isAlive()).as("the sender is blocked").isTrue();
        assertThat(written.get()).isLessThan(n);
        assertThat(emitter.accepted).isEmpty();
        Thread.sleep(300);
        assertThat(metric(TcpMetrics.BYTES)).as("nothing read while paused").isEqualTo(bytesWhilePaused);

        emitter.full = false;
        writer.join(60_000);
        assertThat(writer.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(60)).until(() -> emitter.accepted.size() >= n);
        List<String> got = emitter.messages();
        assertThat(got).hasSize(n);
        for (int i = 0; i < n; i++) {
            if (!got.get(i).startsWith(String.format("%07d ", i))) {
                throw new AssertionError("line " + i + " out of order or missing: " + got.get(i));
            }
        }
        assertThat(rejections.all).isEmpty();
        assertThat(metric(TcpMetrics.PAUSED)).isZero();
        assertThat(metric(TcpMetrics.PAUSES)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void linesQueuedWhilePausedStillArriveAfterThePeerCloses() throws Exception {
        TcpSource src = start(settings(Format.LINES).withIdleTimeout(Duration.ofMillis(200)));
        emitter.full = true;
        Socket s = connect(src);
        send(s, IntStream.range(0, 50).mapToObj(i -> "line " + i + "\n").reduce("", String::concat) + "tail");
        s.shutdownOutput();
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.refused.get() > 3);
        Thread.sleep(600); // longer than the idle timeout: a paused connection is not idle
        s.close();
        emitter.full = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.accepted.size() == 51);
        assertThat(emitter.messages()).containsExactlyElementsOf(
                IntStream.range(0, 51).mapToObj(i -> i == 50 ? "tail" : "line " + i).toList());
    }

    @Test
    void closingTheInputWhileTheBufferIsFullReportsWhatItHeld() throws Exception {
        TcpSource src = start(settings(Format.LINES));
        emitter.full = true;
        Socket s = connect(src);
        send(s, "a\nb\nc\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.refused.get() > 0);
        src.close();
        assertThat(emitter.accepted).isEmpty();
        assertThat(rejections.reasons()).isNotEmpty().containsOnly(TcpIngest.CLOSED);
        assertThat(rejections.all).extracting(RecordingRejections.Rejection::rawText).isSubsetOf("a", "b", "c")
                .doesNotHaveDuplicates().hasSize((int) metric(TcpMetrics.LINES));
    }

    @Test
    void gatewayShuttingDownClosesTheConnection() throws Exception {
        TcpSource src = start(settings(Format.LINES));
        emitter.closed = true;
        Socket s = connect(src);
        send(s, "x\n");
        s.setSoTimeout(5000);
        assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
        assertThat(rejections.reasons()).containsExactly(TcpIngest.CLOSED);
    }

    @Test
    void allowListRefusesOtherSources() throws Exception {
        TcpSource src = start(settings(Format.LINES).withAllow(List.of(Cidr.parse("10.0.0.0/8"))));
        Socket s = connect(src);
        s.setSoTimeout(5000);
        try {
            send(s, "x\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (IOException closedByPeer) {
            // reset: also refused
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !rejections.all.isEmpty());
        assertThat(rejections.reasons()).containsExactly(Rejections.NOT_ALLOWED);
        assertThat(emitter.accepted).isEmpty();
    }

    @Test
    void connectionsBeyondTheLimitAreClosed() throws Exception {
        TcpSource src = start(settings(Format.LINES).withMaxConnections(1));
        Socket first = connect(src);
        send(first, "one\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.accepted.size() == 1);
        Socket second = connect(src);
        second.setSoTimeout(5000);
        assertThat(second.getInputStream().read()).isEqualTo(-1);
        assertThat(rejections.reasons()).containsExactly(Rejections.CONNECTION_LIMIT);
        send(first, "two\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.accepted.size() == 2);
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> metric(TcpMetrics.CONNECTIONS) == 0);
        Socket third = connect(src);
        send(third, "three\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> emitter.accepted.size() == 3);
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        TcpSource src = start(settings(Format.LINES).withIdleTimeout(Duration.ofMillis(300)));
        Socket s = connect(src);
        s.setSoTimeout(5000);
        long t0 = System.nanoTime();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(rejections.all).isEmpty();
    }

    @Test
    void tlsConnectionsAreDecrypted(@TempDir Path dir) throws Exception {
        TestCerts.Material server = TestCerts.generate(dir, "server", "localhost");
        TcpSource src = start(settings(Format.NDJSON).withTls(new TlsSettings(server.certPem(), server.keyPem(), null)));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = new FileInputStream(server.certPem().toFile())) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        InetSocketAddress a = src.boundAddress();
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(a.getHostString(), a.getPort());
        sockets.add(s);
        send(s, "{\"over\":\"tls\"}\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> emitter.accepted.size() == 1);
        assertThat(emitter.payloads()).containsExactly("{\"over\":\"tls\"}");

        Socket plain = connect(src);
        send(plain, "{\"not\":\"tls\"}\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> rejections.reasons().contains(Rejections.TLS_HANDSHAKE));
        assertThat(emitter.accepted).hasSize(1);
    }
}
