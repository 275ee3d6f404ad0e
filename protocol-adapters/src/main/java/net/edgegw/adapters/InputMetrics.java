package net.edgegw.adapters;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

/**
 * The metrics of one input, all named {@code input.<name>.<metric>} (each kind lists its metrics in its own
 * {@code *Metrics} class). Thread-safe.
 */
public final class InputMetrics {

    public static final String PREFIX = "input.";

    private final MetricRegistry registry;
    private final String input;

    public InputMetrics(MetricRegistry registry, String input) {
        this.registry = registry;
        this.input = input;
    }

    /** {@code input.<input>.<metric>}. */
    public static String name(String input, String metric) {
        return PREFIX + input + '.' + metric;
    }

    /** The registry's meter {@code input.<input>.<metric>}. */
    public Meter meter(String metric) {
        return registry.meter(name(input, metric));
    }

    /** The registry's counter {@code input.<input>.<metric>}. */
    public Counter counter(String metric) {
        return registry.counter(name(input, metric));
    }
}
