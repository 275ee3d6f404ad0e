package net.edgegw.gateway.web;

import net.edgegw.adapters.InputMetrics;
import net.edgegw.adapters.mqtt.MqttMetrics;
import net.edgegw.adapters.tcp.TcpMetrics;
import net.edgegw.pipeline.PipelineMetrics;
import net.edgegw.storeforward.BufferMetrics;
import net.edgegw.uplink.UplinkMetrics;
import net.edgegw.web.MetricMapping;

import java.util.List;

/**
 * How the gateway's Dropwizard metrics appear on {@code GET /metrics} (namespace {@code edge_gateway}): one
 * {@link MetricMapping} per family, with the input, lane, reason or outcome as a label. The list is docs/metrics.md
 * in code; {@code PrometheusNamesTest} runs one metric of each family through the exporter. Constants only.
 */
public final class PrometheusNames {

    /** The namespace of every gateway family. */
    public static final String NAMESPACE = "edge_gateway";

    private static final String INPUT = "input";
    private static final String LANE = "lane";
    private static final String IN = "${0}";

    private PrometheusNames() {
    }

    /** The rules, for {@code WebServer.Builder.metrics(registry, NAMESPACE, tokenFile, mappings())}. */
    public static List<MetricMapping> mappings() {
        return List.of(
                // inputs: input.<name>.<metric>; the pipeline counts accepted and rejected per input
                MetricMapping.counter(input("accepted"), "input_accepted",
                        "records of the input written to the buffer").label(INPUT, IN),
                MetricMapping.counter(InputMetrics.PREFIX + "*.rejected.*", "input_rejected",
                        "records of the input rejected, by reason").label(INPUT, IN).label("reason", "${1}"),
                MetricMapping.counter(input("messages"), "input_messages",
                        "messages received (syslog: parsed; MQTT: delivered by the broker, redeliveries included)")
                        .label(INPUT, IN),
                MetricMapping.counter(input(TcpMetrics.BYTES), "input_received_bytes",
                        "bytes received (after TLS decryption; MQTT: payload bytes)").label(INPUT, IN),
                MetricMapping.gauge(input(TcpMetrics.CONNECTIONS), "input_connections",
                        "open connections of a listening TCP/TLS input").label(INPUT, IN),
                MetricMapping.counter(input(TcpMetrics.LINES), "input_lines",
                        "non-empty lines received by a TCP input").label(INPUT, IN),
                MetricMapping.counter(input(TcpMetrics.RECORDS), "input_records",
                        "records a TCP input handed to the gateway (accepted or filtered)").label(INPUT, IN),
                MetricMapping.gauge(input(TcpMetrics.PAUSED), "input_paused_connections",
                        "connections not read at the moment because the buffer is full").label(INPUT, IN),
                MetricMapping.counter(input(TcpMetrics.PAUSES), "input_pauses",
                        "times a connection was paused for back-pressure").label(INPUT, IN),
                MetricMapping.counter(input(MqttMetrics.ACKNOWLEDGED), "input_acknowledged",
                        "MQTT QoS 1/2 messages acknowledged to the broker").label(INPUT, IN),
                MetricMapping.counter(input(MqttMetrics.UNACKNOWLEDGED), "input_unacknowledged",
                        "MQTT messages left unacknowledged (buffer full, shutting down); the broker redelivers them")
                        .label(INPUT, IN),
                MetricMapping.counter(input(MqttMetrics.DUPLICATES_SUPPRESSED), "input_duplicates_suppressed",
                        "MQTT redeliveries of messages already in the buffer").label(INPUT, IN),
                MetricMapping.gauge(input(MqttMetrics.CONNECTED), "input_connected",
                        "1 while the MQTT input is connected to its broker, else 0").label(INPUT, IN),
                MetricMapping.counter(input(MqttMetrics.RECONNECTS), "input_reconnects",
                        "MQTT reconnections").label(INPUT, IN),

                // pipeline
                MetricMapping.counter(PipelineMetrics.ACCEPTED, "pipeline_accepted",
                        "records written to the buffer, all inputs (dead letters included)"),
                MetricMapping.counter(PipelineMetrics.FILTERED, "pipeline_filtered",
                        "records dropped on purpose by a route with drop: true"),
                MetricMapping.counter(PipelineMetrics.BUFFER_FULL, "pipeline_buffer_full",
                        "offers the full buffer refused (not a loss count: the input decides)"),
                MetricMapping.counter(PipelineMetrics.DEADLETTERED, "pipeline_deadlettered",
                        "dead-letter records written"),

                // buffer: buffer.<lane>.<metric>
                MetricMapping.counter(lane(BufferMetrics.APPENDED), "buffer_appended",
                        "records appended to the lane").label(LANE, IN),
                MetricMapping.gauge(lane(BufferMetrics.RECORDS), "buffer_records",
                        "records in the lane not yet replicated nor dropped").label(LANE, IN),
                MetricMapping.gauge(lane(BufferMetrics.BYTES), "buffer_bytes",
                        "approximate bytes on disk of those records").label(LANE, IN),
                MetricMapping.gauge(lane(BufferMetrics.OLDEST_AGE_MS), "buffer_oldest_unsent_age_seconds",
                        "age of the oldest unreplicated record (0 when none)").label(LANE, IN).scaled(0.001),
                MetricMapping.counter(BufferMetrics.PREFIX + "*.dropped.*", "buffer_dropped",
                        "records the lane dropped, by reason (overflow, expired, diskFull: persisted across restarts; "
                                + "corrupt: since start)").label(LANE, IN).label("reason", "${1}"),

                // uplink
                MetricMapping.counter(UplinkMetrics.RECORDS, "uplink_records",
                        "records committed (exactly-once) or acknowledged (at-least-once) by Kafka"),
                MetricMapping.counter(UplinkMetrics.BYTES, "uplink_sent_bytes", "key and value bytes of those records"),
                MetricMapping.of(UplinkMetrics.BATCH_LATENCY, "uplink_batch_latency_seconds",
                        "from the poll that started a batch to its commit or last acknowledgement"),
                MetricMapping.counter(UplinkMetrics.ERRORS, "uplink_errors", "failed send, commit or recovery attempts"),
                MetricMapping.gauge(UplinkMetrics.STATE, "uplink_state", "0 = connecting, 1 = up, 2 = down"),
                MetricMapping.counter(UplinkMetrics.TRANSACTIONS, "uplink_transactions",
                        "committed transactions (exactly-once) or acknowledged batches (at-least-once)"),
                MetricMapping.counter(UplinkMetrics.HANGING_ABORTED, "uplink_hanging_transactions_aborted",
                        "partitions where a hanging transaction of this gateway was aborted"),
                MetricMapping.counter("uplink.heartbeats.*", "uplink_heartbeats",
                        "heartbeats by outcome (sent: acknowledged by Kafka; dropped: uplink down or slow)")
                        .label("outcome", IN));
    }

    private static String input(String metric) {
        return InputMetrics.name("*", metric);
    }

    private static String lane(String metric) {
        return BufferMetrics.name("*", metric);
    }
}
