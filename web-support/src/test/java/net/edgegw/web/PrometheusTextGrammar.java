package net.edgegw.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A line-by-line check of the Prometheus text format 0.0.4 (exposition_formats.md, "Text format details"): every
 * line is {@code # HELP name text} (escapes {@code \\} and {@code \n} only), {@code # TYPE name type} (once per name,
 * before its samples), another comment, or a sample {@code name{label="value",...} value [timestamp]} with a valid
 * metric name, valid label names, label values with only the escapes {@code \\}, {@code \"} and {@code \n}, a value
 * that parses as a float ({@code NaN}, {@code +Inf}, {@code -Inf} included) and an integer timestamp. Samples of a
 * family are contiguous and named as its type allows ({@code _count}/{@code _sum} for summaries). Returns the samples
 * parsed (label escapes resolved) or throws {@link AssertionError} naming the line.
 */
final class PrometheusTextGrammar {

    static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final String LABEL_VALUE = "\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"";
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=" + LABEL_VALUE);
    private static final String LABEL_VALUE_NC = "\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="
            + LABEL_VALUE_NC + ",?)*)\\})? (\\S+)(?: (-?[0-9]+))?");
    private static final Set<String> SUMMARY_SUFFIXES = Set.of("", "_count", "_sum");

    /** One sample: family (from TYPE), its type, the sample name, the labels and the value. */
    record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    private PrometheusTextGrammar() {
    }

    static List<Sample> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the text must end with a line feed");
        }
        List<Sample> out = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Set<String> closed = new java.util.HashSet<>();
        String current = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                if (types.putIfAbsent(m.group(1), m.group(2)) != null) {
                    throw new AssertionError("line " + n + ": second TYPE for " + m.group(1));
                }
                if (current != null) {
                    closed.add(current);
                }
                current = m.group(1);
            } else if (HELP.matcher(line).matches()) {
                continue;
            } else if (line.startsWith("#")) {
                if (line.startsWith("# HELP") || line.startsWith("# TYPE")) {
                    throw new AssertionError("line " + n + ": malformed " + line);
                }
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                String family = familyOf(name, current, types);
                if (family == null) {
                    throw new AssertionError("line " + n + ": sample " + name + " outside its family (" + current + ")");
                }
                if (closed.contains(family)) {
                    throw new AssertionError("line " + n + ": samples of " + family + " are not contiguous");
                }
                out.add(new Sample(family, types.get(family), name, labels(m.group(2), n), value(m.group(3), n)));
            } else {
                throw new AssertionError("line " + n + " is not in the text format: " + line);
            }
        }
        return out;
    }

    private static String familyOf(String sample, String current, Map<String, String> types) {
        if (current == null) {
            return null;
        }
        String type = types.get(current);
        if (sample.equals(current)) {
            return current;
        }
        if (type.equals("summary") || type.equals("histogram")) {
            for (String suffix : type.equals("summary") ? SUMMARY_SUFFIXES : Set.of("_bucket", "_count", "_sum")) {
                if (!suffix.isEmpty() && sample.equals(current + suffix)) {
                    return current;
                }
            }
        }
        return null;
    }

    private static Map<String, String> labels(String text, int line) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null) {
            return labels;
        }
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (m.find()) {
            if (m.start() != at) {
                throw new AssertionError("line " + line + ": junk between labels: " + text);
            }
            String value = unescape(m.group(2));
            if (labels.put(m.group(1), value) != null) {
                throw new AssertionError("line " + line + ": label " + m.group(1) + " twice");
            }
            at = m.end();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
            }
        }
        if (at != text.length()) {
            throw new AssertionError("line " + line + ": bad labels " + text);
        }
        return labels;
    }

    private static String unescape(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\') {
                char next = v.charAt(++i);
                sb.append(next == 'n' ? '\n' : next);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static double value(String text, int line) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    if (!text.matches("[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?")) {
                        throw new NumberFormatException(text);
                    }
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new AssertionError("line " + line + ": value " + text + " is not a float");
                }
        }
    }
}
