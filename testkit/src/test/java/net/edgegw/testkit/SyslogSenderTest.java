package net.edgegw.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class SyslogSenderTest {

    @Test
    void messageCarriesItsSequenceAndIsPaddedToSize() {
        String m = SyslogSender.rfc5424(123, "router-7", "bench", 200);
        assertThat(m).startsWith("<134>1 ").contains(" router-7 bench - - [meta sequenceId=\"123\"] seq=000123 ");
        assertThat(m.getBytes(StandardCharsets.UTF_8)).hasSize(200);
        assertThat(SyslogSender.sequenceOf(m)).hasValue(123);
        assertThat(SyslogSender.sequenceOf("{\"message\":\"seq=000042 xxx\"}")).hasValue(42);
        assertThat(SyslogSender.sequenceOf("{\"meta\":{\"sequenceId\":\"7\"}}")).isEmpty();
        assertThat(SyslogSender.sequenceOf("sequenceId=\"7\"")).hasValue(7);
        assertThat(SyslogSender.rfc5424(1_234_567, "h", "a", 10)).endsWith("seq=1234567"); // not truncated
        assertThat(SyslogSender.rfc5424(5, "hôte", "a", 120).getBytes(StandardCharsets.UTF_8)).hasSize(120);
    }

    @Test
    void octetCountingOverTcpIsFastAndLossless() throws Exception {
        int n = 300_000;
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<Integer>> received = CompletableFuture.supplyAsync(() -> readOctetCounted(server));
            SyslogSender sender = SyslogSender.to("127.0.0.1", server.getLocalPort()).messageSize(200).build();
            long t0 = System.nanoTime();
            assertThat(sender.send(0, n)).isEqualTo(n);
            long sendMs = (System.nanoTime() - t0) / 1_000_000;
            List<Integer> seqs = received.get(60, TimeUnit.SECONDS);
            System.out.printf("SyslogSender: %d x 200 B over TCP octet-counting in %d ms%n", n, sendMs);
            assertThat(seqs).hasSize(n);
            for (int i = 0; i < n; i++) {
                if (seqs.get(i) != i) {
                    throw new AssertionError("message " + i + " carries seq " + seqs.get(i));
                }
            }
        }
    }

    @Test
    void lfFramingAndRateLimit() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> received = CompletableFuture.supplyAsync(() -> readLines(server));
            SyslogSender sender = SyslogSender.to("127.0.0.1", server.getLocalPort())
                    .transport(SyslogSender.Transport.TCP_LF).hostname("sw1").appName("app").messageSize(80)
                    .ratePerSecond(200).build();
            long t0 = System.nanoTime();
            assertThat(sender.send(10, 100)).isEqualTo(100);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            List<String> lines = received.get(10, TimeUnit.SECONDS);
            assertThat(lines).hasSize(100);
            assertThat(SyslogSender.sequenceOf(lines.get(0))).hasValue(10);
            assertThat(SyslogSender.sequenceOf(lines.get(99))).hasValue(109);
            assertThat(lines.get(5)).contains(" sw1 app ").hasSize(80);
            assertThat(ms).as("100 messages at 200/s").isBetween(400L, 5000L);
        }
    }

    @Test
    void udpOneDatagramPerMessage() throws Exception {
        int port = FreePorts.udp();
        try (DatagramSocket socket = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5000);
            socket.setReceiveBufferSize(1 << 20);
            SyslogSender sender = SyslogSender.to("127.0.0.1", port).transport(SyslogSender.Transport.UDP)
                    .messageSize(300).build();
            assertThat(sender.send(0, 20)).isEqualTo(20);
            byte[] buf = new byte[2048];
            for (int i = 0; i < 20; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                String m = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                assertThat(p.getLength()).isEqualTo(300);
                assertThat(SyslogSender.sequenceOf(m)).hasValue(i);
            }
        }
    }

    @Test
    void sendToAClosedPortFailsWithTheCountSent() {
        SyslogSender sender = SyslogSender.to("127.0.0.1", FreePorts.tcp()).build();
        try {
            sender.send(0, 10);
            throw new AssertionError("expected a failure");
        } catch (SyslogSender.SendFailedException e) {
            assertThat(e.sent()).isZero();
        }
    }

    private static List<Integer> readOctetCounted(ServerSocket server) {
        List<Integer> seqs = new ArrayList<>();
        try (Socket s = server.accept(); InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16)) {
            byte[] msg = new byte[4096];
            while (true) {
                int len = 0;
                int c;
                while ((c = in.read()) != ' ') {
                    if (c < 0) {
                        return seqs;
                    }
                    len = len * 10 + (c - '0');
                }
                int off = 0;
                while (off < len) {
                    int r = in.read(msg, off, len - off);
                    if (r < 0) {
                        throw new IOException("truncated frame");
                    }
                    off += r;
                }
                seqs.add(SyslogSender.sequenceOf(new String(msg, 0, len, StandardCharsets.US_ASCII)).orElse(-1));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> readLines(ServerSocket server) {
        try (Socket s = server.accept()) {
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return List.of(all.split("\n"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
