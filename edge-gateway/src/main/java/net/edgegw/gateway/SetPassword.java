package net.edgegw.gateway;

import net.edgegw.core.security.PasswordHash;
import net.edgegw.core.security.PasswordInput;
import net.edgegw.core.security.PrivateFile;
import net.edgegw.gateway.config.GatewayConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code edge-gateway set-password --config FILE}: sets the password of the local web UI and API. The password is read
 * from the terminal (twice) or, with {@code --stdin}, from the first line of standard input, and stored only as a
 * salted PBKDF2-HMAC-SHA256 hash in {@code <dataDir>/web-password} (mode 0600).
 */
@Command(name = "set-password", description = "Set the web UI/API password (stored as a salted PBKDF2 hash).")
final class SetPassword implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;
    @Option(names = "--stdin", description = "read the password from the first line of standard input")
    boolean stdin;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GatewayConfig c = Main.loadOrReport(config, spec.commandLine().getErr());
        if (c == null) {
            return Main.EXIT_CONFIG;
        }
        char[] password = read();
        if (password == null) {
            return 1;
        }
        Path file = c.dataDir().resolve("web-password");
        String hash = PasswordHash.hash(password, new SecureRandom());
        Arrays.fill(password, '\0');
        PrivateFile.write(file, hash + "\n", true);
        spec.commandLine().getOut().println("password hash written to " + file);
        return 0;
    }

    private char[] read() throws IOException {
        return PasswordInput.read(stdin, "New password: ", spec.commandLine().getErr());
    }
}
