package net.edgegw.aggregator.streams;

import net.edgegw.aggregator.model.Alarm;

import java.util.Map;
import java.util.TreeMap;

/** Values of the correlation stores (stored as JSON). Mutable; not thread-safe (owned by one stream task). */
final class CorrelationEntries {

    private CorrelationEntries() {
    }

    /** A site or device alarm behind an upstream: key {@code <correlation key>|<alarm id>}. */
    static final class Member {
        /** the latest version from the site processor (no incident link). */
        public Alarm alarm;
        /** false while held down: nothing published yet. */
        public boolean published;
        /** wall-clock ms it arrived. */
        public long firstSeenWall;
        /** the incident it is linked to, or null. */
        public String incidentId;
    }

    /** An open incident: key {@code <correlation key>|<signal type>}. */
    static final class Incident {
        /** the latest published version. */
        public Alarm alarm;
        /** alarm id -> site of the members not cleared yet. */
        public Map<String, String> active = new TreeMap<>();
        /** wall-clock ms since which no member is active, or -1. */
        public long allClearSinceWall = -1;
    }
}
