package net.edgegw.adapters.mqtt;

/** MQTT topic filter validation (MQTT 3.1.1 section 4.7 / MQTT 5 section 4.7). Stateless. */
public final class TopicFilters {

    private TopicFilters() {
    }

    /** Why {@code filter} is not a valid topic filter, or null when it is. */
    public static String filterError(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "must not be empty";
        }
        if (filter.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 65535) {
            return "is longer than 65535 bytes";
        }
        if (filter.indexOf('\0') >= 0) {
            return "must not contain the null character";
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String l = levels[i];
            if (l.contains("#") && (!l.equals("#") || i != levels.length - 1)) {
                return "'#' must be the whole last level (e.g. sensors/#)";
            }
            if (l.contains("+") && !l.equals("+")) {
                return "'+' must be a whole level (e.g. sensors/+/temp)";
            }
        }
        return null;
    }

    /** True when {@code topic} (a concrete topic name) matches {@code filter}. */
    public static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (!topic.isEmpty() && topic.charAt(0) == '$' && (f[0].equals("#") || f[0].equals("+"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
