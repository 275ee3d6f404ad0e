package net.edgegw.web;

import net.edgegw.core.security.PasswordHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The login password as a {@link PasswordHash} in a file ({@code <label>.passwordHashFile}, written by the program's
 * {@code set-password} command), read again on every login so that a new password needs no restart. Immutable,
 * thread-safe.
 */
public final class PasswordFile implements Supplier<String> {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordFile.class);

    private final String label;
    private final Path file;

    private PasswordFile(String label, Path file) {
        this.label = label;
        this.file = file;
    }

    /**
     * The file of setting {@code <label>.passwordHashFile}, checked now: it must be set, readable and hold a
     * well-formed hash, else {@link IllegalStateException} telling the operator to run {@code setPasswordCommand}.
     */
    public static PasswordFile require(String label, Path file, String setPasswordCommand) {
        String setting = label + ".passwordHashFile";
        if (file == null) {
            throw new IllegalStateException(setting + " is not set: run " + setPasswordCommand);
        }
        String hash;
        try {
            hash = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException(setting + " " + file + " is not readable (" + e
                    + "): run " + setPasswordCommand, e);
        }
        if (!PasswordHash.wellFormed(hash)) {
            throw new IllegalStateException(setting + " " + file
                    + " does not hold a pbkdf2-sha256 hash: run " + setPasswordCommand);
        }
        return new PasswordFile(label, file);
    }

    /** The stored hash now; an empty string (no password matches) when the file cannot be read, logged. */
    @Override
    public String get() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            LOG.error("{}: {}.passwordHashFile {} is not readable ({}): nobody can log in", label, label, file,
                    e.toString());
            return "";
        }
    }
}
