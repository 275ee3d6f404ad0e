package net.edgegw.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rule of {@code GET /metrics}: which Dropwizard metrics ({@link #match()}, a glob where {@code *} is one
 * name segment, as in {@code input.*.accepted}; a {@code *} before the end also matches names with dots, see
 * {@link MappingSampleBuilder}) become which Prometheus family ({@link #name()}, snake_case,
 * without the program's namespace and without {@code _total}), with which labels (values are templates: {@code ${0}}
 * is the text the first {@code *} matched, {@code ${1}} the second), of which {@link Type}, with which help text and
 * a factor for the values ({@link #scaled(double)}, e.g. 0.001 for a {@code ...Ms} gauge exposed in seconds).
 * The first rule that matches a Dropwizard name wins. Immutable.
 *
 * <p>Example: {@code MetricMapping.counter("input.*.accepted", "input_accepted", "records written to the buffer")
 * .label("input", "${0}")} turns {@code input.syslog-tcp.accepted} into
 * {@code edge_gateway_input_accepted_total{input="syslog-tcp"}}.
 */
public record MetricMapping(String match, String name, String help, Type type, Map<String, String> labels,
                            double scale) {

    /** The Prometheus type of a family. */
    public enum Type {
        /**
         * As the bridge exports the Dropwizard kind: Meter = counter, Timer and Histogram = summary (timers in seconds),
         * Gauge and Counter = gauge.
         */
        AUTO,
        /** A value that only goes up (a Dropwizard Counter or Gauge holding a running total): exposed with {@code _total}. */
        COUNTER,
        /** A value that goes up and down. */
        GAUGE
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9_]*");

    public MetricMapping {
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(type, "type");
        if (name == null || !NAME.matcher(name).matches() || name.endsWith("_total") || name.endsWith("_")) {
            throw new IllegalArgumentException("metric name must be snake_case without _total: " + name);
        }
        labels = Map.copyOf(labels);
        MappingSampleBuilder.compile(match); // validates the glob
        for (String label : labels.keySet()) {
            if (!LABEL.matcher(label).matches() || label.equals("quantile")) {
                throw new IllegalArgumentException("not a label name: " + label);
            }
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive: " + scale);
        }
    }

    /** A rule whose type follows the Dropwizard kind ({@link Type#AUTO}). */
    public static MetricMapping of(String match, String name, String help) {
        return new MetricMapping(match, name, help, Type.AUTO, Map.of(), 1.0);
    }

    /** A rule for running totals ({@link Type#COUNTER}). */
    public static MetricMapping counter(String match, String name, String help) {
        return new MetricMapping(match, name, help, Type.COUNTER, Map.of(), 1.0);
    }

    /** A rule for values that go up and down ({@link Type#GAUGE}). */
    public static MetricMapping gauge(String match, String name, String help) {
        return new MetricMapping(match, name, help, Type.GAUGE, Map.of(), 1.0);
    }

    /** This rule with one more label ({@code value} may use {@code ${0}}, {@code ${1}}, ...). */
    public MetricMapping label(String label, String value) {
        Map<String, String> m = new LinkedHashMap<>(labels);
        m.put(label, value);
        return new MetricMapping(match, name, help, type, m, scale);
    }

    /** This rule with every value multiplied by {@code factor}. */
    public MetricMapping scaled(double factor) {
        return new MetricMapping(match, name, help, type, labels, factor);
    }
}
