package net.edgegw.gateway;

import net.edgegw.core.cli.ConfigCommand;
import net.edgegw.core.cli.ConfigReader;
import net.edgegw.gateway.config.ConfigLoader;
import net.edgegw.gateway.config.GatewayConfig;

/** An {@code edge-gateway} command that takes {@code --config FILE} (see {@link ConfigCommand}). */
abstract class GatewayCommand extends ConfigCommand<GatewayConfig> {

    GatewayCommand() {
        super(ConfigLoader::load);
    }

    /** A command whose config is read by {@code reader} (e.g. one that also checks dataDir). */
    GatewayCommand(ConfigReader<GatewayConfig> reader) {
        super(reader);
    }
}
