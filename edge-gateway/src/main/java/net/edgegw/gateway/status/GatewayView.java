package net.edgegw.gateway.status;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.adapters.InputMetrics;
import net.edgegw.gateway.config.GatewayConfig;
import net.edgegw.pipeline.Pipeline;
import net.edgegw.storeforward.Backlog;
import net.edgegw.uplink.UplinkStatus;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;

/** What the status page, the health check and the event watcher read of a running gateway. Thread-safe. */
public interface GatewayView {

    /** The config running now (the last one applied). */
    GatewayConfig running();

    /** When the gateway started. */
    Instant startedAt();

    /** Its metric registry. */
    MetricRegistry metrics();

    /** The pipeline, for live views of stored records. */
    Pipeline pipeline();

    /** Each lane's backlog, by lane name, in config order. */
    Map<String, Backlog> laneBacklogs();

    /** The uplink's state now. */
    UplinkStatus uplinkStatus();

    /** Rejected records by input and reason since start. */
    Map<String, Map<String, Long>> rejectionCounts();

    /** Why the buffer cannot take records, or null when it can. */
    String bufferProblem();

    /** Whether a config apply is in progress (inputs may be between their old and new settings). */
    boolean applying();

    /** Where each listening input is bound, by input name. */
    Map<String, InetSocketAddress> boundAddresses();

    /**
     * The state of an input: LISTENING (bound), CONNECTED / DISCONNECTED (a client input, by its {@code connected}
     * gauge), STOPPED (neither: not running). Read by {@code /health}, the status page and the systemd watchdog.
     */
    default String inputState(String name) {
        if (boundAddresses().containsKey(name)) {
            return "LISTENING";
        }
        Gauge<?> connected = metrics().getGauges().get(InputMetrics.name(name, "connected"));
        if (connected != null) {
            return Integer.valueOf(1).equals(connected.getValue()) ? "CONNECTED" : "DISCONNECTED";
        }
        return "STOPPED";
    }
}
