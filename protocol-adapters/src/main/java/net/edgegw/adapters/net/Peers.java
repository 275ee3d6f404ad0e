package net.edgegw.adapters.net;

import io.netty.util.NetUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** How a remote peer is named in envelopes ({@code host} fallback), rejections and logs. */
public final class Peers {

    private Peers() {
    }

    /** The peer's IP as text ({@code 10.0.0.1}, {@code ::1}; no port), the host string when unresolved, or null. */
    public static String of(SocketAddress address) {
        if (address instanceof InetSocketAddress isa) {
            return isa.getAddress() != null ? NetUtil.toAddressString(isa.getAddress()) : isa.getHostString();
        }
        return address == null ? null : address.toString();
    }
}
