package net.edgegw.uplink;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the uplink for status pages and heartbeats. Immutable.
 *
 * @param state           DOWN if any lane is down, else UP if any lane is up, else CONNECTING
 * @param lastError       the most recent error text of a lane that is down, null when none is
 * @param recordsSent     records committed (exactly-once) or acknowledged (at-least-once) since start
 * @param bytesSent       their key+value bytes
 * @param lastCommit      time of the last commit / acknowledged batch, null if none yet
 * @param drainRatePerSec records/s committed over the last 10 s
 * @param lanes           per lane, in priority order
 * @param sinceLastStep   how long ago the forwarder thread last finished a step of its loop (a batch, a recovery
 *                        attempt, an idle wait or a back-off); it grows without bound only if the thread is wedged
 *                        or dead (a DOWN uplink that keeps retrying still steps)
 */
public record UplinkStatus(UplinkState state, String lastError, long recordsSent, long bytesSent, Instant lastCommit,
                           double drainRatePerSec, List<LaneStatus> lanes, Duration sinceLastStep) {

    public UplinkStatus {
        lanes = List.copyOf(lanes);
        sinceLastStep = sinceLastStep == null ? Duration.ZERO : sinceLastStep;
    }

    /** A snapshot without the loop's progress (a forwarder that just stepped). */
    public UplinkStatus(UplinkState state, String lastError, long recordsSent, long bytesSent, Instant lastCommit,
                        double drainRatePerSec, List<LaneStatus> lanes) {
        this(state, lastError, recordsSent, bytesSent, lastCommit, drainRatePerSec, lanes, Duration.ZERO);
    }

    /**
     * One lane.
     *
     * @param committedIndex the last index known committed in Kafka (exactly-once: the Kafka checkpoint, read at
     *                       recovery and advanced by each commit; at-least-once: the last acknowledged index); -1 if
     *                       none
     * @param stopped        true if the lane gave up for good (fenced by another instance with the same id)
     */
    public record LaneStatus(String lane, int priority, UplinkState state, String lastError, long committedIndex,
                             long recordsSent, boolean stopped) {
    }
}
