package net.edgegw.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Classifies MQTT and TCP payload bytes per SPEC section 3: one JSON value -> {@link Payload.Json} (kept as the
 * raw bytes, validated by a streaming pass, never re-encoded), else valid UTF-8 -> {@link Payload.Text}, else
 * {@link Payload.Binary}. Thread-safe.
 */
public final class Payloads {

    /** Deeper nesting than this is not taken as JSON (protects the encoder and the cloud side). */
    public static final int MAX_JSON_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build())
            .build();

    private Payloads() {
    }

    /** The payload for these bytes (not copied: the caller must not modify them afterwards). */
    public static Payload classify(byte[] bytes) {
        if (isJson(bytes)) {
            return new Payload.Json(trim(bytes));
        }
        String text = utf8(bytes);
        return text != null ? new Payload.Text(text) : new Payload.Binary(bytes);
    }

    /** True when the bytes are exactly one JSON value (surrounding whitespace allowed). */
    public static boolean isJson(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && isWs(bytes[i])) {
            i++;
        }
        if (i == bytes.length) {
            return false;
        }
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Strict UTF-8 decoding, or null when the bytes are not valid UTF-8. */
    public static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isWs(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static byte[] trim(byte[] b) {
        int s = 0;
        int e = b.length;
        while (s < e && isWs(b[s])) {
            s++;
        }
        while (e > s && isWs(b[e - 1])) {
            e--;
        }
        if (s == 0 && e == b.length) {
            return b;
        }
        byte[] out = new byte[e - s];
        System.arraycopy(b, s, out, 0, out.length);
        return out;
    }
}
