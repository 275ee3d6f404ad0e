package net.edgegw.web;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The static files of a web UI (pages, scripts, styles, WebJar libraries), read from the class path once at start
 * and served from memory by name. Build it before the server starts; afterwards it is only read (thread-safe).
 */
public final class Assets {

    private record Asset(byte[] bytes, String contentType) {
    }

    private final Class<?> anchor;
    private final Map<String, Asset> assets = new HashMap<>();

    /** Resources are looked up through {@code anchor}'s class loader (absolute resource paths). */
    public Assets(Class<?> anchor) {
        this.anchor = anchor;
    }

    /** Serves the resource {@code resourcePath} as {@code name}; the content type follows the name's extension. */
    public Assets add(String name, String resourcePath) {
        assets.put(name, new Asset(resource(resourcePath), contentType(name)));
        return this;
    }

    /** Adds each of {@code files} from the resource directory {@code dir} (ending with '/') under its own name. */
    public Assets addAll(String dir, String... files) {
        for (String f : files) {
            add(f, dir + f);
        }
        return this;
    }

    /**
     * Serves {@code pathInJar} of the npm WebJar {@code artifact} (whichever version is on the class path) as
     * {@code name}.
     */
    public Assets addWebjar(String name, String artifact, String pathInJar) {
        return add(name, "/META-INF/resources/webjars/" + artifact + "/" + webjarVersion(artifact) + "/" + pathInJar);
    }

    /** Answers with the asset {@code name}, or a 404 {@link HttpError}. */
    public void serve(Context ctx, String name) {
        Asset a = assets.get(name);
        if (a == null) {
            throw new HttpError(404, "not found", null);
        }
        ctx.status(200).contentType(a.contentType()).result(a.bytes());
    }

    private String webjarVersion(String artifact) {
        Properties p = new Properties();
        try (InputStream in = anchor.getResourceAsStream("/META-INF/maven/org.webjars.npm/" + artifact
                + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("webjar " + artifact + " is not on the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private byte[] resource(String path) {
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("web resource missing from the class path: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String contentType(String f) {
        if (f.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (f.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (f.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (f.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "application/octet-stream";
    }
}
