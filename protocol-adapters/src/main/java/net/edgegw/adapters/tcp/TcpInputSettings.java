package net.edgegw.adapters.tcp;

import net.edgegw.adapters.net.Cidr;
import net.edgegw.adapters.net.ListenerSettings;
import net.edgegw.adapters.net.TlsSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The validated runtime settings of one raw TCP input. Immutable.
 *
 * @param name           the input name ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}), used in envelopes, rejections and
 *                       metric names
 * @param bind           listen address; port 0 picks a free port (see {@link TcpSource#boundAddress()})
 * @param format         how each line is read: {@link Format#NDJSON}, {@link Format#LINES}, {@link Format#INFLUX}
 * @param precision      influx: the unit of the line protocol timestamp; default nanoseconds; ignored otherwise
 * @param hostField      ndjson: a top-level string field of the JSON object that names the host; null = the peer
 * @param maxLineBytes   the longest accepted line without its terminator, 16 bytes to 512 KiB; default 64 KiB
 * @param maxConnections concurrent connections, the excess is closed at once; default 1000
 * @param idleTimeout    a connection that sends nothing for this long is closed; default 10 minutes
 * @param allow          source networks allowed to connect; empty = everyone
 * @param tls            TLS material, or null for plain TCP
 */
public record TcpInputSettings(String name, InetSocketAddress bind, Format format, Precision precision,
                               String hostField, int maxLineBytes, int maxConnections, Duration idleTimeout,
                               List<Cidr> allow, TlsSettings tls) {

    /** Line formats (configuration names: {@code ndjson}, {@code lines}, {@code influx}). */
    public enum Format { NDJSON, LINES, INFLUX }

    /** InfluxDB line protocol timestamp units (configuration names: {@code ns}, {@code us}, {@code ms}, {@code s}). */
    public enum Precision {
        NS(1), US(1_000), MS(1_000_000), S(1_000_000_000);

        private final long nanos;

        Precision(long nanos) {
            this.nanos = nanos;
        }

        /** Nanoseconds per unit. */
        public long nanos() {
            return nanos;
        }
    }

    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    public static final int MIN_MAX_LINE_BYTES = 16;
    public static final int MAX_MAX_LINE_BYTES = 512 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public TcpInputSettings {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tcp input name must match " + NAME.pattern() + ": '" + name + "'");
        }
        String where = "tcp input '" + name + "': ";
        if (format == null) {
            throw new IllegalArgumentException(where + "format is required (ndjson, lines or influx)");
        }
        if (precision == null) {
            throw new IllegalArgumentException(where + "precision is required (ns by default)");
        }
        if (hostField != null && (hostField.isEmpty() || format != Format.NDJSON)) {
            throw new IllegalArgumentException(where + "hostField must be a non-empty field name and needs format ndjson");
        }
        new ListenerSettings(bind, allow, maxConnections, idleTimeout, tls, maxLineBytes)
                .validate(where, "maxLineBytes", MIN_MAX_LINE_BYTES, MAX_MAX_LINE_BYTES);
        allow = List.copyOf(allow);
    }

    /** The listener part of these settings (the frame is one line). */
    public ListenerSettings listener() {
        return new ListenerSettings(bind, allow, maxConnections, idleTimeout, tls, maxLineBytes);
    }

    /** Plain TCP settings with every default. */
    public static TcpInputSettings defaults(String name, InetSocketAddress bind, Format format) {
        return new TcpInputSettings(name, bind, format, Precision.NS, null, DEFAULT_MAX_LINE_BYTES,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, List.of(), null);
    }

    public TcpInputSettings withPrecision(Precision v) {
        return new TcpInputSettings(name, bind, format, v, hostField, maxLineBytes, maxConnections, idleTimeout, allow, tls);
    }

    public TcpInputSettings withHostField(String v) {
        return new TcpInputSettings(name, bind, format, precision, v, maxLineBytes, maxConnections, idleTimeout, allow, tls);
    }

    public TcpInputSettings withMaxLineBytes(int v) {
        return new TcpInputSettings(name, bind, format, precision, hostField, v, maxConnections, idleTimeout, allow, tls);
    }

    public TcpInputSettings withMaxConnections(int v) {
        return new TcpInputSettings(name, bind, format, precision, hostField, maxLineBytes, v, idleTimeout, allow, tls);
    }

    public TcpInputSettings withIdleTimeout(Duration v) {
        return new TcpInputSettings(name, bind, format, precision, hostField, maxLineBytes, maxConnections, v, allow, tls);
    }

    public TcpInputSettings withAllow(List<Cidr> v) {
        return new TcpInputSettings(name, bind, format, precision, hostField, maxLineBytes, maxConnections, idleTimeout, v, tls);
    }

    public TcpInputSettings withTls(TlsSettings v) {
        return new TcpInputSettings(name, bind, format, precision, hostField, maxLineBytes, maxConnections, idleTimeout, allow, v);
    }
}
