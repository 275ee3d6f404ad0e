package net.edgegw.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every config the gateway has run, numbered from 1, in {@code <dataDir>/config-history/}: {@code v<N>.yaml} (the
 * text as applied, secrets included, mode 0600 like the config file) and {@code v<N>.json} (when, how, by whom,
 * what changed). The newest {@value #KEEP} versions are kept. Also writes the config file itself, atomically
 * (a temporary file in the same directory, flushed, then renamed over it; its permissions are kept). Thread-safe.
 */
public final class ConfigHistory {

    static final int KEEP = 100;
    private static final Pattern FILE = Pattern.compile("v(\\d+)\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One applied config.
     *
     * @param appliedAt ISO-8601 instant
     * @param source  {@code startup}, {@code web}, {@code sighup} or {@code rollback}
     * @param user    who applied it ({@code admin}), or null (startup, SIGHUP)
     * @param changes what it changed, one line each (no secret values)
     */
    public record Version(int version, String hash, String appliedAt, String source, String user,
                          List<String> changes) {
    }

    private final Path dir;

    public ConfigHistory(Path dataDir) {
        this.dir = dataDir.resolve("config-history");
    }

    /** Versions newest first. */
    public synchronized List<Version> versions() {
        List<Version> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "v*.json")) {
            for (Path p : ds) {
                if (FILE.matcher(p.getFileName().toString()).matches()) {
                    try {
                        out.add(JSON.readValue(p.toFile(), Version.class));
                    } catch (IOException e) {
                        // a half-written record of a crash during an apply: that version is not listed
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparingInt(Version::version).reversed());
        return out;
    }

    /** The newest version, if any. */
    public Optional<Version> latest() {
        List<Version> v = versions();
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The text of a version (secrets included: mask it before showing it). */
    public synchronized Optional<String> text(int version) {
        Path p = dir.resolve("v" + version + ".yaml");
        try {
            return Files.exists(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records {@code text} as the next version and returns it. */
    public synchronized Version record(String text, String hash, Instant at, String source, String user,
                                       List<String> changes) throws IOException {
        Files.createDirectories(dir);
        int n = latest().map(Version::version).orElse(0) + 1;
        Version v = new Version(n, hash, at.toString(), source, user, List.copyOf(changes));
        writePrivate(dir.resolve("v" + n + ".yaml"), text);
        writePrivate(dir.resolve("v" + n + ".json"), JSON.writeValueAsString(v));
        for (Version old : versions()) {
            if (old.version() <= n - KEEP) {
                Files.deleteIfExists(dir.resolve("v" + old.version() + ".yaml"));
                Files.deleteIfExists(dir.resolve("v" + old.version() + ".json"));
            }
        }
        return v;
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Replaces {@code file}'s content with {@code text} atomically, keeping its permissions: a crash leaves either
     * the old or the new file, never a mix.
     */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".new");
        Set<PosixFilePermission> perms = Files.exists(file) ? Files.getPosixFilePermissions(file)
                : PosixFilePermissions.fromString("rw-------");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(perms));
        try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
