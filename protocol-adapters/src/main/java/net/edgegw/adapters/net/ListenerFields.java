package net.edgegw.adapters.net;

import net.edgegw.adapters.InputCommon;
import net.edgegw.core.config.Fields;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the config keys of {@link ListenerSettings} that listening inputs share ({@code allow}, {@code tls}), with the
 * same messages for every kind. Stateless.
 */
public final class ListenerFields {

    private ListenerFields() {
    }

    /** The bind address as resolved at start (the config keeps it as written). */
    public static InetSocketAddress resolved(InetSocketAddress bind) {
        return bind == null ? null : new InetSocketAddress(bind.getHostString(), bind.getPort());
    }

    /** The {@code allow} list; null after reporting an invalid entry. */
    public static List<Cidr> allow(Fields in) {
        List<String> allow = in.stringList("allow");
        List<Cidr> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < allow.size(); i++) {
            String at = in.child("allow") + "[" + i + "]";
            if (!looksLikeCidr(allow.get(i))) {
                in.error(at, "'" + allow.get(i) + "' is not an address or CIDR block such as 10.0.0.0/8 or 2001:db8::/32");
                ok = false;
            } else {
                try {
                    out.add(Cidr.parse(allow.get(i)));
                } catch (IllegalArgumentException e) {
                    in.error(at, e.getMessage());
                    ok = false;
                }
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    /**
     * The {@code tls} block ({@code cert}, {@code key}, optional {@code clientCa}: PEM files that must be readable);
     * null after reporting errors.
     *
     * @param required true when the input cannot run without TLS (the message then says so)
     */
    public static TlsSettings tls(Fields t, InputCommon common, boolean required) {
        String cert = t.string("cert", null);
        String key = t.string("key", null);
        String ca = t.string("clientCa", null);
        if (cert == null || key == null) {
            t.error(t.path(), (required ? "protocol tls needs " : "") + "tls.cert and tls.key (PEM files)");
            return null;
        }
        TlsSettings tls = new TlsSettings(common.resolve(cert), common.resolve(key),
                ca == null ? null : common.resolve(ca));
        boolean ok = readable(t, "cert", tls.certChainPem()) & readable(t, "key", tls.privateKeyPem())
                & readable(t, "clientCa", tls.clientCaPem());
        return ok ? tls : null;
    }

    private static boolean readable(Fields t, String key, Path p) {
        if (p != null && !Files.isReadable(p)) {
            t.error(t.child(key), "file not found or not readable: " + p);
            return false;
        }
        return true;
    }

    static boolean looksLikeCidr(String s) {
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (!addr.matches("[0-9.]+|[0-9a-fA-F:.]+") || !addr.matches(".*[.:].*")) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName(addr); // literal only: no DNS lookup for these characters
            int max = a.getAddress().length * 8;
            return slash < 0 || Integer.parseInt(s.substring(slash + 1)) <= max;
        } catch (Exception e) {
            return false;
        }
    }
}
