package net.edgegw.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The "not set up yet" state of {@link WebServer.Builder#setupRequired}: while {@code required} says so, every
 * request but {@code GET /health} (and the configured exempt paths, e.g. the page's stylesheet) answers 503: a page
 * request (GET accepting {@code text/html}) gets the setup page, everything else JSON
 * {@code {"error":"no password set","detail":...}}. Logins are impossible meanwhile. Thread-safe.
 */
final class SetupGate {

    static final String ERROR = "no password set";

    private final BooleanSupplier required;
    private final Supplier<byte[]> page;
    private final String detail;
    private final Set<String> exempt;

    SetupGate(BooleanSupplier required, Supplier<byte[]> page, String detail, Set<String> exempt) {
        this.required = required;
        this.page = page;
        this.detail = detail;
        this.exempt = exempt;
    }

    boolean required() {
        return required.getAsBoolean();
    }

    /** Whether the request was answered (503) and must go no further. */
    boolean answer(Context ctx) {
        HandlerType m = ctx.method();
        boolean get = m == HandlerType.GET || m == HandlerType.HEAD;
        if (get && (ctx.path().equals("/health") || exempt.contains(ctx.path())) || !required()) {
            return false;
        }
        String accept = ctx.header("Accept");
        if (get && accept != null && accept.contains("text/html")) {
            ctx.status(503).contentType("text/html; charset=utf-8").result(page.get());
            return true;
        }
        throw new HttpError(503, ERROR, detail);
    }
}
