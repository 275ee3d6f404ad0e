package net.edgegw.pipeline;

import java.util.List;
import java.util.Map;

/**
 * What the pipeline needs to know: static tags, routes, each input's lane and topic, and where dead letters go.
 * Immutable (the collections are copied).
 *
 * @param tags       static attributes added to every record (extracted fields win)
 * @param routes     in order, first match wins
 * @param inputs     by input name: the lane and topic of its records unless a route says otherwise
 * @param deadLetter where dead letters go, or null when dead-lettering is off
 */
public record PipelineSettings(Map<String, String> tags, List<RouteConfig> routes, Map<String, InputRoute> inputs,
                               DeadLetterSettings deadLetter) {

    public PipelineSettings {
        tags = Map.copyOf(tags);
        routes = List.copyOf(routes);
        inputs = Map.copyOf(inputs);
    }

    /**
     * @param lane  the input's lane
     * @param topic the input's topic, or null for the default topic of the record's source kind
     */
    public record InputRoute(String lane, String topic) {
    }

    /**
     * @param lane  the lane dead letters are written to (the gateway uses its lowest-priority lane)
     * @param topic their topic, e.g. {@code telemetry.deadletter}
     */
    public record DeadLetterSettings(String lane, String topic) {
    }
}
