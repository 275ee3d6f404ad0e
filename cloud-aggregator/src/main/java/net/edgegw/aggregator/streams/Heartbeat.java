package net.edgegw.aggregator.streams;

import net.edgegw.core.heartbeat.HeartbeatJson;

import java.time.Instant;

/**
 * The facts the aggregator takes from one gateway heartbeat ({@code edge.heartbeats}, docs/heartbeat.md): a flat view
 * of the shared {@link net.edgegw.core.heartbeat.Heartbeat} record, read by its codec {@link HeartbeatJson}. Missing
 * numbers read as 0 (so {@code droppedDiskFull} is 0 from gateways that do not send {@code dropped.diskFull}),
 * missing texts as null; {@code site} and {@code gateway} are required. {@code peakRecords}/{@code peakAt} are
 * {@code backlog.peak} (the largest backlog since the gateway's last delivered heartbeat), 0/null when absent.
 * Immutable.
 */
record Heartbeat(String site, String gateway, String version, Instant startedAt, Instant sentAt,
                 long uptimeSeconds, String configHash, long backlogRecords, long backlogBytes,
                 long oldestUnsentAgeMs, double drainRatePerSec, long droppedOverflow, long droppedExpired,
                 long droppedBufferFull, long droppedDiskFull, long droppedTotal, String uplinkState,
                 long peakRecords, Instant peakAt) {

    /**
     * Parses a heartbeat's JSON value.
     *
     * @throws IllegalArgumentException when it is not a heartbeat object with a site and a gateway
     */
    static Heartbeat parse(byte[] json) {
        return of(HeartbeatJson.parse(json));
    }

    /** The aggregator's view of {@code h}. */
    static Heartbeat of(net.edgegw.core.heartbeat.Heartbeat h) {
        return new Heartbeat(h.site(), h.gateway(), h.version(), h.startedAt(), h.sentAt(), h.uptimeSeconds(),
                h.configHash(), h.backlog().records(), h.backlog().bytes(), h.backlog().oldestUnsentAgeMs(),
                h.drainRatePerSec(), h.dropped().overflow(), h.dropped().expired(), h.dropped().bufferFull(),
                h.dropped().diskFull(), h.dropped().total(), h.uplink().state(),
                h.backlog().peak() == null ? 0 : h.backlog().peak().records(),
                h.backlog().peak() == null ? null : h.backlog().peak().at());
    }
}
