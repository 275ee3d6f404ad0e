package net.edgegw.adapters.syslog;

import net.edgegw.adapters.testing.RecordingRejections;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.adapters.net.Cidr;
import net.edgegw.core.SourceContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SyslogSourceTcpTest {

    private final RecordingEmitter emitter = new RecordingEmitter();
    private final RecordingRejections rejections = new RecordingRejections();
    private final MetricRegistry registry = new MetricRegistry();
    private final List<SyslogSource> sources = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sources.forEach(SyslogSource::close);
    }

    private SyslogSource start(SyslogInputSettings s) throws Exception {
        return start(s, emitter);
    }

    private SyslogSource start(SyslogInputSettings s, RecordingEmitter em) throws Exception {
        SyslogSource src = new SyslogSource(s, registry);
        sources.add(src);
        src.start(new SourceContext("site-1", "gw-1", Clock.fixed(SyslogSourceUdpTest.NOW, ZoneOffset.UTC), em, rejections));
        return src;
    }

    private static SyslogInputSettings tcp() {
        return SyslogInputSettings.defaults("syslog-tcp", SyslogInputSettings.Protocol.TCP, new InetSocketAddress("127.0.0.1", 0));
    }

    private Socket connect(SyslogSource src) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(src.boundAddress(), 5000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String octet(String m) {
        return m.getBytes(StandardCharsets.UTF_8).length + " " + m;
    }

    /** The server closed the connection: read sees end of stream (or a reset). */
    static void assertClosedByServer(Socket s) throws IOException {
        s.setSoTimeout(5000);
        try {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (SocketException reset) {
            // a reset is a close too
        }
    }

    @Test
    void octetCountedStream() throws Exception {
        SyslogSource src = start(tcp());
        Socket s = connect(src);
        write(s, octet("<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - first") + octet("<13>Oct  3 08:09:10 host app[1]: second"));
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 2);
        assertThat(emitter.messages()).containsExactly("first", "second");
        assertThat(emitter.emitted.get(1).host()).isEqualTo("host");
        assertThat(emitter.offered).as("TCP uses the blocking emit").isEmpty();
        assertThat(registry.counter("input.syslog-tcp.connections").getCount()).isEqualTo(1);
        s.close();
        await().atMost(5, SECONDS).until(() -> registry.counter("input.syslog-tcp.connections").getCount() == 0);
        assertThat(registry.meter("input.syslog-tcp.messages").getCount()).isEqualTo(2);
    }

    @Test
    void lfFramedStreamAndUnterminatedLastLine() throws Exception {
        SyslogSource src = start(tcp());
        Socket s = connect(src);
        write(s, "<13>one\n<13>two\r\n\n<13>three");
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 2);
        s.shutdownOutput();
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 3);
        assertThat(emitter.messages()).containsExactly("one", "two", "three");
        assertThat(emitter.emitted.get(0).host()).isEqualTo("127.0.0.1");
    }

    @Test
    void oversizedFramesAreSkippedAndTheConnectionContinues() throws Exception {
        SyslogSource src = start(tcp().withMaxMessageBytes(480));
        Socket s = connect(src);
        write(s, octet("<13>" + "x".repeat(1000)) + octet("<13>after octet"));
        Socket l = connect(src);
        write(l, "<13>" + "y".repeat(10_000) + "\n<13>after line\n");
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 2);
        assertThat(emitter.messages()).containsExactlyInAnyOrder("after octet", "after line");
        assertThat(rejections.reasons()).containsExactly("oversized", "oversized");
        assertThat(rejections.all).allSatisfy(r -> assertThat(r.raw().length).isBetween(1, SyslogIngest.MAX_RAW_BYTES));
    }

    @Test
    void badOctetCountClosesOnlyThatConnection() throws Exception {
        SyslogSource src = start(tcp());
        Socket bad = connect(src);
        Socket good = connect(src);
        write(bad, octet("<13>ok") + "12x<13>garbage");
        assertClosedByServer(bad);
        await().atMost(5, SECONDS).until(() -> rejections.all.size() == 1);
        assertThat(rejections.all.get(0).reason()).isEqualTo("malformed");
        assertThat(rejections.all.get(0).detail()).contains("octet-count");
        write(good, octet("<13>good still works"));
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 2);
        assertThat(emitter.messages()).containsExactly("ok", "good still works");
        // and the listener still accepts new connections
        write(connect(src), "<13>new connection\n");
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 3);
    }

    @Test
    void invalidPriOnTcpIsRejectedAndTheConnectionStaysOpen() throws Exception {
        SyslogSource src = start(tcp());
        Socket s = connect(src);
        write(s, "<999>nope\n<13>yes\n");
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 1 && rejections.all.size() == 1);
        assertThat(rejections.all.get(0).rawText()).isEqualTo("<999>nope");
    }

    @Test
    void allowListRejectsOnAccept() throws Exception {
        SyslogSource src = start(tcp().withAllow(List.of(Cidr.parse("10.0.0.0/8"))));
        Socket s = connect(src);
        assertClosedByServer(s);
        await().atMost(5, SECONDS).until(() -> rejections.all.size() == 1);
        assertThat(rejections.all.get(0).reason()).isEqualTo("source-not-allowed");
        assertThat(rejections.all.get(0).peer()).isEqualTo("127.0.0.1");
        assertThat(rejections.all.get(0).raw()).isEmpty();
        assertThat(registry.counter("input.syslog-tcp.connections").getCount()).isZero();
    }

    @Test
    void connectionLimit() throws Exception {
        SyslogSource src = start(tcp().withMaxConnections(1));
        Socket first = connect(src);
        write(first, "<13>first\n");
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 1);
        Socket second = connect(src);
        assertClosedByServer(second);
        await().atMost(5, SECONDS).until(() -> rejections.all.size() == 1);
        assertThat(rejections.all.get(0).reason()).isEqualTo("connection-limit");
        write(first, "<13>first still open\n");
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 2);
        first.close();
        // the slot is free again
        await().atMost(5, SECONDS).untilAsserted(() -> {
            try (Socket third = new Socket()) {
                third.connect(src.boundAddress(), 5000);
                write(third, "<13>third\n");
            }
            assertThat(emitter.messages()).contains("third");
        });
    }

    @Test
    void idleConnectionsAreClosedQuietly() throws Exception {
        SyslogSource src = start(tcp().withIdleTimeout(Duration.ofMillis(300)));
        Socket s = connect(src);
        write(s, "<13>hello\n");
        assertClosedByServer(s);
        assertThat(emitter.messages()).containsExactly("hello");
        assertThat(rejections.all).isEmpty();
        await().atMost(5, SECONDS).until(() -> registry.counter("input.syslog-tcp.connections").getCount() == 0);
    }

    @Test
    void closeEmitsWhatWasAlreadyReceived() throws Exception {
        SyslogSource src = start(tcp());
        Socket s = connect(src);
        write(s, "<13>complete\n<13>unterminated");
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 1);
        src.close();
        assertThat(emitter.messages()).containsExactly("complete", "unterminated");
        assertClosedByServer(s);
    }

    @Test
    void aBlockedInputDoesNotStallAnotherInput() throws Exception {
        RecordingEmitter blocked = new RecordingEmitter();
        blocked.gate = new CountDownLatch(1);
        SyslogSource a = start(SyslogInputSettings.defaults("a", SyslogInputSettings.Protocol.TCP,
                new InetSocketAddress("127.0.0.1", 0)), blocked);
        SyslogSource b = start(SyslogInputSettings.defaults("b", SyslogInputSettings.Protocol.TCP,
                new InetSocketAddress("127.0.0.1", 0)));
        write(connect(a), "<13>held back\n");
        write(connect(b), "<13>flows\n");
        await().atMost(5, SECONDS).until(() -> emitter.emitted.size() == 1);
        assertThat(blocked.emitted).isEmpty();
        blocked.gate.countDown();
        await().atMost(5, SECONDS).until(() -> blocked.emitted.size() == 1);
        assertThat(blocked.messages()).containsExactly("held back");
    }

    @Test
    void portInUseIsAClearBindException() throws Exception {
        SyslogSource first = start(tcp());
        int port = first.boundAddress().getPort();
        SyslogSource second = new SyslogSource(SyslogInputSettings.defaults("clash", SyslogInputSettings.Protocol.TCP,
                new InetSocketAddress("127.0.0.1", port)), registry);
        sources.add(second);
        assertThatThrownBy(() -> second.start(new SourceContext("s", "g", Clock.systemUTC(), emitter, rejections)))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("syslog input 'clash'")
                .hasMessageContaining("TCP")
                .hasMessageContaining(String.valueOf(port));
    }
}
