package net.edgegw.adapters.net;

import java.net.InetAddress;
import java.util.List;

/**
 * A source-address allow-list made of {@link Cidr} networks; an empty list allows every address. Immutable and
 * thread-safe.
 */
public final class AllowList {

    private static final AllowList ALL = new AllowList(List.of());

    private final Cidr[] networks;

    private AllowList(List<Cidr> networks) {
        this.networks = networks.toArray(new Cidr[0]);
    }

    /** An allow-list of the given networks; empty means allow all. */
    public static AllowList of(List<Cidr> networks) {
        return networks == null || networks.isEmpty() ? ALL : new AllowList(List.copyOf(networks));
    }

    /** True if the list is empty (everything allowed). */
    public boolean allowsAll() {
        return networks.length == 0;
    }

    /** True if {@code address} is in one of the networks, or the list is empty. A null address is refused. */
    public boolean allows(InetAddress address) {
        if (networks.length == 0) {
            return true;
        }
        for (Cidr c : networks) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
