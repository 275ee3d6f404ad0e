package net.edgegw.aggregator.rules;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;

/**
 * A dotted path to a numeric value of the envelope JSON: {@code payload.<path>} (into a JSON payload, array
 * indexes allowed, e.g. {@code payload.fields.temp} or {@code payload.values.0}), {@code attributes.<name>} (the
 * attribute's text parsed as a number) or {@code severity}. Immutable and thread-safe.
 */
final class FieldPath {

    private final String text;
    private final String root;
    private final String[] rest;

    FieldPath(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("threshold.field is required");
        }
        String[] parts = path.split("\\.");
        this.root = parts[0];
        this.rest = Arrays.copyOfRange(parts, 1, parts.length);
        boolean ok = switch (root) {
            case "payload" -> rest.length >= 1;
            case "attributes" -> rest.length == 1;
            case "severity" -> rest.length == 0;
            default -> false;
        };
        if (!ok) {
            throw new IllegalArgumentException("threshold.field '" + path
                    + "': expected payload.<path>, attributes.<name> or severity");
        }
        this.text = path;
    }

    @Override
    public String toString() {
        return text;
    }

    /** The value in {@code r}, or null when it is absent or not a finite number. */
    Double read(RecordView r) {
        return switch (root) {
            case "severity" -> r.envelope().severity() == null ? null : r.envelope().severity().doubleValue();
            case "attributes" -> parse(r.envelope().attributes().get(rest[0]));
            default -> payload(r.payloadTree());
        };
    }

    private Double payload(JsonNode n) {
        for (String p : rest) {
            if (n == null) {
                return null;
            }
            n = n.isArray() && isIndex(p) ? n.get(Integer.parseInt(p)) : n.get(p);
        }
        if (n == null) {
            return null;
        }
        if (n.isNumber()) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        return n.isTextual() ? parse(n.textValue()) : null;
    }

    private static boolean isIndex(String p) {
        return !p.isEmpty() && p.length() < 10 && p.chars().allMatch(Character::isDigit);
    }

    private static Double parse(String s) {
        if (s == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(s.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
