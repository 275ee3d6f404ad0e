package net.edgegw.core;

import java.time.Clock;

/**
 * What a {@link Source} is given when it starts.
 *
 * @param site       the gateway's site id
 * @param gateway    the gateway id
 * @param clock      time source for {@code receivedAt}
 * @param emitter    where accepted records go
 * @param rejections where rejected input is reported
 */
public record SourceContext(String site, String gateway, Clock clock, Emitter emitter, Rejections rejections) {
    public SourceContext {
        if (site == null || gateway == null || clock == null || emitter == null || rejections == null) {
            throw new IllegalArgumentException("all SourceContext fields are required");
        }
    }
}
