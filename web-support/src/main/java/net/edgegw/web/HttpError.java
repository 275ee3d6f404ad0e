package net.edgegw.web;

import java.util.Map;

/**
 * Thrown by a handler (or a guard) to end a request with an error answer: the status, the JSON body
 * {@code {"error": ..., "detail": ...}} ({@code detail} only when given) and extra headers; or with a 303 redirect
 * (for pages and form posts). {@link WebServer} turns it into the answer. Immutable.
 */
public final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String detail;
    private final String redirect;
    private final transient Map<String, String> headers;

    /** An error answer with extra response headers (e.g. {@code Retry-After}). */
    public HttpError(int status, String error, String detail, Map<String, String> headers) {
        super(error + (detail == null ? "" : ": " + detail), null, false, false);
        this.status = status;
        this.error = error;
        this.detail = detail;
        this.redirect = null;
        this.headers = Map.copyOf(headers);
    }

    /** An error answer without extra headers. */
    public HttpError(int status, String error, String detail) {
        this(status, error, detail, Map.of());
    }

    private HttpError(String redirect, Map<String, String> headers) {
        super("redirect", null, false, false);
        this.status = 303;
        this.error = null;
        this.detail = null;
        this.redirect = redirect;
        this.headers = Map.copyOf(headers);
    }

    /** A 303 redirect to {@code location}. */
    public static HttpError redirect(String location) {
        return new HttpError(location, Map.of());
    }

    /** A 303 redirect to {@code location} with extra response headers. */
    public static HttpError redirect(String location, Map<String, String> headers) {
        return new HttpError(location, headers);
    }

    public int status() {
        return status;
    }

    /** The short error text ({@code null} for a redirect). */
    public String error() {
        return error;
    }

    /** The detail, or {@code null}. */
    public String detail() {
        return detail;
    }

    /** The redirect target, or {@code null} for an error answer. */
    public String redirect() {
        return redirect;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
