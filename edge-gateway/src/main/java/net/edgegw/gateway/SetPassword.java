package net.edgegw.gateway;

import net.edgegw.gateway.config.GatewayConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;

/**
 * {@code edge-gateway set-password --config FILE}: sets the password of the local web UI and API. The password is read
 * from the terminal (twice) or, with {@code --stdin}, from the first line of standard input, and stored only as a
 * salted PBKDF2-HMAC-SHA256 hash in {@code <dataDir>/web-password} (mode 0600).
 */
@Command(name = "set-password", description = "Set the web UI/API password (stored as a salted PBKDF2 hash).")
final class SetPassword implements Callable<Integer> {

    static final int ITERATIONS = 210_000;
    static final int MIN_LENGTH = 10;

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
        if (password.length < MIN_LENGTH) {
            spec.commandLine().getErr().println("the password must have at least " + MIN_LENGTH + " characters");
            return 1;
        }
        Path file = c.dataDir().resolve("web-password");
        Files.createDirectories(c.dataDir());
        Path tmp = Files.createTempFile(c.dataDir(), "web-password", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, hash(password, new SecureRandom()) + "\n", StandardCharsets.US_ASCII);
        Arrays.fill(password, '\0');
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        spec.commandLine().getOut().println("password hash written to " + file);
        return 0;
    }

    private char[] read() throws Exception {
        if (stdin) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? new char[0] : line.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            spec.commandLine().getErr().println("no terminal: use --stdin to pipe the password");
            return null;
        }
        char[] a = console.readPassword("New password: ");
        char[] b = console.readPassword("Repeat: ");
        if (a == null || !Arrays.equals(a, b)) {
            spec.commandLine().getErr().println("the passwords differ");
            return null;
        }
        return a;
    }

    /** {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}. */
    static String hash(char[] password, SecureRandom random) throws Exception {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] h = derive(password, salt, ITERATIONS);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "pbkdf2-sha256$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(h);
    }

    /** Checks a password against a stored hash in constant time. */
    static boolean verify(char[] password, String stored) throws Exception {
        String[] p = stored.trim().split("\\$");
        if (p.length != 4 || !p[0].equals("pbkdf2-sha256")) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(p[2]);
        byte[] expected = Base64.getDecoder().decode(p[3]);
        return java.security.MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(p[1])));
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) throws Exception {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } finally {
            spec.clearPassword();
        }
    }
}
