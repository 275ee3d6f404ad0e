package net.edgegw.adapters.tcp;

import com.codahale.metrics.Counter;
import net.edgegw.adapters.InputMetrics;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

/**
 * Metric names of a TCP input and the metric objects of one input (same style as the syslog input). Thread-safe.
 * <ul>
 * <li>{@code input.<name>.connections} (Counter): current connections</li>
 * <li>{@code input.<name>.lines} (Meter): non-empty lines received (oversized and malformed included; blank lines
 * and influx comments not)</li>
 * <li>{@code input.<name>.records} (Meter): records the gateway took (admission accepted or filtered)</li>
 * <li>{@code input.<name>.bytes} (Meter): bytes received (after TLS decryption, terminators included)</li>
 * <li>{@code input.<name>.paused} (Counter): connections currently not read because the buffer is full
 * (overflow {@code block})</li>
 * <li>{@code input.<name>.pauses} (Meter): how often a connection was paused for back-pressure</li>
 * </ul>
 * The gateway itself counts {@code input.<name>.accepted} (records written to the buffer) and
 * {@code input.<name>.rejected.<reason>} (every rejection reported to {@link net.edgegw.core.Rejections}), so they
 * are not registered here.
 */
public final class TcpMetrics {

    public static final String PREFIX = InputMetrics.PREFIX;
    public static final String CONNECTIONS = "connections";
    public static final String LINES = "lines";
    public static final String RECORDS = "records";
    public static final String BYTES = "bytes";
    public static final String PAUSED = "paused";
    public static final String PAUSES = "pauses";

    private final Counter connections;
    private final Meter lines;
    private final Meter records;
    private final Meter bytes;
    private final Counter paused;
    private final Meter pauses;

    public TcpMetrics(MetricRegistry registry, String input) {
        InputMetrics m = new InputMetrics(registry, input);
        this.connections = m.counter(CONNECTIONS);
        this.lines = m.meter(LINES);
        this.records = m.meter(RECORDS);
        this.bytes = m.meter(BYTES);
        this.paused = m.counter(PAUSED);
        this.pauses = m.meter(PAUSES);
    }

    /** {@code input.<input>.<metric>}. */
    public static String name(String input, String metric) {
        return InputMetrics.name(input, metric);
    }

    public Counter connections() {
        return connections;
    }

    public Meter lines() {
        return lines;
    }

    public Meter records() {
        return records;
    }

    public Meter bytes() {
        return bytes;
    }

    public Counter paused() {
        return paused;
    }

    public Meter pauses() {
        return pauses;
    }
}
