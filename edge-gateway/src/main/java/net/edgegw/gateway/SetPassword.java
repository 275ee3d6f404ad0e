package net.edgegw.gateway;

import net.edgegw.core.cli.SetPasswordCommand;
import net.edgegw.gateway.config.ConfigLoader;
import net.edgegw.gateway.config.GatewayConfig;
import picocli.CommandLine.Command;

import java.nio.file.Path;

/**
 * {@code edge-gateway set-password --config FILE [--stdin]}: sets the password of the local web UI and API, stored
 * only as a salted PBKDF2-HMAC-SHA256 hash in {@code <dataDir>/web-password} (mode 0600); see
 * {@link SetPasswordCommand}.
 */
@Command(name = "set-password", description = "Set the web UI/API password (stored as a salted PBKDF2 hash).")
final class SetPassword extends SetPasswordCommand<GatewayConfig> {

    SetPassword() {
        super(ConfigLoader::load, "New password: ");
    }

    @Override
    protected Path hashFile(GatewayConfig c) {
        return c.dataDir().resolve("web-password");
    }
}
