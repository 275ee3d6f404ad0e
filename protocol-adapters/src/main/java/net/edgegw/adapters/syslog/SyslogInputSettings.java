package net.edgegw.adapters.syslog;

import net.edgegw.adapters.net.Cidr;
import net.edgegw.adapters.net.ListenerSettings;
import net.edgegw.adapters.net.TlsSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The validated runtime settings of one syslog input. Immutable.
 *
 * @param name            the input name ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}), used in envelopes, rejections and
 *                        metric names
 * @param protocol        UDP, TCP (octet counting or LF framing, auto-detected) or TLS (RFC 5425)
 * @param bind            listen address; port 0 picks a free port (see {@link SyslogSource#boundAddress()})
 * @param maxMessageBytes the largest accepted message/frame, 480 (RFC 5424 minimum) to 16 MiB; default 65536
 * @param maxConnections  TCP/TLS: concurrent connections, the excess is closed at once; default 1000; unused for UDP
 * @param idleTimeout     TCP/TLS: a connection that sends nothing for this long is closed; default 10 minutes
 * @param allow           source networks allowed to send; empty = everyone
 * @param tls             required for TLS, must be null otherwise
 * @param bsdZone         zone of timestamps that carry none (RFC 3164); default UTC
 */
public record SyslogInputSettings(String name, Protocol protocol, InetSocketAddress bind, int maxMessageBytes,
                                  int maxConnections, Duration idleTimeout, List<Cidr> allow, TlsSettings tls,
                                  ZoneId bsdZone) {

    /** The listener kinds. */
    public enum Protocol { UDP, TCP, TLS }

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 65536;
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** RFC 5424 6.1: receivers must accept at least 480 octets. */
    public static final int MIN_MAX_MESSAGE_BYTES = 480;
    public static final int MAX_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public SyslogInputSettings {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("syslog input name must match " + NAME.pattern() + ": '" + name + "'");
        }
        String where = "syslog input '" + name + "': ";
        if (protocol == null) {
            throw new IllegalArgumentException(where + "protocol is required (udp, tcp or tls)");
        }
        new ListenerSettings(bind, allow, maxConnections, idleTimeout, tls, maxMessageBytes)
                .validate(where, "maxMessageBytes", MIN_MAX_MESSAGE_BYTES, MAX_MAX_MESSAGE_BYTES);
        allow = List.copyOf(allow);
        if (protocol == Protocol.TLS && tls == null) {
            throw new IllegalArgumentException(where + "protocol tls needs tls settings (certificate and key)");
        }
        if (protocol != Protocol.TLS && tls != null) {
            throw new IllegalArgumentException(where + "tls settings given but protocol is " + protocol
                    + "; use protocol tls");
        }
        if (bsdZone == null) {
            throw new IllegalArgumentException(where + "bsdZone is required (UTC by default)");
        }
    }

    /** The listener part of these settings (the frame is one message). */
    public ListenerSettings listener() {
        return new ListenerSettings(bind, allow, maxConnections, idleTimeout, tls, maxMessageBytes);
    }

    /** UDP or TCP settings with every default. For TLS use {@link #tls(String, InetSocketAddress, TlsSettings)}. */
    public static SyslogInputSettings defaults(String name, Protocol protocol, InetSocketAddress bind) {
        if (protocol == Protocol.TLS) {
            throw new IllegalArgumentException("syslog input '" + name + "': TLS needs certificates, use tls(name, bind, tls)");
        }
        return new SyslogInputSettings(name, protocol, bind, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_IDLE_TIMEOUT, List.of(), null, ZoneOffset.UTC);
    }

    /** TLS settings with every other default. */
    public static SyslogInputSettings tls(String name, InetSocketAddress bind, TlsSettings tls) {
        return new SyslogInputSettings(name, Protocol.TLS, bind, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_IDLE_TIMEOUT, List.of(), tls, ZoneOffset.UTC);
    }

    public SyslogInputSettings withMaxMessageBytes(int v) {
        return new SyslogInputSettings(name, protocol, bind, v, maxConnections, idleTimeout, allow, tls, bsdZone);
    }

    public SyslogInputSettings withMaxConnections(int v) {
        return new SyslogInputSettings(name, protocol, bind, maxMessageBytes, v, idleTimeout, allow, tls, bsdZone);
    }

    public SyslogInputSettings withIdleTimeout(Duration v) {
        return new SyslogInputSettings(name, protocol, bind, maxMessageBytes, maxConnections, v, allow, tls, bsdZone);
    }

    public SyslogInputSettings withAllow(List<Cidr> v) {
        return new SyslogInputSettings(name, protocol, bind, maxMessageBytes, maxConnections, idleTimeout, v, tls, bsdZone);
    }

    public SyslogInputSettings withBsdZone(ZoneId v) {
        return new SyslogInputSettings(name, protocol, bind, maxMessageBytes, maxConnections, idleTimeout, allow, tls, v);
    }
}
