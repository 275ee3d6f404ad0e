package net.edgegw.core.heartbeat;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One gateway heartbeat as sent to {@code edge.heartbeats} (docs/heartbeat.md): built by the gateway, sent by the
 * uplink, read by the aggregator. {@link HeartbeatJson} is its wire format. Maps keep their given order (it is the
 * order on the wire). Immutable, hence thread-safe.
 *
 * @param site            site id (required)
 * @param gateway         gateway id (required)
 * @param version         gateway version, null if unknown
 * @param startedAt       process start, null if unknown
 * @param sentAt          when this heartbeat was built, null if unknown
 * @param uptimeSeconds   whole seconds since {@code startedAt}
 * @param configHash      sha-256 of the config file, null if unknown
 * @param inputs          per input name
 * @param backlog         the buffer's backlog, in total and per lane
 * @param drainRatePerSec records/s the uplink committed recently
 * @param dropped         records lost, by cause, since the buffer was created (or the process started)
 * @param uplink          the uplink's state
 */
public record Heartbeat(String site, String gateway, String version, Instant startedAt, Instant sentAt,
                        long uptimeSeconds, String configHash, Map<String, Input> inputs, Backlog backlog,
                        double drainRatePerSec, Dropped dropped, Uplink uplink) {

    /** The value of the {@code type} field. */
    public static final String TYPE = "heartbeat";

    public Heartbeat {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(gateway, "gateway");
        inputs = ordered(inputs);
        Objects.requireNonNull(backlog, "backlog");
        Objects.requireNonNull(dropped, "dropped");
        Objects.requireNonNull(uplink, "uplink");
    }

    /**
     * One input.
     *
     * @param accepted   records accepted since start
     * @param ratePerSec accepted records/s (one-minute rate)
     * @param errors     the sum of {@code rejected}
     * @param rejected   rejections by reason
     */
    public record Input(long accepted, double ratePerSec, long errors, Map<String, Long> rejected) {
        public Input {
            rejected = ordered(rejected);
        }
    }

    /**
     * The backlog: totals over the lanes and per lane.
     *
     * @param oldestUnsentAgeMs the oldest unsent record's age over all lanes, 0 if none
     * @param peak              the largest backlog (by records) the gateway saw since its last heartbeat that Kafka
     *                          acknowledged, this one included: what the backlog was while heartbeats could not be
     *                          delivered; null if not reported (older gateways)
     */
    public record Backlog(long records, long bytes, long oldestUnsentAgeMs, Map<String, Lane> lanes, Peak peak) {
        public Backlog {
            lanes = ordered(lanes);
        }

        /** Without a peak. */
        public Backlog(long records, long bytes, long oldestUnsentAgeMs, Map<String, Lane> lanes) {
            this(records, bytes, oldestUnsentAgeMs, lanes, null);
        }
    }

    /**
     * The largest backlog seen over a span of heartbeats.
     *
     * @param records the backlog's records, over all lanes
     * @param bytes   its bytes
     * @param at      when it was seen (the {@code sentAt} of the heartbeat built then), null if unknown
     */
    public record Peak(long records, long bytes, Instant at) {
    }

    /** The backlog of one lane and what it dropped. */
    public record Lane(long records, long bytes, long oldestUnsentAgeMs, long droppedOverflow, long droppedExpired) {
    }

    /**
     * Records lost, by cause; {@code total} is their sum.
     *
     * @param diskFull records the buffer refused because its disk was below {@code buffer.minFreeDisk} (or full)
     *                 and nothing older was left to delete (persisted in the data directory)
     */
    public record Dropped(long overflow, long expired, long bufferFull, long diskFull, long total) {

        /** With {@code total} the sum of the causes. */
        public static Dropped of(long overflow, long expired, long bufferFull, long diskFull) {
            return new Dropped(overflow, expired, bufferFull, diskFull, overflow + expired + bufferFull + diskFull);
        }

        /** Without disk-full drops (a gateway that does not report them). */
        public static Dropped of(long overflow, long expired, long bufferFull) {
            return of(overflow, expired, bufferFull, 0);
        }
    }

    /**
     * The uplink.
     *
     * @param state       {@code up}, {@code down} or {@code connecting}; null if unknown
     * @param lastError   the error of a lane that is down, null if none
     * @param recordsSent records committed since start
     */
    public record Uplink(String state, String lastError, long recordsSent) {
    }

    private static <V> Map<String, V> ordered(Map<String, V> m) {
        return m == null || m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
