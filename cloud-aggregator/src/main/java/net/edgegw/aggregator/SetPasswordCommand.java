package net.edgegw.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.core.security.PasswordHash;
import net.edgegw.core.security.PasswordInput;
import net.edgegw.core.security.PrivateFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;

/**
 * {@code cloud-aggregator set-password --config FILE [--stdin]}: sets the dashboard password. It is read from the
 * terminal (twice) or, with {@code --stdin}, from the first line of standard input, and stored only as a salted
 * PBKDF2-HMAC-SHA256 hash ({@link PasswordHash}) in {@code dashboard.passwordHashFile} (mode 0600, replaced
 * atomically). Also creates {@code dashboard.peerSecretFile} (32 random bytes, base64, mode 0600) if it is missing:
 * every instance of one aggregator needs the same file to query the others' state.
 */
@Command(name = "set-password", description = "Set the dashboard password (stored as a salted PBKDF2 hash).")
final class SetPasswordCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;
    @Option(names = "--stdin", description = "read the password from the first line of standard input")
    boolean stdin;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        AggregatorConfig c = Main.loadOrReport(config, spec.commandLine().getErr());
        if (c == null) {
            return Main.EXIT_CONFIG;
        }
        char[] password = read();
        if (password == null) {
            return 1;
        }
        SecureRandom random = new SecureRandom();
        String hash = PasswordHash.hash(password, random);
        Arrays.fill(password, '\0');
        Path hashFile = c.dashboard().passwordHashFile();
        PrivateFile.write(hashFile, hash + "\n", true);
        spec.commandLine().getOut().println("password hash written to " + hashFile);
        Path peer = c.dashboard().peerSecretFile();
        if (!Files.exists(peer)) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            PrivateFile.write(peer, Base64.getEncoder().encodeToString(secret) + "\n", false);
            Arrays.fill(secret, (byte) 0);
            spec.commandLine().getOut().println("peer secret created in " + peer
                    + " (copy it to every instance of this aggregator)");
        }
        return 0;
    }

    private char[] read() throws IOException {
        return PasswordInput.read(stdin, "New dashboard password: ", spec.commandLine().getErr());
    }
}
