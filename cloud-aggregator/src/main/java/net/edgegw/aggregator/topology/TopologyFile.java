package net.edgegw.aggregator.topology;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import net.edgegw.aggregator.model.TopologyEntry;
import net.edgegw.core.Envelope;
import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import net.edgegw.core.config.Fields;
import net.edgegw.core.config.YamlDocument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a topology reference file (docs/aggregator.md, "Topology files") into {@link TopologyEntry} values, chosen by
 * extension: {@code .csv} (header row naming the columns {@code site}, and optionally {@code region},
 * {@code upstream}, {@code tags} as {@code k=v;k=v}; RFC 4180 quoting) or {@code .yaml}/{@code .yml} (a list of
 * {@code {site, region, upstream, tags: {}}}, or a mapping {@code {sites: [...]}}). Every row is validated; any error
 * fails the whole file with every problem, its row and its line, so that nothing is half-loaded. Stateless.
 */
public final class TopologyFile {

    static final List<String> COLUMNS = List.of("site", "region", "upstream", "tags");
    private static final CsvMapper CSV = new CsvMapper();

    private TopologyFile() {
    }

    /** Reads and validates {@code file}; throws {@link ConfigException} listing every problem. */
    public static List<TopologyEntry> read(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError("", 0, "cannot read " + file + ": " + e)));
        }
        if (name.endsWith(".csv")) {
            return parseCsv(text);
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return parseYaml(text);
        }
        throw new ConfigException(List.of(new ConfigError("", 0,
                "unknown file type '" + file.getFileName() + "': use .csv, .yaml or .yml")));
    }

    /** Parses CSV text with a header row. */
    public static List<TopologyEntry> parseCsv(String text) {
        List<ConfigError> errors = new ArrayList<>();
        List<TopologyEntry> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try (MappingIterator<String[]> it = CSV.readerFor(String[].class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY)
                .with(CsvParser.Feature.SKIP_EMPTY_LINES)
                .with(CsvParser.Feature.ALLOW_COMMENTS)
                .with(CsvParser.Feature.TRIM_SPACES)
                .readValues(text)) {
            JsonParser p = it.getParser();
            Map<String, Integer> columns = null;
            int row = 0;
            while (it.hasNextValue()) {
                String[] fields = it.nextValue();
                int line = p.currentTokenLocation().getLineNr();
                if (columns == null) {
                    columns = header(fields, line, errors);
                    if (columns == null) {
                        break;
                    }
                    continue;
                }
                row++;
                String where = "row " + row;
                if (fields.length != columns.size()) {
                    errors.add(new ConfigError(where, line, "has " + fields.length + " field(s), the header has "
                            + columns.size() + " (" + String.join(",", columns.keySet()) + ")"));
                    continue;
                }
                String site = fields[columns.get("site")];
                Map<String, String> tags = columns.containsKey("tags")
                        ? tags(fields[columns.get("tags")], where + ".tags", line, errors) : Map.of();
                TopologyEntry e = entry(site, cell(fields, columns, "region"), cell(fields, columns, "upstream"),
                        tags, where + ".site", line, seen, errors);
                if (e != null) {
                    out.add(e);
                }
            }
            if (columns == null && errors.isEmpty()) {
                errors.add(new ConfigError("", 0, "empty file: a header row (site,region,upstream,tags) is required"));
            }
        } catch (JsonProcessingException e) {
            errors.add(new ConfigError("", e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid CSV: " + e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            errors.add(new ConfigError("", 0, "not valid CSV: " + e.getMessage()));
        }
        return result(out, errors);
    }

    private static Map<String, Integer> header(String[] fields, int line, List<ConfigError> errors) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        boolean ok = true;
        for (int i = 0; i < fields.length; i++) {
            String c = fields[i];
            if (!COLUMNS.contains(c)) {
                errors.add(new ConfigError("header", line, "unknown column '" + c + "' (columns: site, region, "
                        + "upstream, tags; the first row must be the header)"));
                ok = false;
            } else if (columns.putIfAbsent(c, i) != null) {
                errors.add(new ConfigError("header", line, "duplicate column '" + c + "'"));
                ok = false;
            }
        }
        if (!columns.containsKey("site")) {
            errors.add(new ConfigError("header", line, "the header row must name the column 'site' (got "
                    + String.join(",", Arrays.asList(fields)) + ")"));
            ok = false;
        }
        return ok ? columns : null;
    }

    private static String cell(String[] fields, Map<String, Integer> columns, String name) {
        Integer i = columns.get(name);
        return i == null || fields[i].isEmpty() ? null : fields[i];
    }

    /** {@code k=v;k=v} -> map; empty -> empty map. */
    static Map<String, String> tags(String text, String where, int line, List<ConfigError> errors) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return tags;
        }
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? "" : part.substring(0, eq).trim();
            if (k.isEmpty()) {
                errors.add(new ConfigError(where, line, "'" + part.trim() + "' is not a tag: write key=value;key=value"));
            } else if (tags.put(k, part.substring(eq + 1).trim()) != null) {
                errors.add(new ConfigError(where, line, "duplicate tag '" + k + "'"));
            }
        }
        return tags;
    }

    private static TopologyEntry entry(String site, String region, String upstream, Map<String, String> tags,
                                       String where, int line, Map<String, Integer> seen, List<ConfigError> errors) {
        if (site == null || site.isEmpty()) {
            errors.add(new ConfigError(where, line, "is required"));
            return null;
        }
        if (!Envelope.SITE_PATTERN.matcher(site).matches()) {
            errors.add(new ConfigError(where, line, "'" + site + "' is not a site id ([a-z0-9][a-z0-9-]{0,62})"));
            return null;
        }
        Integer first = seen.putIfAbsent(site, line);
        if (first != null) {
            errors.add(new ConfigError(where, line, "duplicate site '" + site + "' (first on line " + first + ")"));
            return null;
        }
        return new TopologyEntry(site, region, upstream, tags);
    }

    /** Parses YAML text: a list of sites, or a mapping with the key {@code sites}. */
    public static List<TopologyEntry> parseYaml(String text) {
        YamlDocument doc = YamlDocument.parse(text);
        List<ConfigError> errors = new ArrayList<>();
        List<Fields> items = new ArrayList<>();
        JsonNode root = doc.root();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                items.add(new Fields(doc, "[" + i + "]", root.get(i), errors));
            }
        } else if (root.isObject()) {
            Fields r = new Fields(doc, "", root, errors);
            items.addAll(r.objects("sites"));
            if (!r.has("sites")) {
                r.error("sites", "is required: a list of {site, region, upstream, tags}");
            }
            r.finish();
        } else {
            errors.add(new ConfigError("", doc.line(""), "must be a list of sites or a mapping with 'sites'"));
        }
        List<TopologyEntry> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Fields f : items) {
            String site = f.string("site", null);
            String region = f.string("region", null);
            String upstream = f.string("upstream", null);
            Map<String, String> tags = f.stringMap("tags");
            f.finish();
            String at = f.child("site");
            TopologyEntry e = entry(site, blankToNull(region), blankToNull(upstream), tags, at, doc.line(at), seen,
                    errors);
            if (e != null) {
                out.add(e);
            }
        }
        return result(out, errors);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static List<TopologyEntry> result(List<TopologyEntry> out, List<ConfigError> errors) {
        if (!errors.isEmpty()) {
            errors.sort((a, b) -> Integer.compare(a.line(), b.line()));
            throw new ConfigException(errors);
        }
        return List.copyOf(out);
    }
}
