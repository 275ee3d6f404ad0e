package net.edgegw.storeforward;

/**
 * Chronicle settings the gateway wants before any Chronicle class is initialised: no usage analytics (nothing
 * phones home from an edge box), no start-up announcement banner and no disk-space monitor thread (the buffer
 * bounds its own size and reports it through metrics). A value already set on the command line wins.
 * The launcher should pass the same {@code -D} flags so that they hold even if another component touches
 * Chronicle first.
 */
public final class ChronicleSupport {
    private static final String[][] DEFAULTS = {
            {"chronicle.analytics.disable", "true"},
            {"chronicle.announcer.disable", "true"},
            {"chronicle.disk.monitor.disable", "true"},
    };

    static {
        for (String[] kv : DEFAULTS) {
            if (System.getProperty(kv[0]) == null) {
                System.setProperty(kv[0], kv[1]);
            }
        }
    }

    private ChronicleSupport() {
    }

    /** Applies the defaults (idempotent; the work is done once, when this class is initialised). */
    public static void init() {
        // the static initialiser did it
    }
}
