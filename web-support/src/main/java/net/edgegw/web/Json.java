package net.edgegw.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON answers of a {@link WebServer}: bodies written with the program's {@link ObjectMapper} as
 * {@code application/json}, and the error convention {@code {"error": "<short text>", "detail": "<more>"}}
 * ({@code detail} only when there is one). Thread-safe (the mapper must be configured before use).
 */
public final class Json {

    private final ObjectMapper mapper;

    public Json(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A mapper with Java time types as ISO-8601 text. */
    public static Json standard() {
        return new Json(new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));
    }

    /** Answers {@code status} with {@code body} as JSON. */
    public void send(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(bytes(body));
    }

    public byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String text(Object body) {
        return new String(bytes(body), StandardCharsets.UTF_8);
    }

    /** An error body (mutable, so that a caller may add fields such as {@code missing}). */
    public static Map<String, Object> error(String error, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        if (detail != null) {
            m.put("detail", detail);
        }
        return m;
    }
}
