package net.edgegw.gateway.status;

/** What the heartbeat and status report about the uplink (adapted from the forwarder's status). */
public record UplinkView(String state, String lastError, long recordsSent, double drainRatePerSec) {
}
