package net.edgegw.adapters.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * What every listening input has: where it listens, who may connect, how many at once, when an idle connection is
 * closed, TLS, and the largest frame (message or line) it accepts. Immutable; {@link #validate} is the one check of
 * these values that the syslog and TCP settings share.
 *
 * @param bind           listen address; port 0 picks a free port
 * @param allow          source networks allowed to send; empty = everyone
 * @param maxConnections TCP: concurrent connections, the excess is closed at once
 * @param idleTimeout    TCP: a connection that sends nothing for this long is closed
 * @param tls            TLS material, or null for plain TCP (and UDP)
 * @param maxFrameBytes  the largest accepted message or line
 */
public record ListenerSettings(InetSocketAddress bind, List<Cidr> allow, int maxConnections, Duration idleTimeout,
                               TlsSettings tls, int maxFrameBytes) {

    /**
     * Checks the values, naming the input ({@code where}, such as {@code "tcp input 'x': "}) and the frame key of
     * its kind ({@code maxMessageBytes}, {@code maxLineBytes}) in the message.
     *
     * @return this
     * @throws IllegalArgumentException for the first invalid value
     */
    public ListenerSettings validate(String where, String frameKey, int minFrameBytes, int maxFrameBytesLimit) {
        if (bind == null) {
            throw new IllegalArgumentException(where + "bind address is required");
        }
        if (maxFrameBytes < minFrameBytes || maxFrameBytes > maxFrameBytesLimit) {
            throw new IllegalArgumentException(where + frameKey + " must be between " + minFrameBytes + " and "
                    + maxFrameBytesLimit + ": " + maxFrameBytes);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException(where + "maxConnections must be at least 1: " + maxConnections);
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException(where + "idleTimeout must be positive: " + idleTimeout);
        }
        if (allow == null) {
            throw new IllegalArgumentException(where + "allow must be a list (empty = allow all)");
        }
        return this;
    }
}
