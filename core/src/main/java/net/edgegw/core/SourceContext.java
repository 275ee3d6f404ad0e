package net.edgegw.core;

import java.time.Clock;

/**
 * What a {@link Source} is given when it starts. Immutable.
 *
 * @param site       the gateway's site id
 * @param gateway    the gateway id
 * @param clock      time source for {@code receivedAt}
 * @param emitter    where accepted records go
 * @param rejections where rejected input is reported
 * @param recent     the buffer's answer to "do you already hold this record?" ({@link RecentRecords#NONE} when the
 *                   buffer cannot tell)
 */
public record SourceContext(String site, String gateway, Clock clock, Emitter emitter, Rejections rejections,
                            RecentRecords recent) {
    public SourceContext {
        if (site == null || gateway == null || clock == null || emitter == null || rejections == null
                || recent == null) {
            throw new IllegalArgumentException("all SourceContext fields are required");
        }
    }

    /** A context whose buffer cannot answer look-ups ({@link RecentRecords#NONE}). */
    public SourceContext(String site, String gateway, Clock clock, Emitter emitter, Rejections rejections) {
        this(site, gateway, clock, emitter, rejections, RecentRecords.NONE);
    }
}
