package net.edgegw.web;

import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.dropwizard.samplebuilder.DefaultSampleBuilder;
import io.prometheus.client.dropwizard.samplebuilder.SampleBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge's naming hook ({@link SampleBuilder} of {@code simpleclient_dropwizard}) for {@link MetricMapping}s.
 * Unlike the bridge's own {@code CustomMappingSampleBuilder} a {@code *} inside a glob also matches names with dots
 * (input and lane names may contain them: {@code input.a.b.rejected.malformed} is input {@code a.b}, reason
 * {@code malformed}); a {@code *} at the end matches one dot-free segment. The first matching rule wins; other names
 * go to the bridge's default (sanitized Dropwizard name). Immutable, thread-safe.
 */
final class MappingSampleBuilder implements SampleBuilder {

    private static final Pattern GLOB = Pattern.compile("(\\*|[A-Za-z0-9_-]+)(\\.(\\*|[A-Za-z0-9_-]+))*");

    private record Rule(Pattern pattern, MetricMapping mapping) {
    }

    private final List<Rule> rules = new ArrayList<>();
    private final DefaultSampleBuilder fallback = new DefaultSampleBuilder();

    MappingSampleBuilder(List<MetricMapping> mappings) {
        for (MetricMapping m : mappings) {
            rules.add(new Rule(compile(m.match()), m));
        }
    }

    /** {@code input.*.rejected.*} -> {@code input\.(.+)\.rejected\.([^.]+)}. */
    static Pattern compile(String glob) {
        if (!GLOB.matcher(glob).matches()) {
            throw new IllegalArgumentException("not a metric glob (segments of letters, digits, _ and -, or *): "
                    + glob);
        }
        String[] parts = glob.split("\\.");
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append("\\.");
            }
            re.append(parts[i].equals("*") ? (i == parts.length - 1 ? "([^.]+)" : "(.+)") : Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString());
    }

    @Override
    public Sample createSample(String dropwizardName, String nameSuffix, List<String> additionalLabelNames,
                               List<String> additionalLabelValues, double value) {
        for (Rule r : rules) {
            Matcher m = r.pattern.matcher(dropwizardName);
            if (m.matches()) {
                List<String> names = new ArrayList<>();
                List<String> values = new ArrayList<>();
                for (Map.Entry<String, String> e : r.mapping.labels().entrySet()) {
                    names.add(e.getKey());
                    values.add(fill(e.getValue(), m));
                }
                names.addAll(additionalLabelNames);
                values.addAll(additionalLabelValues);
                return fallback.createSample(r.mapping.name(), nameSuffix, names, values, value);
            }
        }
        return fallback.createSample(dropwizardName, nameSuffix, additionalLabelNames, additionalLabelValues, value);
    }

    private static String fill(String template, Matcher m) {
        String out = template;
        for (int i = m.groupCount(); i >= 1; i--) {
            out = out.replace("${" + (i - 1) + "}", m.group(i));
        }
        return out;
    }
}
