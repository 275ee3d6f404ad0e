package net.edgegw.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Load tool for the gateway's TCP input (format ndjson): sends {@code --count} JSON objects of about {@code --size}
 * bytes, one per line, over ONE connection as fast as the gateway reads them, and prints one {@code LOADTOOL} line
 * with the sender's rate (the socket is closed only after the last byte was handed to the kernel, so with the
 * gateway reading into its buffer this is the ingest rate; {@code bench/run-e2e.sh tcp-ingest} counts what the
 * gateway buffered). Each object carries {@code "seq"} and {@code "device"} (host field).
 *
 * <pre>
 * java -cp "bench/target/bench.jar:bench/target/lib/*" net.edgegw.bench.TcpLoadTool --port 29517 --count 1000000 --size 200
 * </pre>
 */
public final class TcpLoadTool {

    private TcpLoadTool() {
    }

    public static void main(String[] argv) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("usage: --port P [--host H] [--count N] [--size B]");
            }
            a.put(argv[i].substring(2), argv[i + 1]);
        }
        String host = a.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(a.get("port"));
        int count = Integer.parseInt(a.getOrDefault("count", "1000000"));
        int size = Integer.parseInt(a.getOrDefault("size", "200"));

        byte[] pre = "{\"device\":\"sensor-01\",\"seq\":".getBytes(StandardCharsets.US_ASCII);
        byte[] mid = ",\"temp\":21.5,\"pad\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] post = "\"}\n".getBytes(StandardCharsets.US_ASCII);
        int padLen = Math.max(0, size - pre.length - 10 - mid.length - post.length + 1);
        byte[] line = new byte[pre.length + 10 + mid.length + padLen + post.length];
        System.arraycopy(pre, 0, line, 0, pre.length);
        System.arraycopy(mid, 0, line, pre.length + 10, mid.length);
        java.util.Arrays.fill(line, pre.length + 10 + mid.length, pre.length + 10 + mid.length + padLen, (byte) 'x');
        System.arraycopy(post, 0, line, line.length - post.length, post.length);

        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSendBufferSize(1 << 20);
            s.connect(new InetSocketAddress(host, port), 10_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            for (int i = 0; i < count; i++) {
                int v = i;
                for (int d = pre.length + 9; d >= pre.length; d--) {
                    line[d] = (byte) ('0' + v % 10);
                    v /= 10;
                }
                out.write(line);
            }
            out.flush();
        }
        double sendS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT,
                "LOADTOOL mode=send format=ndjson count=%d size=%d send_s=%.3f ingest_msgs_per_s=%.0f ingest_mb_per_s=%.1f%n",
                count, line.length - 1, sendS, count / sendS, (double) count * line.length / 1e6 / sendS);
    }
}
