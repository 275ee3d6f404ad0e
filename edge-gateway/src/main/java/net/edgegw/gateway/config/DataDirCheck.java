package net.edgegw.gateway.config;

import net.edgegw.core.config.ConfigError;
import net.edgegw.core.config.ConfigException;
import net.edgegw.core.config.YamlDocument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the gateway can keep its data in {@code dataDir}: the directory exists (or can be created) and files can be
 * created in it. Problems are {@link ConfigError}s on the {@code dataDir} key and its line, in words
 * ({@code dataDir (line 3): /x/y is a file, not a directory}), so that {@code check-config} and {@code run} report them
 * like every other config error (exit 2) before anything is opened. {@link ConfigLoader} stays pure parsing; the
 * commands call this after loading. Stateless and thread-safe.
 *
 * <p>{@link #check} has no lasting side effect: it never creates the directory; it probes the directory (or its
 * nearest existing ancestor) by creating and deleting one empty temporary file. {@link #prepare} is the {@code run}
 * path: it creates the directory, then checks it.
 */
public final class DataDirCheck {

    static final String KEY = "dataDir";
    /** The sub-directories the gateway creates in dataDir (the lane buffers, the inputs' state). */
    private static final List<String> SUBDIRS = List.of("buffer", "inputs");

    private DataDirCheck() {
    }

    /** {@link ConfigLoader#load(Path)} and then {@link #check}: the reader of {@code check-config}. */
    public static GatewayConfig loadChecked(Path file) {
        GatewayConfig c = ConfigLoader.load(file);
        throwIfAny(check(c.dataDir(), line(file)));
        return c;
    }

    /** {@link ConfigLoader#load(Path)} and then {@link #prepare}: the reader of {@code run}. */
    public static GatewayConfig loadPrepared(Path file) {
        GatewayConfig c = ConfigLoader.load(file);
        throwIfAny(prepare(c.dataDir(), line(file)));
        return c;
    }

    /**
     * The problems of {@code dir} as a data directory, without creating it.
     *
     * @param line the line of the {@code dataDir} key, 0 when the default is used
     */
    public static List<ConfigError> check(Path dir, int line) {
        Path d = dir.toAbsolutePath().normalize();
        String problem;
        if (Files.exists(d)) {
            problem = existing(d);
        } else {
            Path ancestor = d.getParent();
            while (ancestor != null && !Files.exists(ancestor)) {
                ancestor = ancestor.getParent();
            }
            String p = ancestor == null ? "no ancestor exists" : existing(ancestor);
            problem = p == null ? null : d + " cannot be created: " + (ancestor != null && Files.isDirectory(ancestor)
                    ? "parent " + p : p);
        }
        List<ConfigError> errors = new ArrayList<>();
        if (problem != null) {
            errors.add(error(line, problem));
        } else {
            for (String sub : SUBDIRS) {
                Path s = d.resolve(sub);
                if (Files.exists(s, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(s)) {
                    errors.add(error(line, s + notADirectory(s)));
                }
            }
        }
        return errors;
    }

    /**
     * Creates {@code dir} (and its parents) if needed, then {@link #check}s it: what {@code run} does before it opens
     * any input or buffer.
     */
    public static List<ConfigError> prepare(Path dir, int line) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            List<ConfigError> errors = check(dir, line);
            return errors.isEmpty()
                    ? List.of(error(line, dir.toAbsolutePath().normalize() + " cannot be created: " + reason(e)))
                    : errors;
        }
        return check(dir, line);
    }

    /** The line of the {@code dataDir} key in {@code file}, 0 if it is not there (the default applies). */
    public static int line(Path file) {
        try {
            YamlDocument doc = YamlDocument.parse(Files.readString(file, StandardCharsets.UTF_8));
            return doc.root().has(KEY) ? doc.line(KEY) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Why an existing path cannot hold the data, or null if it can: "{@code /x is not writable by user edge}". */
    private static String existing(Path p) {
        if (!Files.isDirectory(p)) {
            return p + notADirectory(p);
        }
        try {
            if (Files.getFileStore(p).isReadOnly()) {
                return p + " is on a read-only file system";
            }
        } catch (IOException e) {
            // the probe below tells
        }
        try {
            Path probe = Files.createTempFile(p, ".edge-gateway-probe-", ".tmp");
            Files.delete(probe);
            return null;
        } catch (IOException e) {
            return probeFailure(p, e);
        }
    }

    /**
     * Why creating a file in the existing directory {@code dir} failed, in words; null when the failure does not mean
     * the directory is unusable (a full disk: the gateway starts and drains its backlog).
     */
    static String probeFailure(Path dir, IOException e) {
        String reason = reason(e);
        if (reason.contains("No space left")) {
            return null;
        }
        if (reason.contains("Read-only file system")) {
            return dir + " is on a read-only file system";
        }
        if (e instanceof AccessDeniedException || reason.contains("Permission denied")
                || reason.contains("Operation not permitted")) {
            return dir + " is not writable by user " + System.getProperty("user.name");
        }
        return dir + " does not accept new files (" + reason + ")";
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file of that name exists";
        }
        return String.valueOf(e.getMessage());
    }

    private static String notADirectory(Path p) {
        return Files.isRegularFile(p) ? " is a file, not a directory" : " is not a directory";
    }

    private static ConfigError error(int line, String message) {
        return new ConfigError(KEY, line, line > 0 ? message : message + " (the default; set dataDir in the config)");
    }

    private static void throwIfAny(List<ConfigError> errors) {
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
    }
}
