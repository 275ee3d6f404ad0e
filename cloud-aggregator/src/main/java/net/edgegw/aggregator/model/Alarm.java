package net.edgegw.aggregator.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One alarm as published on {@code health.alarms} (contract: key = {@link #id}, value = this record as JSON).
 * Every change of an alarm is a new record with the same id: {@code RAISED} once, then {@code UPDATED} any number
 * of times, then {@code CLEARED} once. Immutable.
 *
 * @param id         stable id: {@code <scope kind>:<scope id>:<type>:<raisedAt epoch ms>}, e.g.
 *                   {@code site:site-0042:UNREACHABLE:1764000000000} or {@code upstream:agg-7:UNREACHABLE:...}
 * @param type       the signal, e.g. {@code UNREACHABLE}, {@code LINK_DOWN}, {@code DATA_LOSS}
 * @param kind       {@code SITE}, {@code DEVICE} or {@code INCIDENT} (an upstream-level correlation)
 * @param severity   syslog numbering, 0 most severe
 * @param state      RAISED, UPDATED or CLEARED
 * @param scope      what the alarm is about
 * @param raisedAt   when the condition started
 * @param updatedAt  when this version was produced
 * @param clearedAt  when it cleared, or null
 * @param summary    one line for humans
 * @param evidence   JSON object: the facts behind the alarm (matched messages, thresholds, heartbeat times...)
 * @param incidentId for a site or device alarm linked under an incident, that incident's id; else null
 * @param sites      for an incident, the affected sites (sorted); else the one site
 * @param flaps      how often the condition came back during {@code clearAfter} (hysteresis kept it open)
 */
public record Alarm(String id, String type, Kind kind, int severity, State state, Scope scope, Instant raisedAt,
                    Instant updatedAt, Instant clearedAt, String summary, JsonNode evidence, String incidentId,
                    List<String> sites, int flaps) {

    public enum State { RAISED, UPDATED, CLEARED }

    public enum Kind { SITE, DEVICE, INCIDENT }

    /**
     * @param site     the site (null for an incident)
     * @param host     the device, for DEVICE alarms
     * @param upstream the upstream node from the topology (the suspected root cause for an incident)
     * @param region   the region from the topology, if known
     */
    public record Scope(String site, String host, String upstream, String region) {
    }

    public Alarm {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(raisedAt, "raisedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        sites = sites == null ? List.of() : List.copyOf(sites);
    }

    public boolean active() {
        return state != State.CLEARED;
    }
}
