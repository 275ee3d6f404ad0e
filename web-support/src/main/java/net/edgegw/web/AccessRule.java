package net.edgegw.web;

import io.javalin.http.HandlerType;

import java.util.Set;

/**
 * The access-control hook of a {@link WebServer}: which {@link Access} a request needs, by method and path. Must be
 * thread-safe (called for every request); the rules below are immutable.
 */
@FunctionalInterface
public interface AccessRule {

    /** The protection of {@code method path}. */
    Access access(HandlerType method, String path);

    /**
     * The usual rule: {@code GET}/{@code HEAD} of the given paths and {@code POST /login} are {@link Access#PUBLIC},
     * everything else needs a {@link Access#SESSION}.
     */
    static AccessRule publicGets(String... paths) {
        Set<String> open = Set.of(paths);
        return (m, path) -> (m == HandlerType.GET || m == HandlerType.HEAD) && open.contains(path)
                || m == HandlerType.POST && path.equals("/login") ? Access.PUBLIC : Access.SESSION;
    }
}
