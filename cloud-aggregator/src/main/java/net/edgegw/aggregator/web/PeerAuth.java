package net.edgegw.aggregator.web;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Authentication between aggregator instances with the shared secret of {@code dashboard.peerSecretFile}. The
 * secret itself never travels: a request carries a time stamp, a random nonce and
 * {@code HMAC-SHA256(secret, "req" | method | path | time | nonce)}; the server accepts it within
 * {@link #MAX_SKEW_MS} and answers with {@code HMAC-SHA256(secret, "resp" | nonce | body)} over the body it sends,
 * which the caller checks before it uses the data. So each side proves it knows the secret, and a peer's answer
 * cannot be forged or altered in transit even where the TLS certificate of a peer is not verified (self-signed).
 * All comparisons are constant-time. Immutable and thread-safe.
 */
final class PeerAuth {

    static final String H_TIME = "X-Edgegw-Peer-Time";
    static final String H_NONCE = "X-Edgegw-Peer-Nonce";
    static final String H_AUTH = "X-Edgegw-Peer-Auth";
    static final String H_SIGNATURE = "X-Edgegw-Peer-Signature";
    static final long MAX_SKEW_MS = 60_000;
    static final int MIN_SECRET_BYTES = 16;

    private final SecretKeySpec key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    PeerAuth(byte[] secret, Clock clock) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("peer secret shorter than " + MIN_SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.clock = clock;
    }

    /** Reads the secret file (surrounding white space trimmed); fails with a message naming the file, never its content. */
    static PeerAuth fromFile(Path file, Clock clock) {
        try {
            byte[] secret = Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalStateException("dashboard.peerSecretFile " + file + ": the secret must have at least "
                        + MIN_SECRET_BYTES + " characters");
            }
            return new PeerAuth(secret, clock);
        } catch (IOException e) {
            throw new IllegalStateException("dashboard.peerSecretFile " + file + " is not readable: " + e, e);
        }
    }

    /** Headers for a request: time, nonce, auth (in that order, name/value pairs). */
    String[] sign(String method, String path) {
        String time = Long.toString(clock.millis());
        byte[] n = new byte[16];
        random.nextBytes(n);
        String nonce = HexFormat.of().formatHex(n);
        return new String[]{H_TIME, time, H_NONCE, nonce, H_AUTH, mac("req\n" + method + "\n" + path + "\n" + time
                + "\n" + nonce, null)};
    }

    /** Whether a request's headers prove the secret (constant-time; stale or malformed headers fail). */
    boolean verifyRequest(String method, String path, String time, String nonce, String auth) {
        if (time == null || nonce == null || auth == null || nonce.length() > 64 || time.length() > 20) {
            return false;
        }
        long t;
        try {
            t = Long.parseLong(time);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.millis() - t) > MAX_SKEW_MS) {
            return false;
        }
        String expected = mac("req\n" + method + "\n" + path + "\n" + time + "\n" + nonce, null);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), auth.getBytes(StandardCharsets.US_ASCII));
    }

    /** The signature of a response body for the request's nonce. */
    String signResponse(String nonce, byte[] body) {
        return mac("resp\n" + nonce + "\n", body);
    }

    boolean verifyResponse(String nonce, byte[] body, String signature) {
        return signature != null && MessageDigest.isEqual(signResponse(nonce, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String text, byte[] body) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(text.getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                m.update(body);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(m.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
