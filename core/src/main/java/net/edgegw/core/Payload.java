package net.edgegw.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code payload} field of the envelope for MQTT and TCP: a JSON value when the bytes are JSON, else UTF-8
 * text, else {@code {"base64": "..."}}. JSON is kept as its raw (already validated) bytes so that it is written
 * to the wire without being re-encoded.
 */
public sealed interface Payload {

    /** A JSON value; {@code raw} must be one syntactically valid JSON value (the caller validated it). */
    record Json(byte[] raw) implements Payload {
        public Json {
            if (raw == null || raw.length == 0) {
                throw new IllegalArgumentException("empty JSON payload");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Json j && Arrays.equals(raw, j.raw);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(raw);
        }

        @Override
        public String toString() {
            return new String(raw, StandardCharsets.UTF_8);
        }
    }

    /** UTF-8 text that is not JSON. */
    record Text(String text) implements Payload {
        public Text {
            if (text == null) {
                throw new IllegalArgumentException("null text payload");
            }
        }
    }

    /** Bytes that are neither JSON nor valid UTF-8; written as {@code {"base64": "..."}}. */
    record Binary(byte[] bytes) implements Payload {
        public Binary {
            if (bytes == null) {
                throw new IllegalArgumentException("null binary payload");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
