package net.edgegw.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
        int[] ports = FreePorts.tcp(20);
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(20);
        int ephemeralLow = Integer.parseInt(java.nio.file.Files.readAllLines(
                java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        for (int p : ports) {
            assertThat(p).isBetween(10_000, ephemeralLow - 1);
        }
        try (ServerSocket s = new ServerSocket(ports[0], 10, InetAddress.getLoopbackAddress())) {
            assertThat(FreePorts.isTcpFree(ports[0])).isFalse();
        }
        int udp = FreePorts.udp();
        try (DatagramSocket d = new DatagramSocket(udp, InetAddress.getLoopbackAddress())) {
            assertThat(d.getLocalPort()).isEqualTo(udp);
        }
    }
}
