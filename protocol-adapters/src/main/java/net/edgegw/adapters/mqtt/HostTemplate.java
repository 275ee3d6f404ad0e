package net.edgegw.adapters.mqtt;

/**
 * Derives the envelope {@code host} from a topic with a template such as {@code sensors/{device}/temp}: the level
 * in the {@code {...}} position is the host when the other levels match literally ({@code +} matches any level,
 * a trailing {@code #} any rest). A topic that does not match gives the whole topic. Immutable and thread-safe.
 */
public final class HostTemplate {

    private final String[] levels;
    private final int hostLevel;

    private HostTemplate(String template) {
        this.levels = template.split("/", -1);
        int h = -1;
        for (int i = 0; i < levels.length; i++) {
            if (isVariable(levels[i])) {
                h = i;
            }
        }
        this.hostLevel = h;
    }

    /** A template, or null for "host = the topic". */
    public static HostTemplate of(String template) {
        if (template == null) {
            return null;
        }
        String e = templateError(template);
        if (e != null) {
            throw new IllegalArgumentException("hostFrom '" + template + "': " + e);
        }
        return new HostTemplate(template);
    }

    /** Why the template is unusable, or null. */
    public static String templateError(String template) {
        if (template == null || template.isEmpty()) {
            return "must not be empty";
        }
        String[] ls = template.split("/", -1);
        int vars = 0;
        for (int i = 0; i < ls.length; i++) {
            String l = ls[i];
            if (isVariable(l)) {
                vars++;
            } else if (l.contains("{") || l.contains("}")) {
                return "a {name} placeholder must be a whole topic level";
            } else if (l.contains("#") && (!l.equals("#") || i != ls.length - 1)) {
                return "'#' must be the whole last level";
            } else if (l.contains("+") && !l.equals("+")) {
                return "'+' must be a whole level";
            }
        }
        if (vars != 1) {
            return "needs exactly one {name} placeholder level (e.g. sensors/{device}/temp), found " + vars;
        }
        return null;
    }

    private static boolean isVariable(String level) {
        return level.length() > 2 && level.charAt(0) == '{' && level.charAt(level.length() - 1) == '}'
                && level.substring(1, level.length() - 1).matches("[A-Za-z0-9_.-]+");
    }

    /** The host for this topic: the placeholder level when the topic matches and that level is not empty, else the topic. */
    public String hostOf(String topic) {
        String[] t = topic.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String l = levels[i];
            if (l.equals("#")) {
                break;
            }
            if (i >= t.length) {
                return topic;
            }
            if (i != hostLevel && !l.equals("+") && !l.equals(t[i])) {
                return topic;
            }
            if (i == levels.length - 1 && t.length != levels.length) {
                return topic;
            }
        }
        String h = hostLevel < t.length ? t[hostLevel] : "";
        return h.isEmpty() ? topic : h;
    }
}
