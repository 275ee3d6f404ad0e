package net.edgegw.gateway.status;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import net.edgegw.storeforward.Backlog;
import net.edgegw.pipeline.PipelineMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.edgegw.core.Rejections;

/**
 * Builds the gateway status record sent to {@code edge.heartbeats} every few seconds (SPEC section 4): version,
 * uptime, config hash, per-input rates and error counts, backlog records/bytes, oldest unsent age, drain rate,
 * dropped counts and uplink state. The format is documented in docs/heartbeat.md. Thread-safe.
 */
public final class Heartbeat {

    private static final JsonFactory JSON = new JsonFactory();

    private final String site;
    private final String gateway;
    private final String version;
    private final String configHash;
    private final Instant startedAt;
    private final Clock clock;
    private final MetricRegistry metrics;
    private final List<String> inputs;
    private final Supplier<Map<String, Backlog>> backlogs;
    private final Supplier<Map<String, Map<String, Long>>> rejections;
    private final Supplier<UplinkView> uplink;

    public Heartbeat(String site, String gateway, String version, String configHash, Clock clock, MetricRegistry metrics,
                     List<String> inputs, Supplier<Map<String, Backlog>> backlogs,
                     Supplier<Map<String, Map<String, Long>>> rejections, Supplier<UplinkView> uplink) {
        this.site = site;
        this.gateway = gateway;
        this.version = version;
        this.configHash = configHash;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.metrics = metrics;
        this.inputs = List.copyOf(inputs);
        this.backlogs = backlogs;
        this.rejections = rejections;
        this.uplink = uplink;
    }

    /** The heartbeat JSON as of now. */
    public byte[] build() {
        Instant now = clock.instant();
        Map<String, Backlog> lanes = backlogs.get();
        Map<String, Map<String, Long>> rejected = rejections.get();
        UplinkView up = uplink.get();
        try (ByteArrayBuilder buf = new ByteArrayBuilder(1024);
             JsonGenerator g = JSON.createGenerator(buf, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("type", "heartbeat");
            g.writeStringField("site", site);
            g.writeStringField("gateway", gateway);
            g.writeStringField("version", version);
            g.writeStringField("startedAt", startedAt.toString());
            g.writeStringField("sentAt", now.toString());
            g.writeNumberField("uptimeSeconds", Math.max(0, now.getEpochSecond() - startedAt.getEpochSecond()));
            g.writeStringField("configHash", configHash);

            g.writeObjectFieldStart("inputs");
            for (String in : inputs) {
                Meter m = metrics.meter(PipelineMetrics.accepted(in));
                Map<String, Long> r = rejected.getOrDefault(in, Map.of());
                g.writeObjectFieldStart(in);
                g.writeNumberField("accepted", m.getCount());
                g.writeNumberField("ratePerSec", round(m.getOneMinuteRate()));
                g.writeNumberField("errors", r.values().stream().mapToLong(Long::longValue).sum());
                g.writeObjectFieldStart("rejected");
                for (Map.Entry<String, Long> e : r.entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndObject();

            long records = 0;
            long bytes = 0;
            long oldest = 0;
            long overflow = 0;
            long expired = 0;
            for (Backlog b : lanes.values()) {
                records += b.records();
                bytes += b.bytes();
                oldest = Math.max(oldest, b.oldestUnsentAgeMs());
                overflow += b.droppedOverflow();
                expired += b.droppedExpired();
            }
            g.writeObjectFieldStart("backlog");
            g.writeNumberField("records", records);
            g.writeNumberField("bytes", bytes);
            g.writeNumberField("oldestUnsentAgeMs", oldest);
            g.writeObjectFieldStart("lanes");
            for (Map.Entry<String, Backlog> e : lanes.entrySet()) {
                Backlog b = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeNumberField("records", b.records());
                g.writeNumberField("bytes", b.bytes());
                g.writeNumberField("oldestUnsentAgeMs", b.oldestUnsentAgeMs());
                g.writeNumberField("droppedOverflow", b.droppedOverflow());
                g.writeNumberField("droppedExpired", b.droppedExpired());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();

            g.writeNumberField("drainRatePerSec", round(up.drainRatePerSec()));
            // records a source gave up on because the buffer was full (UDP syslog): its `buffer-full` rejections.
            // Not the pipeline's refusal count: TCP and MQTT sources hold and retry a refused record, losing nothing.
            long bufferFull = 0;
            for (Map<String, Long> r : rejected.values()) {
                bufferFull += r.getOrDefault(Rejections.BUFFER_FULL, 0L);
            }
            g.writeObjectFieldStart("dropped");
            g.writeNumberField("overflow", overflow);
            g.writeNumberField("expired", expired);
            g.writeNumberField("bufferFull", bufferFull);
            g.writeNumberField("total", overflow + expired + bufferFull);
            g.writeEndObject();

            g.writeObjectFieldStart("uplink");
            g.writeStringField("state", up.state());
            g.writeStringField("lastError", up.lastError());
            g.writeNumberField("recordsSent", up.recordsSent());
            g.writeEndObject();
            g.writeEndObject();
            g.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
