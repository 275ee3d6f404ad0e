package net.edgegw.aggregator.model;

import java.util.Map;
import java.util.Objects;

/**
 * Reference data for one site on the compacted {@code network.topology} topic (contract: key = site, value = this
 * record as JSON; a null value removes the site). Loaded by {@code cloud-aggregator topology load FILE}. Immutable.
 *
 * @param site     site id
 * @param region   region name, or null
 * @param upstream the upstream node the site hangs off (aggregation router, feeder, POP), or null
 * @param tags     any other reference facts (lat/lon, owner, tier)
 */
public record TopologyEntry(String site, String region, String upstream, Map<String, String> tags) {
    public TopologyEntry {
        Objects.requireNonNull(site, "site");
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
