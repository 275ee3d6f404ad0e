package net.edgegw.adapters;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.core.InputConfig;
import net.edgegw.core.Source;
import net.edgegw.core.config.Fields;

import java.nio.file.Path;

/**
 * One kind of input (one {@code type:} value): parses its config and creates its source. Implementations are
 * stateless and thread-safe; see the package documentation for how to add one.
 *
 * @param <C> this kind's config record
 */
public interface InputKind<C extends InputConfig> {

    /** The {@code type:} value, as written in the config file. */
    String type();

    /** This kind's config record class ({@link InputConfig#type()} of its instances is {@link #type()}). */
    Class<C> configClass();

    /**
     * Reads this kind's keys of one {@code inputs} item (the common keys {@code type}, {@code name}, {@code lane} and
     * {@code topic} were read already and are in {@code common}). Every error is reported into {@code in} with its key;
     * must call {@code in.finish()} so that unknown keys are reported.
     *
     * @return the config, or null after reporting errors
     */
    C parse(Fields in, InputCommon common);

    /**
     * The source of a config this kind parsed.
     *
     * @param stateDir this input's own directory under the data dir (may not exist yet; created if the source needs it)
     */
    Source createSource(C config, MetricRegistry metrics, Path stateDir);
}
