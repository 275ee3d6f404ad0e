package net.edgegw.gateway.config;

import net.edgegw.pipeline.PipelineSettings;
import net.edgegw.pipeline.RouteConfig;
import net.edgegw.storeforward.Overflow;
import net.edgegw.storeforward.SyncMode;

import net.edgegw.core.InputConfig;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The validated, immutable gateway configuration (produced only by {@link ConfigLoader}). See docs/configuration.md.
 *
 * @param inputs the inputs, each of the kind of its {@code type:} (see {@link Inputs})
 * @param hash SHA-256 of the config file text, reported in heartbeats
 */
public record GatewayConfig(String site, String gateway, Path dataDir, List<InputConfig> inputs, BufferConfig buffer,
                            List<LaneConfig> lanes, List<RouteConfig> routes, Map<String, String> tags,
                            UplinkConfig uplink, HeartbeatConfig heartbeat, DeadLetterConfig deadLetter,
                            WebConfig web, String hash) {

    /** @param minFreeDisk free space kept on the buffer's filesystem (below it the overflow policy applies) */
    public record BufferConfig(long maxBytes, Duration maxAge, Overflow overflow, SyncMode sync,
                               Duration syncInterval, long minFreeDisk) {
    }

    /** A priority lane: 0 is drained first. {@code maxBytes} is this lane's share of the buffer. */
    public record LaneConfig(String name, int priority, long maxBytes) {
    }

    public enum Delivery { EXACTLY_ONCE, AT_LEAST_ONCE }

    /**
     * @param properties passed to the Kafka clients as they are (TLS, SASL); never logged or shown
     * @param bandwidth  uplink cap in bytes/s, 0 = none
     */
    public record UplinkConfig(String bootstrapServers, Delivery delivery, String compression, long bandwidth,
                               int batchMaxRecords, long batchMaxBytes, Duration batchWait,
                               Map<String, String> properties) {
        @Override
        public String toString() {
            return "UplinkConfig[bootstrapServers=" + bootstrapServers + ", delivery=" + delivery + ", compression="
                    + compression + ", bandwidth=" + bandwidth + ", properties=" + properties.keySet() + " (values hidden)]";
        }
    }

    public record HeartbeatConfig(Duration interval, String topic) {
    }

    public record DeadLetterConfig(boolean enabled, String topic) {
    }

    /**
     * The local web UI and API (docs/web.md); off when {@code bind} is null (no {@code web:} section).
     *
     * @param allow            client networks allowed (empty = all)
     * @param metricsTokenFile the bearer token a Prometheus scrape may send for {@code /metrics}, or null
     * @param tls              HTTPS (default); false only behind a TLS-terminating proxy on the same host
     * @param tlsCert          PEM certificate chain, or null for a generated one kept in {@code <dataDir>/web-tls}
     * @param tlsKey           PEM private key of {@code tlsCert}
     */
    public record WebConfig(InetSocketAddress bind, List<net.edgegw.adapters.net.Cidr> allow, Path metricsTokenFile,
                            boolean tls, Path tlsCert, Path tlsKey, Duration sessionTimeout) {
    }

    /** The lane config by name. */
    public LaneConfig lane(String name) {
        return lanes.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    /** What the pipeline needs of this config; dead letters go to the lowest-priority lane. */
    public PipelineSettings pipeline() {
        Map<String, PipelineSettings.InputRoute> routesByInput = inputs.stream().collect(Collectors.toMap(
                InputConfig::name, in -> new PipelineSettings.InputRoute(in.lane(), in.topic())));
        String lowestPriority = lanes.stream().max(Comparator.comparingInt(LaneConfig::priority)).orElseThrow().name();
        return new PipelineSettings(tags, routes, routesByInput,
                deadLetter.enabled() ? new PipelineSettings.DeadLetterSettings(lowestPriority, deadLetter.topic()) : null);
    }
}
