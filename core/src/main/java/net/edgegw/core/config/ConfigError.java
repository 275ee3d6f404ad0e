package net.edgegw.core.config;

/** One problem in a config file: the key path, its 1-based line (0 if unknown) and why. */
public record ConfigError(String key, int line, String message) {
    @Override
    public String toString() {
        String where = key.isEmpty() ? "" : key;
        if (line > 0) {
            where = where.isEmpty() ? "line " + line : where + " (line " + line + ")";
        }
        return where.isEmpty() ? message : where + ": " + message;
    }
}
