package net.edgegw.core.cli;

import net.edgegw.core.security.PasswordHash;
import net.edgegw.core.security.PasswordInput;
import net.edgegw.core.security.PrivateFile;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * {@code set-password --config FILE [--stdin]}: the password is read from the terminal (twice) or, with
 * {@code --stdin}, from the first line of standard input (too short or mismatched: exit {@value ExitCodes#ERROR}),
 * and stored only as a salted PBKDF2-HMAC-SHA256 hash ({@link PasswordHash}) in the program's hash file (mode 0600,
 * replaced atomically). Subclasses name the command, the prompt and the file. Picocli creates one instance per command
 * line; not shared between threads.
 *
 * @param <T> the program's validated config
 */
public abstract class SetPasswordCommand<T> extends ConfigCommand<T> {

    @Option(names = "--stdin", description = "read the password from the first line of standard input")
    boolean stdin;

    private final String prompt;

    /** @param prompt the terminal prompt, e.g. {@code "New password: "} */
    protected SetPasswordCommand(ConfigReader<T> reader, String prompt) {
        super(reader);
        this.prompt = prompt;
    }

    /** Where the hash goes. */
    protected abstract Path hashFile(T config);

    /** What else the program needs once the hash is written (nothing by default). */
    protected void afterHashWritten(T config, SecureRandom random) throws IOException {
    }

    @Override
    protected final int run(T config) throws IOException {
        char[] password = PasswordInput.read(stdin, prompt, err());
        if (password == null) {
            return ExitCodes.ERROR;
        }
        SecureRandom random = new SecureRandom();
        String hash = PasswordHash.hash(password, random);
        Arrays.fill(password, '\0');
        Path file = hashFile(config);
        PrivateFile.write(file, hash + "\n", true);
        out().println("password hash written to " + file);
        afterHashWritten(config, random);
        return ExitCodes.OK;
    }
}
