package net.edgegw.adapters.mqtt;

import com.codahale.metrics.Counter;
import net.edgegw.adapters.InputMetrics;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Metric names of an MQTT input and the metric objects of one input (names follow the syslog input's
 * {@code input.<name>.<metric>}). Thread-safe.
 * <ul>
 * <li>{@code input.<name>.messages} (Meter): MQTT messages received from the broker (redeliveries included)</li>
 * <li>{@code input.<name>.bytes} (Meter): payload bytes received</li>
 * <li>{@code input.<name>.acknowledged} (Meter): QoS 1/2 messages acknowledged to the broker</li>
 * <li>{@code input.<name>.unacknowledged} (Counter): messages left unacknowledged because the gateway did not take
 * them (buffer full, shutting down); the broker redelivers them after the next connect</li>
 * <li>{@code input.<name>.duplicates-suppressed} (Counter): broker redeliveries of messages already in the buffer</li>
 * <li>{@code input.<name>.connected} (Gauge 0/1) and {@code input.<name>.reconnects} (Counter)</li>
 * </ul>
 * Accepted records are counted by the gateway ({@code input.<name>.accepted}); rejections per reason by its
 * {@link net.edgegw.core.Rejections}.
 */
public final class MqttMetrics {

    public static final String PREFIX = InputMetrics.PREFIX;
    public static final String MESSAGES = "messages";
    public static final String BYTES = "bytes";
    public static final String ACKNOWLEDGED = "acknowledged";
    public static final String UNACKNOWLEDGED = "unacknowledged";
    public static final String DUPLICATES_SUPPRESSED = "duplicates-suppressed";
    public static final String CONNECTED = "connected";
    public static final String RECONNECTS = "reconnects";

    private final Meter messages;
    private final Meter bytes;
    private final Meter acknowledged;
    private final Counter unacknowledged;
    private final Counter duplicates;
    private final Counter reconnects;
    private final AtomicBoolean connected = new AtomicBoolean();

    public MqttMetrics(MetricRegistry registry, String input) {
        InputMetrics m = new InputMetrics(registry, input);
        this.messages = m.meter(MESSAGES);
        this.bytes = m.meter(BYTES);
        this.acknowledged = m.meter(ACKNOWLEDGED);
        this.unacknowledged = m.counter(UNACKNOWLEDGED);
        this.duplicates = m.counter(DUPLICATES_SUPPRESSED);
        this.reconnects = m.counter(RECONNECTS);
        registry.remove(name(input, CONNECTED));
        registry.register(name(input, CONNECTED), (Gauge<Integer>) () -> connected.get() ? 1 : 0);
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

    public Meter acknowledged() {
        return acknowledged;
    }

    public Counter unacknowledged() {
        return unacknowledged;
    }

    public Counter duplicatesSuppressed() {
        return duplicates;
    }

    public Counter reconnects() {
        return reconnects;
    }

    public void connected(boolean v) {
        connected.set(v);
    }

    public boolean isConnected() {
        return connected.get();
    }
}
