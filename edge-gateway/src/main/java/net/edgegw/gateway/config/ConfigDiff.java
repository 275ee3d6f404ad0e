package net.edgegw.gateway.config;

import net.edgegw.core.InputConfig;
import net.edgegw.gateway.config.GatewayConfig.UplinkConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a config apply would change, and whether it can change it live. Inputs (added, removed, changed), routes,
 * tags, the uplink's producer settings and the heartbeat change live; the site and gateway ids, {@code dataDir},
 * {@code buffer}, the lanes, {@code deadLetter} and {@code web} need a restart (they own open files, the identity
 * in Kafka or the very server the request came through). Immutable.
 *
 * @param changes         one line per change, for people (events, the API, the history); no secret values
 * @param restartRequired one reason per change that cannot be applied live; empty when the apply may proceed
 * @param inputsAdded     names of new inputs
 * @param inputsRemoved   names of inputs that go away
 * @param inputsChanged   names of inputs whose settings changed (closed, then started with the new settings)
 */
public record ConfigDiff(List<String> changes, List<String> restartRequired, Set<String> inputsAdded,
                         Set<String> inputsRemoved, Set<String> inputsChanged, boolean pipelineChanged,
                         boolean uplinkChanged, boolean heartbeatChanged) {

    /** Whether nothing at all changed. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Compares the running config with the next one. */
    public static ConfigDiff of(GatewayConfig was, GatewayConfig next) {
        List<String> changes = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        restartIf(!was.site().equals(next.site()), "site", was.site(), next.site(), changes, restart);
        restartIf(!was.gateway().equals(next.gateway()), "gateway", was.gateway(), next.gateway(), changes, restart);
        restartIf(!was.dataDir().equals(next.dataDir()), "dataDir", was.dataDir(), next.dataDir(), changes, restart);
        restartIf(!was.buffer().equals(next.buffer()), "buffer", "", "", changes, restart);
        restartIf(!was.lanes().equals(next.lanes()), "lanes", "", "", changes, restart);
        restartIf(!was.deadLetter().equals(next.deadLetter()), "deadLetter", "", "", changes, restart);
        restartIf(!Objects.equals(was.web(), next.web()), "web", "", "", changes, restart);

        Map<String, InputConfig> before = byName(was.inputs());
        Map<String, InputConfig> after = byName(next.inputs());
        Set<String> added = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>();
        Set<String> changed = new LinkedHashSet<>();
        after.forEach((name, in) -> {
            InputConfig old = before.get(name);
            if (old == null) {
                added.add(name);
                changes.add("input " + name + " added (" + in.describe() + ")");
            } else if (!old.equals(in)) {
                changed.add(name);
                changes.add("input " + name + " changed (" + in.describe() + "): restarted with the new settings");
            }
        });
        before.forEach((name, in) -> {
            if (!after.containsKey(name)) {
                removed.add(name);
                changes.add("input " + name + " removed (" + in.describe() + "); its buffered records are kept");
            }
        });
        boolean routes = !was.routes().equals(next.routes());
        if (routes) {
            changes.add("routes changed (" + was.routes().size() + " -> " + next.routes().size() + ")");
        }
        boolean tags = !was.tags().equals(next.tags());
        if (tags) {
            changes.add("tags changed (" + was.tags().keySet() + " -> " + next.tags().keySet() + ")");
        }
        boolean uplink = !was.uplink().equals(next.uplink());
        if (uplink) {
            changes.add("uplink changed (" + String.join(", ", uplinkFields(was.uplink(), next.uplink()))
                    + "): producers replaced after the in-flight batch");
        }
        boolean heartbeat = !was.heartbeat().equals(next.heartbeat());
        if (heartbeat) {
            changes.add("heartbeat changed (interval " + was.heartbeat().interval().toMillis() + " ms -> "
                    + next.heartbeat().interval().toMillis() + " ms, topic " + next.heartbeat().topic() + ")");
        }
        boolean pipeline = routes || tags || !added.isEmpty() || !removed.isEmpty() || !changed.isEmpty();
        return new ConfigDiff(List.copyOf(changes), List.copyOf(restart), Set.copyOf(added), Set.copyOf(removed),
                Set.copyOf(changed), pipeline, uplink, heartbeat);
    }

    private static void restartIf(boolean differs, String key, Object was, Object next, List<String> changes,
                                  List<String> restart) {
        if (!differs) {
            return;
        }
        String what = String.valueOf(was).isEmpty() ? key + " changed" : key + " changed from " + was + " to " + next;
        changes.add(what);
        restart.add(what + ": needs a restart (edit the file and restart the service)");
    }

    private static Map<String, InputConfig> byName(List<InputConfig> inputs) {
        Map<String, InputConfig> m = new LinkedHashMap<>();
        inputs.forEach(i -> m.put(i.name(), i));
        return m;
    }

    /** The names of the uplink settings that differ; property values are never named, only their keys. */
    private static List<String> uplinkFields(UplinkConfig a, UplinkConfig b) {
        List<String> f = new ArrayList<>();
        if (!a.bootstrapServers().equals(b.bootstrapServers())) {
            f.add("bootstrapServers " + b.bootstrapServers());
        }
        if (a.delivery() != b.delivery()) {
            f.add("delivery " + b.delivery().name().toLowerCase().replace('_', '-'));
        }
        if (!a.compression().equals(b.compression())) {
            f.add("compression " + b.compression());
        }
        if (a.bandwidth() != b.bandwidth()) {
            f.add("bandwidth " + (b.bandwidth() == 0 ? "uncapped" : b.bandwidth() + " B/s"));
        }
        if (a.batchMaxRecords() != b.batchMaxRecords() || a.batchMaxBytes() != b.batchMaxBytes()
                || !a.batchWait().equals(b.batchWait())) {
            f.add("batch");
        }
        Set<String> keys = new LinkedHashSet<>(a.properties().keySet());
        keys.addAll(b.properties().keySet());
        for (String k : keys) {
            if (!Objects.equals(a.properties().get(k), b.properties().get(k))) {
                f.add("properties." + k);
            }
        }
        return f;
    }
}
