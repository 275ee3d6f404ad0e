package net.edgegw.adapters;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.InputConfig;
import net.edgegw.core.Source;
import net.edgegw.core.config.Fields;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps each {@code type:} value to its {@link InputKind}: the config loader parses inputs through it and the gateway
 * creates their sources through it. Immutable and thread-safe.
 */
public final class InputRegistry {

    private final Map<String, InputKind<?>> kinds;

    private InputRegistry(Map<String, InputKind<?>> kinds) {
        this.kinds = kinds;
    }

    /** A registry of these kinds, in this order (the order of "supported: ..." in errors). */
    public static InputRegistry of(List<? extends InputKind<?>> kinds) {
        Map<String, InputKind<?>> m = new LinkedHashMap<>();
        for (InputKind<?> k : kinds) {
            if (m.putIfAbsent(k.type(), k) != null) {
                throw new IllegalArgumentException("two input kinds of type '" + k.type() + "'");
            }
        }
        return new InputRegistry(m);
    }

    /** This registry plus {@code more} kinds. */
    public InputRegistry with(List<? extends InputKind<?>> more) {
        List<InputKind<?>> all = new java.util.ArrayList<>(kinds.values());
        all.addAll(more);
        return of(all);
    }

    /** The known {@code type:} values, in registration order. */
    public List<String> types() {
        return List.copyOf(kinds.keySet());
    }

    /**
     * Parses one input of {@code type}; an unknown type is reported on the {@code type} key.
     *
     * @return the config, or null after reporting errors into {@code in}
     */
    public InputConfig parse(String type, Fields in, InputCommon common) {
        InputKind<?> kind = kinds.get(type);
        if (kind == null) {
            in.error(in.child("type"), "unknown input type '" + type + "' (supported: " + String.join(", ", types()) + ")");
            return null;
        }
        return kind.parse(in, common);
    }

    /** The source of {@code config}, created by the kind of its {@link InputConfig#type()}. */
    public Source createSource(InputConfig config, MetricRegistry metrics, Path stateDir) {
        InputKind<?> kind = kinds.get(config.type());
        if (kind == null) {
            throw new IllegalArgumentException("no input kind of type '" + config.type() + "'");
        }
        return create(kind, config, metrics, stateDir);
    }

    private static <C extends InputConfig> Source create(InputKind<C> kind, InputConfig config, MetricRegistry metrics,
                                                         Path stateDir) {
        return kind.createSource(kind.configClass().cast(config), metrics, stateDir);
    }
}
