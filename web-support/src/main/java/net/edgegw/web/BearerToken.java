package net.edgegw.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The bearer token of {@code GET /metrics}: the stripped content of a file, read again whenever the file's
 * modification time, size or identity changes (so a rotated token works without a restart). No file, an unreadable
 * or an empty one: bearer authentication is off (sessions still work). A presented token is compared in constant
 * time (SHA-256 of both, then {@link MessageDigest#isEqual}). The token is never logged. Thread-safe.
 */
final class BearerToken {

    private static final Logger LOG = LoggerFactory.getLogger(BearerToken.class);

    private record Loaded(Object key, long modified, long size, byte[] digest) {
    }

    private final String label;
    private final Path file;
    private volatile Loaded loaded;
    private volatile String offReason;

    BearerToken(String label, Path file) {
        this.label = label;
        this.file = Objects.requireNonNull(file);
    }

    /** Whether {@code presented} (the text after {@code Bearer }) is the token; false while the token is off. */
    boolean matches(String presented) {
        byte[] expected = current();
        if (expected == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(presented.strip()));
    }

    /** The digest of the current token, or {@code null} when bearer authentication is off. */
    private byte[] current() {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return off("does not exist", true);
        } catch (IOException e) {
            return off("cannot be read (" + e.getClass().getSimpleName() + ")", true);
        }
        long modified = a.lastModifiedTime().toMillis();
        Loaded l = loaded;
        if (l != null && Objects.equals(l.key, a.fileKey()) && l.modified == modified && l.size == a.size()) {
            return l.digest;
        }
        synchronized (this) {
            String token;
            try {
                token = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                return off("cannot be read (" + e.getClass().getSimpleName() + ")", true);
            }
            loaded = new Loaded(a.fileKey(), modified, a.size(), token.isEmpty() ? null : sha256(token));
            if (token.isEmpty()) {
                return off("is empty", false);
            }
            LOG.info("{}: metrics bearer token {} from {}", label, l == null && offReason == null ? "loaded"
                    : "reloaded", file);
            offReason = null;
            return loaded.digest;
        }
    }

    /** Bearer authentication is off: logs why once per change; {@code forget} = read the file again next time. */
    private byte[] off(String why, boolean forget) {
        if (forget) {
            loaded = null;
        }
        if (!why.equals(offReason)) {
            offReason = why;
            LOG.warn("{}: metrics token file {} {}: bearer authentication is off (a login session still works)",
                    label, file, why);
        }
        return null;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
