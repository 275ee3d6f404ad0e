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
 * gateway buffered). Each object carries {@code "seq"} (the sequence number as a plain JSON number, no leading zeros:
 * {@code 0000000042} is not JSON and would be rejected as {@code malformed}) and {@code "device"} (host field); the
 * padding absorbs the length of the number so that every line has the same size. The line also reports the
 * sender's own CPU seconds ({@code sender_cpu_s}), to tell a slow sender from a slow gateway.
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
        int maxDigits = Integer.toString(Math.max(0, count - 1)).length();
        // the padding plus the digits of seq always fill the same number of bytes: every line has the same length
        int slot = maxDigits + Math.max(0, size - pre.length - maxDigits - mid.length - post.length + 1);
        byte[] line = new byte[pre.length + mid.length + slot + post.length];
        System.arraycopy(pre, 0, line, 0, pre.length);
        byte[] tail = new byte[mid.length + slot + post.length]; // mid, then 'x' up to the end of the slot, post
        System.arraycopy(mid, 0, tail, 0, mid.length);
        java.util.Arrays.fill(tail, mid.length, mid.length + slot, (byte) 'x');
        System.arraycopy(post, 0, tail, tail.length - post.length, post.length);
        System.arraycopy(post, 0, line, line.length - post.length, post.length);

        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSendBufferSize(1 << 20);
            s.connect(new InetSocketAddress(host, port), 10_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            int digits = 1;
            int nextPow = 10;
            for (int i = 0; i < count; i++) {
                if (i == nextPow) {
                    digits++;
                    nextPow = nextPow > Integer.MAX_VALUE / 10 ? Integer.MAX_VALUE : nextPow * 10;
                }
                int v = i;
                for (int d = pre.length + digits - 1; d >= pre.length; d--) {
                    line[d] = (byte) ('0' + v % 10);
                    v /= 10;
                }
                // mid and the padding after the digits: as many padding bytes fewer as the digits took (post stays)
                System.arraycopy(tail, 0, line, pre.length + digits, mid.length + slot - digits);
                out.write(line);
            }
            out.flush();
        }
        double sendS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT,
                "LOADTOOL mode=send format=ndjson count=%d size=%d send_s=%.3f ingest_msgs_per_s=%.0f ingest_mb_per_s=%.1f"
                        + " sender_cpu_s=%.2f%n",
                count, line.length - 1, sendS, count / sendS, (double) count * line.length / 1e6 / sendS,
                (cpuNanos() - cpu0) / 1e9);
    }

    /** This JVM's CPU time (all threads), or 0 when the platform does not tell. */
    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? Math.max(0, sun.getProcessCpuTime()) : 0;
    }
}
