package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfigLoader;
import net.edgegw.core.cli.ConfigCommand;

/** A {@code cloud-aggregator} command that takes {@code --config FILE} (see {@link ConfigCommand}). */
abstract class AggregatorCommand extends ConfigCommand<AggregatorConfig> {

    AggregatorCommand() {
        super(AggregatorConfigLoader::load);
    }
}
