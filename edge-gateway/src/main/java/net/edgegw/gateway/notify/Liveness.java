package net.edgegw.gateway.notify;

import net.edgegw.core.InputConfig;
import net.edgegw.gateway.status.GatewayView;
import net.edgegw.uplink.UplinkStatus;

import java.time.Duration;

/**
 * The health check behind {@code WATCHDOG=1}: is every thread that moves records alive? Every input of the running
 * config is listening or is a client input (connected or reconnecting; an input between its old and new settings
 * during a config apply counts as starting), and the uplink forwarder's loop finished a step within
 * {@code stallAfter} (a DOWN uplink that keeps retrying steps; a wedged or dead forwarder thread does not).
 *
 * <p>Deliberately not part of it: conditions a restart cannot fix and the gateway already handles by itself (a
 * broker outage, a full or read-only buffer filesystem, see {@link GatewayView#bufferProblem()}). Those are shown in
 * the {@code STATUS=} line and {@code /health}; a restart loop would not help them.
 */
final class Liveness {

    private Liveness() {
    }

    /** Why the gateway is not alive, or null when it is. Never blocks on a lane. */
    static String problem(GatewayView gw, Duration stallAfter) {
        for (InputConfig in : gw.running().inputs()) {
            if ("STOPPED".equals(gw.inputState(in.name())) && !gw.applying()) {
                return "input " + in.name() + " is not running";
            }
        }
        UplinkStatus u = gw.uplinkStatus();
        if (u.sinceLastStep().compareTo(stallAfter) > 0) {
            // the text stays the same while it lasts: logged once, not once a second
            return "uplink forwarder stuck (no progress for over " + stallAfter.toSeconds() + " s)";
        }
        return null;
    }
}
