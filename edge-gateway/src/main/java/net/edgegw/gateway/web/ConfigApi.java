package net.edgegw.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import net.edgegw.core.config.ConfigError;
import net.edgegw.gateway.config.ConfigHistory;
import net.edgegw.gateway.config.LiveConfig;
import net.edgegw.gateway.config.SecretMask;
import net.edgegw.web.HttpError;
import net.edgegw.web.Json;
import net.edgegw.web.WebServer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config routes (docs/web.md): read (masked), validate, apply, history, rollback; every answer goes through
 * {@link LiveConfig}, the same path as a SIGHUP. Stateless and thread-safe.
 */
final class ConfigApi {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final LiveConfig config;
    private final Json json;

    ConfigApi(LiveConfig config, Json json) {
        this.config = config;
        this.json = json;
    }

    void get(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", config.version());
        body.put("hash", config.versionInfo(config.version()).map(ConfigHistory.Version::hash).orElse(null));
        body.put("path", config.file().toAbsolutePath().toString());
        body.put("yaml", config.maskedText());
        body.put("mask", SecretMask.MASK);
        body.put("masked", config.maskedPaths());
        json.send(ctx, 200, body);
    }

    void validate(Context ctx) {
        answer(ctx, config.validate(yaml(ctx)));
    }

    void put(Context ctx) {
        answer(ctx, config.apply(yaml(ctx), user(ctx)));
    }

    void rollback(Context ctx) {
        Integer version = null;
        String body = ctx.body();
        if (!body.isBlank()) {
            try {
                JsonNode n = MAPPER.readTree(body);
                if (n.has("version")) {
                    if (!n.get("version").canConvertToInt()) {
                        throw new HttpError(400, "bad request", "version must be a number");
                    }
                    version = n.get("version").asInt();
                }
            } catch (IOException e) {
                throw new HttpError(400, "bad request", "the body must be JSON such as {\"version\": 3}");
            }
        }
        answer(ctx, config.rollback(version, user(ctx)));
    }

    void history(Context ctx) {
        List<Map<String, Object>> versions = new ArrayList<>();
        for (ConfigHistory.Version v : config.history()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", v.version());
            m.put("hash", v.hash());
            m.put("appliedAt", v.appliedAt());
            m.put("source", v.source());
            m.put("user", v.user());
            m.put("changes", v.changes());
            versions.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("current", config.version());
        body.put("versions", versions);
        json.send(ctx, 200, body);
    }

    void version(Context ctx) {
        int v;
        try {
            v = Integer.parseInt(ctx.pathParam("version"));
        } catch (NumberFormatException e) {
            throw new HttpError(400, "bad request", "the version is a number");
        }
        String text = config.maskedVersion(v).orElseThrow(() -> new HttpError(404, "not found",
                "version " + v + " is not in the history"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", v);
        body.put("hash", config.versionInfo(v).map(ConfigHistory.Version::hash).orElse(null));
        body.put("yaml", text);
        json.send(ctx, 200, body);
    }

    private static String yaml(Context ctx) {
        String body = WebServer.body(ctx, GatewayWeb.MAX_CONFIG_BYTES);
        if (body.isBlank()) {
            throw new HttpError(400, "bad request", "the body must be the config as YAML (Content-Type: text/yaml)");
        }
        return body;
    }

    private static String user(Context ctx) {
        var s = WebServer.session(ctx);
        return s == null ? null : s.username();
    }

    private void answer(Context ctx, LiveConfig.Outcome outcome) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (outcome instanceof LiveConfig.Invalid inv) {
            body.put("valid", false);
            body.put("error", "invalid config");
            body.put("detail", inv.errors().size() + " error(s); nothing was changed");
            body.put("errors", errors(inv.errors()));
            json.send(ctx, 422, body);
        } else if (outcome instanceof LiveConfig.NeedsRestart nr) {
            body.put("valid", true);
            body.put("error", "needs a restart");
            body.put("detail", String.join("; ", nr.reasons()));
            body.put("restartRequired", nr.reasons());
            body.put("changes", nr.changes());
            json.send(ctx, ctx.method().name().equals("POST") && ctx.path().endsWith("/validate") ? 200 : 409,
                    body);
        } else if (outcome instanceof LiveConfig.Valid v) {
            body.put("valid", true);
            body.put("summary", v.summary());
            body.put("changes", v.changes());
            body.put("restartRequired", List.of());
            json.send(ctx, 200, body);
        } else if (outcome instanceof LiveConfig.Applied a) {
            body.put("applied", a.applied());
            body.put("version", a.version());
            body.put("hash", a.hash());
            body.put("changes", a.changes());
            if (!a.applied()) {
                body.put("detail", "no change");
            }
            json.send(ctx, 200, body);
        } else if (outcome instanceof LiveConfig.Failed f) {
            body.put("error", "apply failed");
            body.put("detail", f.detail());
            json.send(ctx, 409, body);
        }
    }

    private static List<Map<String, Object>> errors(List<ConfigError> errors) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConfigError e : errors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", e.key());
            m.put("line", e.line());
            m.put("message", e.message());
            out.add(m);
        }
        return out;
    }
}
