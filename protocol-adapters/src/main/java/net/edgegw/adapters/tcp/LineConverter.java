package net.edgegw.adapters.tcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.netty.buffer.ByteBuf;
import net.edgegw.core.Envelope;
import net.edgegw.core.Payload;
import net.edgegw.core.Payloads;
import net.edgegw.core.SourceKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Turns one line into an {@link Envelope} per the input's format (SPEC sections 2 and 3):
 * <ul>
 * <li>{@code ndjson}: the line must be exactly one JSON value (nesting up to {@link Payloads#MAX_JSON_DEPTH});
 * payload = its bytes (surrounding whitespace trimmed, never re-encoded); host = the {@code hostField} of a JSON
 * object when it is a non-empty string, else the peer.</li>
 * <li>{@code lines}: strict UTF-8; payload = the text, message = the text; host = the peer.</li>
 * <li>{@code influx}: one line of line protocol ({@link InfluxLineParser}); payload = the JSON point; eventTime =
 * its timestamp; host = the peer.</li>
 * </ul>
 * Whitespace-only ndjson lines and influx comment lines are skipped (null without an error). Not thread-safe: one
 * instance per connection, used on its event loop; it reuses a scratch array, the influx parser and the ndjson fast
 * path ({@link JsonFastPath}: lines it is sure about skip the Jackson pass, with the same outcome).
 */
final class LineConverter {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Payloads.MAX_JSON_DEPTH).build())
            .build();
    static final String UNKNOWN_HOST = "unknown";
    private static final int MAX_HOST_CHARS = 255;

    private final TcpInputSettings.Format format;
    private final String hostField;
    private final String site;
    private final String gateway;
    private final String input;
    private final InfluxLineParser influx;
    private final JsonFastPath fastJson;
    private byte[] scratch = new byte[1024];
    private String error;

    LineConverter(TcpInputSettings settings, String site, String gateway) {
        this.format = settings.format();
        this.hostField = settings.hostField();
        this.site = site;
        this.gateway = gateway;
        this.input = settings.name();
        this.influx = format == TcpInputSettings.Format.INFLUX ? new InfluxLineParser(settings.precision()) : null;
        this.fastJson = new JsonFastPath(hostField);
    }

    /** Why the last line was refused (a {@code malformed} rejection), or null. */
    String error() {
        return error;
    }

    /**
     * The envelope of a line (its readable bytes, not released here), or null: refused when {@link #error()} is set,
     * else a line to skip (blank, comment).
     */
    Envelope convert(ByteBuf line, Instant now, String peer) {
        error = null;
        String host = peer == null || peer.isEmpty() ? UNKNOWN_HOST : peer;
        int len = line.readableBytes();
        switch (format) {
            case NDJSON -> {
                int s = line.readerIndex();
                int e = s + len;
                while (s < e && isWs(line.getByte(s))) {
                    s++;
                }
                while (e > s && isWs(line.getByte(e - 1))) {
                    e--;
                }
                if (s == e) {
                    return null;
                }
                byte[] json = new byte[e - s];
                line.getBytes(s, json);
                int bad = Utf8.firstInvalid(json, 0, json.length);
                if (bad >= 0) {
                    error = "invalid UTF-8 at byte " + (s - line.readerIndex() + bad);
                    return null;
                }
                String h;
                if (fastJson.check(json, 0, json.length)) { // the common case, without Jackson's per-line objects
                    h = fastJson.host();
                } else {
                    h = validateJson(json);
                    if (error != null) {
                        return null;
                    }
                }
                return envelope(now, null, h != null ? h : host, null, new Payload.Json(json));
            }
            case LINES -> {
                byte[] b = scratch(len);
                line.getBytes(line.readerIndex(), b, 0, len);
                int bad = Utf8.firstInvalid(b, 0, len);
                if (bad >= 0) {
                    error = "invalid UTF-8 at byte " + bad + " (0x" + Integer.toHexString(b[bad] & 0xff) + ")";
                    return null;
                }
                String text = new String(b, 0, len, StandardCharsets.UTF_8);
                return envelope(now, null, host, text, new Payload.Text(text));
            }
            default -> {
                byte[] b = scratch(len);
                line.getBytes(line.readerIndex(), b, 0, len);
                switch (influx.parse(b, 0, len)) {
                    case EMPTY -> {
                        return null;
                    }
                    case INVALID -> {
                        error = "line protocol: " + influx.error();
                        return null;
                    }
                    default -> {
                        return envelope(now, influx.eventTime(), host, null, new Payload.Json(influx.toJson()));
                    }
                }
            }
        }
    }

    private Envelope envelope(Instant now, Instant eventTime, String host, String message, Payload payload) {
        return new Envelope(null, site, gateway, input, SourceKind.TCP, now, eventTime, host, null, message,
                Map.of(), null, null, payload);
    }

    /**
     * Checks that {@code json} is exactly one JSON value in one streaming pass; returns the host field's value when
     * configured and present, sets {@link #error} otherwise. The reference for what is JSON: {@link JsonFastPath}
     * decides the common lines sooner and leaves everything else (and every error message) to this pass.
     */
    private String validateJson(byte[] json) {
        String host = null;
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT && hostField != null) {
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    boolean mine = hostField.equals(p.currentName());
                    JsonToken v = p.nextToken();
                    if (mine && v == JsonToken.VALUE_STRING) {
                        String h = p.getText();
                        if (!h.isEmpty() && h.length() <= MAX_HOST_CHARS) {
                            host = h;
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                error = "invalid JSON: more than one JSON value on the line (at column "
                        + p.currentTokenLocation().getColumnNr() + ")";
                return null;
            }
            return host;
        } catch (JsonProcessingException e) {
            error = "invalid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (at column " + e.getLocation().getColumnNr() + ")");
            return null;
        } catch (IOException | RuntimeException e) {
            error = "invalid JSON: " + e.getMessage();
            return null;
        }
    }

    private static boolean isWs(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    private byte[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        return scratch;
    }
}
