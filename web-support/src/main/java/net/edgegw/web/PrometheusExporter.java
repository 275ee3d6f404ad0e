package net.edgegw.web;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Prometheus view of a Dropwizard {@link MetricRegistry}. The Dropwizard bridge of the Prometheus Java client
 * ({@code simpleclient_dropwizard}, {@link DropwizardExports} with a {@link MappingSampleBuilder} built from the
 * {@link MetricMapping}s) reads the registry and maps names and labels; each family then gets the rule's type, help
 * text and factor and the namespace prefix, and becomes a snapshot of the client's 1.x data model, which the client's
 * {@link ExpositionFormats} write in the format the scraper asks for ({@code Accept}: Prometheus text 0.0.4 by
 * default, OpenMetrics text, or the Prometheus protobuf format). A metric no rule matches keeps the bridge's sanitized
 * name in snake_case behind the namespace, with the bridge's type. Thread-safe (the registry is read per scrape).
 */
public final class PrometheusExporter {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusExporter.class);
    private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_]*[a-z0-9]");
    private static final String QUANTILE = "quantile";

    /** A written scrape: its {@code Content-Type} and body. */
    public record Scrape(String contentType, byte[] body) {
    }

    private final String namespace;
    private final DropwizardExports bridge;
    private final Map<String, MetricMapping> byName = new HashMap<>();
    private final ExpositionFormats formats = ExpositionFormats.init();

    /**
     * @param namespace prefix of every family, e.g. {@code edge_gateway} (snake_case, no trailing {@code _})
     * @param mappings  the rules, first match wins (may be empty)
     */
    public PrometheusExporter(MetricRegistry registry, String namespace, List<MetricMapping> mappings) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace must be snake_case: " + namespace);
        }
        this.namespace = namespace;
        this.bridge = new DropwizardExports(Objects.requireNonNull(registry), new MappingSampleBuilder(mappings));
        for (MetricMapping m : mappings) {
            byName.putIfAbsent(m.name(), m);
        }
    }

    /** The registry as Prometheus families (sorted by name). */
    public MetricSnapshots snapshots() {
        Map<String, MetricSnapshot> out = new LinkedHashMap<>();
        for (MetricFamilySamples f : bridge.collect()) {
            MetricSnapshot s = convert(f);
            MetricSnapshot clash = out.putIfAbsent(s.getMetadata().getPrometheusName(), s);
            if (clash != null) {
                LOG.warn("metrics: two Dropwizard families map to {}; only the first is exposed", s.getMetadata().getName());
            }
        }
        return new MetricSnapshots(out.values());
    }

    /** The current values in the format {@code accept} asks for (Prometheus text 0.0.4 when it names none we know). */
    public Scrape scrape(String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        EscapingScheme escaping = EscapingScheme.fromAcceptHeader(accept);
        ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        try {
            writer.write(body, snapshots(), escaping);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(writer.getContentType(), body.toByteArray());
    }

    private MetricSnapshot convert(MetricFamilySamples f) {
        String base = f.type == io.prometheus.client.Collector.Type.COUNTER && f.name.endsWith("_total")
                ? f.name.substring(0, f.name.length() - "_total".length()) : f.name;
        MetricMapping rule = byName.get(base);
        String name = namespace + "_" + (rule != null ? base : snake(base));
        String help = rule != null ? rule.help() : f.help;
        double scale = rule != null ? rule.scale() : 1.0;
        MetricMapping.Type type = rule == null ? MetricMapping.Type.AUTO : rule.type();
        if (f.type == io.prometheus.client.Collector.Type.SUMMARY) {
            return summary(f, name, help, scale);
        }
        boolean counter = type == MetricMapping.Type.COUNTER
                || type == MetricMapping.Type.AUTO && f.type == io.prometheus.client.Collector.Type.COUNTER;
        if (counter) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            for (MetricFamilySamples.Sample s : f.samples) {
                b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of(s.labelNames, s.labelValues)).value(Math.max(0, s.value * scale)).build());
            }
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (MetricFamilySamples.Sample s : f.samples) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of(s.labelNames, s.labelValues)).value(s.value * scale).build());
        }
        return b.build();
    }

    /** The bridge's summary samples (quantiles and {@code _count} per label set) as one summary per label set. */
    private static MetricSnapshot summary(MetricFamilySamples f, String name, String help, double scale) {
        Map<Labels, List<Quantile>> quantiles = new LinkedHashMap<>();
        Map<Labels, Long> counts = new HashMap<>();
        for (MetricFamilySamples.Sample s : f.samples) {
            List<String> names = new ArrayList<>(s.labelNames);
            List<String> values = new ArrayList<>(s.labelValues);
            int q = names.indexOf(QUANTILE);
            String quantile = null;
            if (q >= 0) {
                names.remove(q);
                quantile = values.remove(q);
            }
            Labels labels = Labels.of(names, values);
            List<Quantile> list = quantiles.computeIfAbsent(labels, k -> new ArrayList<>());
            if (quantile != null) {
                list.add(new Quantile(Double.parseDouble(quantile), s.value * scale));
            } else if (s.name.endsWith("_count")) {
                counts.put(labels, (long) s.value);
            }
        }
        SummarySnapshot.Builder b = SummarySnapshot.builder().name(name).help(help);
        quantiles.forEach((labels, list) -> b.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                .labels(labels).quantiles(Quantiles.of(list)).count(counts.getOrDefault(labels, 0L)).build()));
        return b.build();
    }

    /** {@code pipeline_bufferFull} -> {@code pipeline_buffer_full}. */
    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9_:]", "_").replaceAll("_+", "_").replaceAll("^_|_$", "");
    }
}
