package net.edgegw.adapters.net;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address means a
 * single host ({@code /32} or {@code /128}). Immutable and thread-safe.
 *
 * <p>Parsing never performs a DNS lookup: only address literals are accepted. Host bits must be zero
 * ({@code 10.1.2.3/8} is refused, naming the network that was probably meant), so a typo cannot silently widen or
 * narrow an allow-list. IPv4 networks also match IPv4-mapped IPv6 peers ({@code ::ffff:10.1.2.3}) and vice versa.
 */
public final class Cidr {

    private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("CIDR is empty");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(addr);
        if (bytes == null || addr.indexOf('%') >= 0) {
            throw new IllegalArgumentException("not an IP address literal in CIDR '" + text + "'");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("invalid prefix length in CIDR '" + text + "'");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("prefix length " + prefix + " exceeds " + max + " in CIDR '" + text + "'");
            }
        }
        byte[] masked = mask(bytes, prefix);
        if (!Arrays.equals(masked, bytes)) {
            throw new IllegalArgumentException("CIDR '" + text + "' has host bits set; did you mean "
                    + format(masked, prefix) + "?");
        }
        return new Cidr(bytes, prefix);
    }

    /** True if the address lies in this network. */
    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            if (network.length == 4 && isV4Mapped(a)) {
                a = Arrays.copyOfRange(a, 12, 16);
            } else if (network.length == 16 && a.length == 4) {
                byte[] m = Arrays.copyOf(V4_MAPPED_PREFIX, 16);
                System.arraycopy(a, 0, m, 12, 4);
                a = m;
            } else {
                return false;
            }
        }
        int full = prefixLength >>> 3;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength & 7;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (a[full] & m) == (network[full] & m);
    }

    public int prefixLength() {
        return prefixLength;
    }

    public boolean isIpv6() {
        return network.length == 16;
    }

    private static boolean isV4Mapped(byte[] a) {
        if (a.length != 16) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            if (a[i] != V4_MAPPED_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
            int m = bitsHere == 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
            out[i] = (byte) (out[i] & m);
        }
        return out;
    }

    private static String format(byte[] bytes, int prefix) {
        return NetUtil.bytesToIpAddress(bytes) + "/" + prefix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /** The canonical form, e.g. {@code 10.0.0.0/8} or {@code 2001:db8::/32}. */
    @Override
    public String toString() {
        return format(network, prefixLength);
    }
}
