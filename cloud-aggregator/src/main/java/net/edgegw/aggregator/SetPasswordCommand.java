package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfigLoader;
import net.edgegw.core.security.PrivateFile;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@code cloud-aggregator set-password --config FILE [--stdin]}: sets the dashboard password, stored only as a salted
 * PBKDF2-HMAC-SHA256 hash in {@code dashboard.passwordHashFile} (see {@link net.edgegw.core.cli.SetPasswordCommand}).
 * Also creates {@code dashboard.peerSecretFile} (32 random bytes, base64, mode 0600) if it is missing: every instance
 * of one aggregator needs the same file to query the others' state.
 */
@Command(name = "set-password", description = "Set the dashboard password (stored as a salted PBKDF2 hash).")
final class SetPasswordCommand extends net.edgegw.core.cli.SetPasswordCommand<AggregatorConfig> {

    SetPasswordCommand() {
        super(AggregatorConfigLoader::load, "New dashboard password: ");
    }

    @Override
    protected Path hashFile(AggregatorConfig c) {
        return c.dashboard().passwordHashFile();
    }

    @Override
    protected void afterHashWritten(AggregatorConfig c, SecureRandom random) throws IOException {
        Path peer = c.dashboard().peerSecretFile();
        if (!Files.exists(peer)) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            PrivateFile.write(peer, Base64.getEncoder().encodeToString(secret) + "\n", false);
            Arrays.fill(secret, (byte) 0);
            out().println("peer secret created in " + peer + " (copy it to every instance of this aggregator)");
        }
    }
}
