package net.edgegw.adapters.syslog;

import com.codahale.metrics.Counter;
import net.edgegw.adapters.InputMetrics;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

/**
 * Metric names of a syslog input and the metric objects of one input. Thread-safe.
 * <ul>
 * <li>{@code input.<name>.messages} (Meter): messages parsed and handed to the gateway, whatever it then decided</li>
 * <li>{@code input.<name>.bytes} (Meter): bytes received (UDP datagrams; TCP stream after TLS decryption,
 * framing included), accepted or not</li>
 * <li>{@code input.<name>.connections} (Counter): current TCP/TLS connections</li>
 * </ul>
 * Rejections are counted by the gateway's {@link net.edgegw.core.Rejections}, per input and reason.
 */
public final class SyslogMetrics {

    public static final String PREFIX = InputMetrics.PREFIX;
    public static final String MESSAGES = "messages";
    public static final String BYTES = "bytes";
    public static final String CONNECTIONS = "connections";

    private final Meter messages;
    private final Meter bytes;
    private final Counter connections;

    public SyslogMetrics(MetricRegistry registry, String input) {
        InputMetrics m = new InputMetrics(registry, input);
        this.messages = m.meter(MESSAGES);
        this.bytes = m.meter(BYTES);
        this.connections = m.counter(CONNECTIONS);
    }

    /** {@code input.<input>.<metric>}. */
    public static String name(String input, String metric) {
        return InputMetrics.name(input, metric);
    }

    public Meter messages() {
        return messages;
    }

    public Meter bytes() {
        return bytes;
    }

    public Counter connections() {
        return connections;
    }
}
