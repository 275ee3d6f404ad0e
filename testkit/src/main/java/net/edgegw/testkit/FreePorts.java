package net.edgegw.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks local ports that are free right now, for servers started by tests.
 *
 * <p>Ports are chosen at random <em>below</em> the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}, usually 32768-60999), so that a port a test wants to
 * bind again later (a broker restarted on the same port) is not taken in the meantime as the local port
 * of some unrelated outgoing connection. A port is returned only if it could be bound on 127.0.0.1 and on
 * the wildcard address, and never twice within one JVM. Between this check and the caller's bind another
 * process can still take the port: that window is small but not zero.
 *
 * <p>Thread-safe: all methods may be called concurrently.
 */
public final class FreePorts {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int LOW = 10_000;

    private FreePorts() {
    }

    /** A TCP port that is free on 127.0.0.1 and on the wildcard address. */
    public static int tcp() {
        return pick(true);
    }

    /** A UDP port that is free on 127.0.0.1 and on the wildcard address. */
    public static int udp() {
        return pick(false);
    }

    /** {@code n} distinct free TCP ports. */
    public static int[] tcp(int n) {
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = tcp();
        }
        return ports;
    }

    /** Whether a TCP port can be bound on 127.0.0.1 right now. */
    public static boolean isTcpFree(int port) {
        return canBind(port, true);
    }

    private static int pick(boolean tcp) {
        int high = ephemeralLow() - 1;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (high - LOW >= 1000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = rnd.nextInt(LOW, high + 1);
                if (!HANDED_OUT.contains(port) && canBind(port, tcp) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        // fall back to whatever the kernel hands out
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = kernelPort(tcp);
            if (port > 0 && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free " + (tcp ? "TCP" : "UDP") + " port found");
    }

    private static int ephemeralLow() {
        try {
            // not Files.readString: procfs reports size 0 and that read comes back truncated
            String line;
            try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                line = r.readLine();
            }
            String[] range = line.trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    private static boolean canBind(int port, boolean tcp) {
        try {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            if (tcp) {
                try (ServerSocket a = new ServerSocket()) {
                    a.setReuseAddress(true);
                    a.bind(new InetSocketAddress(loopback, port));
                }
                try (ServerSocket b = new ServerSocket()) {
                    b.setReuseAddress(true);
                    b.bind(new InetSocketAddress(port));
                }
            } else {
                try (DatagramSocket a = new DatagramSocket(null)) {
                    a.bind(new InetSocketAddress(loopback, port));
                }
                try (DatagramSocket b = new DatagramSocket(null)) {
                    b.bind(new InetSocketAddress(port));
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelPort(boolean tcp) {
        try {
            if (tcp) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    return s.getLocalPort();
                }
            }
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        } catch (IOException e) {
            return -1;
        }
    }
}
