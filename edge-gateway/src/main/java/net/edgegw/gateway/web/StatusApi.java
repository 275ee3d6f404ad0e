package net.edgegw.gateway.web;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import net.edgegw.adapters.InputMetrics;
import net.edgegw.core.InputConfig;
import net.edgegw.core.cli.ProgramVersion;
import net.edgegw.gateway.config.GatewayConfig;
import net.edgegw.gateway.config.LiveConfig;
import net.edgegw.gateway.status.GatewayView;
import net.edgegw.pipeline.PipelineMetrics;
import net.edgegw.storeforward.Backlog;
import net.edgegw.uplink.UplinkState;
import net.edgegw.uplink.UplinkStatus;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers of {@code GET /api/status} and {@code GET /health} (docs/web.md), read from the running gateway.
 * Stateless and thread-safe.
 */
final class StatusApi {

    private final GatewayView gw;
    private final LiveConfig config;
    private final Clock clock;
    private final String version;

    StatusApi(GatewayView gw, LiveConfig config, Clock clock) {
        this.gw = gw;
        this.config = config;
        this.clock = clock;
        this.version = ProgramVersion.of(StatusApi.class);
    }

    /** The state of an input: LISTENING (bound), CONNECTED / DISCONNECTED (a client input), STOPPED. */
    String inputState(String name) {
        return gw.inputState(name);
    }

    Map<String, Object> status() {
        GatewayConfig c = gw.running();
        MetricRegistry m = gw.metrics();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("site", c.site());
        out.put("gateway", c.gateway());
        out.put("version", version);
        out.put("startedAt", gw.startedAt().toString());
        out.put("uptimeSeconds", Duration.between(gw.startedAt(), clock.instant()).toSeconds());
        Map<String, Object> cfg = new LinkedHashMap<>();
        config.versionInfo(config.version()).ifPresentOrElse(v -> {
            cfg.put("version", v.version());
            cfg.put("hash", v.hash());
            cfg.put("appliedAt", v.appliedAt());
            cfg.put("source", v.source());
        }, () -> {
            cfg.put("version", config.version());
            cfg.put("hash", c.hash());
        });
        out.put("config", cfg);

        Map<String, Map<String, Long>> rejected = gw.rejectionCounts();
        Map<String, InetSocketAddress> bound = gw.boundAddresses();
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (InputConfig in : c.inputs()) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("name", in.name());
            i.put("type", in.type());
            i.put("description", in.describe());
            i.put("state", inputState(in.name()));
            InetSocketAddress b = bound.get(in.name());
            i.put("bind", b == null ? null : b.getHostString() + ":" + b.getPort());
            Meter accepted = m.meter(PipelineMetrics.accepted(in.name()));
            i.put("accepted", accepted.getCount());
            i.put("ratePerSec", round(accepted.getOneMinuteRate()));
            Map<String, Long> r = rejected.getOrDefault(in.name(), Map.of());
            i.put("rejected", r);
            i.put("rejectedTotal", r.values().stream().mapToLong(Long::longValue).sum());
            Counter conns = m.getCounters().get(InputMetrics.name(in.name(), "connections"));
            i.put("connections", conns == null ? null : conns.getCount());
            i.put("lane", in.lane());
            inputs.add(i);
        }
        out.put("inputs", inputs);

        Map<String, Backlog> backlogs = gw.laneBacklogs();
        long backlogRecords = 0;
        List<Map<String, Object>> lanes = new ArrayList<>();
        for (GatewayConfig.LaneConfig l : c.lanes()) {
            Backlog b = backlogs.get(l.name());
            if (b == null) {
                continue;
            }
            backlogRecords += b.records();
            Map<String, Object> lane = new LinkedHashMap<>();
            lane.put("name", l.name());
            lane.put("priority", l.priority());
            lane.put("records", b.records());
            lane.put("bytes", b.bytes());
            lane.put("maxBytes", l.maxBytes());
            lane.put("oldestUnsentAgeMs", b.oldestUnsentAgeMs());
            lane.put("appended", b.appended());
            Map<String, Long> dropped = new LinkedHashMap<>();
            dropped.put("overflow", b.droppedOverflow());
            dropped.put("expired", b.droppedExpired());
            dropped.put("diskFull", b.droppedDiskFull());
            lane.put("dropped", dropped);
            lanes.add(lane);
        }
        out.put("lanes", lanes);

        UplinkStatus u = gw.uplinkStatus();
        Map<String, Object> up = new LinkedHashMap<>();
        up.put("state", u.state().name());
        up.put("bootstrapServers", c.uplink().bootstrapServers());
        up.put("delivery", c.uplink().delivery().name().toLowerCase().replace('_', '-'));
        up.put("lastError", u.lastError());
        up.put("recordsSent", u.recordsSent());
        up.put("bytesSent", u.bytesSent());
        up.put("lastCommit", u.lastCommit() == null ? null : u.lastCommit().toString());
        double rate = u.drainRatePerSec();
        up.put("sendRatePerSec", round(rate));
        up.put("drainEtaSeconds", backlogRecords > 0 && rate > 0.5 && u.state() == UplinkState.UP
                ? Math.round(backlogRecords / rate) : null);
        up.put("bandwidthBytesPerSec", c.uplink().bandwidth() == 0 ? null : c.uplink().bandwidth());
        out.put("uplink", up);

        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("filtered", m.counter(PipelineMetrics.FILTERED).getCount());
        pipeline.put("routes", c.routes().size());
        out.put("pipeline", pipeline);
        return out;
    }

    /** {@code GET /health}: UP when every input is bound or connected... and the buffer can take records. */
    Health health() {
        GatewayConfig c = gw.running();
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, String> inputs = new LinkedHashMap<>();
        String reason = null;
        for (InputConfig in : c.inputs()) {
            String s = inputState(in.name());
            if (s.equals("STOPPED") && gw.applying()) {
                s = "STARTING"; // between its old and new settings during a config apply
            }
            inputs.put(in.name(), s);
            if (s.equals("STOPPED") && reason == null) {
                reason = "input " + in.name() + " is not running";
            }
        }
        String buffer = gw.bufferProblem();
        if (buffer != null && reason == null) {
            reason = buffer;
        }
        body.put("status", reason == null ? "UP" : "DOWN");
        if (reason != null) {
            body.put("reason", reason);
        }
        body.put("inputs", inputs);
        body.put("buffer", buffer == null ? "WRITABLE" : "NOT_WRITABLE");
        UplinkStatus u = gw.uplinkStatus();
        body.put("uplink", u.state().name()); // a down uplink is not a down gateway: it buffers
        return new Health(reason == null, body);
    }

    record Health(boolean up, Map<String, Object> body) {
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
