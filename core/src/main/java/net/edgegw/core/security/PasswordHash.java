package net.edgegw.core.security;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Salted PBKDF2-HMAC-SHA256 password hashes in the form {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>},
 * shared by the gateway's {@code set-password} and the aggregator's dashboard login. Stateless and thread-safe.
 */
public final class PasswordHash {

    public static final int ITERATIONS = 210_000;
    public static final int MIN_LENGTH = 10;

    private PasswordHash() {
    }

    /** A new hash of {@code password} with a fresh 16-byte salt. */
    public static String hash(char[] password, SecureRandom random) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] h = derive(password, salt, ITERATIONS);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "pbkdf2-sha256$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(h);
    }

    /** Whether {@code stored} is a hash in the format above (does not check any password). */
    public static boolean wellFormed(String stored) {
        if (stored == null) {
            return false;
        }
        String[] p = stored.trim().split("\\$");
        if (p.length != 4 || !p[0].equals("pbkdf2-sha256")) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(p[1]);
            Base64.getDecoder().decode(p[2]);
            Base64.getDecoder().decode(p[3]);
            return iterations > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Checks a password against a stored hash in constant time; a malformed hash never matches. */
    public static boolean verify(char[] password, String stored) {
        if (!wellFormed(stored)) {
            return false;
        }
        String[] p = stored.trim().split("\\$");
        byte[] salt = Base64.getDecoder().decode(p[2]);
        byte[] expected = Base64.getDecoder().decode(p[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(p[1])));
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }
}
