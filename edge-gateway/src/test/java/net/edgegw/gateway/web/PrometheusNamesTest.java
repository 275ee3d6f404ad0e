package net.edgegw.gateway.web;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import net.edgegw.adapters.mqtt.MqttMetrics;
import net.edgegw.adapters.syslog.SyslogMetrics;
import net.edgegw.adapters.tcp.TcpMetrics;
import net.edgegw.pipeline.PipelineMetrics;
import net.edgegw.storeforward.BufferMetrics;
import net.edgegw.uplink.UplinkMetrics;
import net.edgegw.web.PrometheusExporter;
import net.edgegw.web.WebServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One metric of every gateway family, registered under its real Dropwizard name (by the adapters' metric classes
 * where they exist), run through the exporter with {@link PrometheusNames#mappings()}: every family gets the exact
 * Prometheus name, labels, type and value unit docs/metrics.md lists, and none is left unmapped.
 */
class PrometheusNamesTest {

    @Test
    void everyGatewayFamilyHasItsPrometheusNameLabelsAndType() {
        MetricRegistry r = new MetricRegistry();
        SyslogMetrics syslog = new SyslogMetrics(r, "syslog-tcp");
        syslog.messages().mark(10);
        syslog.bytes().mark(1000);
        syslog.connections().inc(2);
        TcpMetrics tcp = new TcpMetrics(r, "tcp.in");
        tcp.lines().mark(5);
        tcp.records().mark(4);
        tcp.paused().inc();
        tcp.pauses().mark(3);
        MqttMetrics mqtt = new MqttMetrics(r, "mqtt-in");
        mqtt.acknowledged().mark(6);
        mqtt.unacknowledged().inc(1);
        mqtt.duplicatesSuppressed().inc(2);
        mqtt.reconnects().inc(3);
        mqtt.connected(true);
        r.meter(PipelineMetrics.accepted("syslog-tcp")).mark(9);
        r.counter(PipelineMetrics.rejected("syslog-tcp", "malformed")).inc(2);
        r.meter(PipelineMetrics.ACCEPTED).mark(9);
        r.counter(PipelineMetrics.FILTERED).inc();
        r.counter(PipelineMetrics.BUFFER_FULL).inc();
        r.counter(PipelineMetrics.DEADLETTERED).inc();
        r.meter(BufferMetrics.name("default", BufferMetrics.APPENDED)).mark(9);
        gauge(r, BufferMetrics.name("default", BufferMetrics.RECORDS), 7);
        gauge(r, BufferMetrics.name("default", BufferMetrics.BYTES), 4096);
        gauge(r, BufferMetrics.name("default", BufferMetrics.OLDEST_AGE_MS), 2500);
        gauge(r, BufferMetrics.name("default", BufferMetrics.DROPPED_OVERFLOW), 1);
        gauge(r, BufferMetrics.name("default", BufferMetrics.DROPPED_DISK_FULL), 2);
        r.meter(UplinkMetrics.RECORDS).mark(8);
        r.meter(UplinkMetrics.BYTES).mark(800);
        r.timer(UplinkMetrics.BATCH_LATENCY).update(Duration.ofMillis(40));
        r.counter(UplinkMetrics.ERRORS).inc();
        gauge(r, UplinkMetrics.STATE, 1);
        r.counter(UplinkMetrics.TRANSACTIONS).inc(4);
        r.counter(UplinkMetrics.HANGING_ABORTED).inc();
        r.counter(UplinkMetrics.HEARTBEATS_SENT).inc(5);
        r.counter(UplinkMetrics.HEARTBEATS_DROPPED).inc();
        r.counter(WebServer.REFUSED_NOT_ALLOWED).inc(3);

        PrometheusExporter exporter = new PrometheusExporter(r, PrometheusNames.NAMESPACE,
                Stream.concat(WebServer.MAPPINGS.stream(), PrometheusNames.mappings().stream()).toList());
        Map<String, Double> actual = new TreeMap<>();
        for (MetricSnapshot s : exporter.snapshots()) {
            for (DataPointSnapshot d : s.getDataPoints()) {
                actual.put(describe(s, d), value(d));
            }
        }

        Map<String, Double> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("counter edge_gateway_input_messages_total{input=\"syslog-tcp\"}", 10.0),
                Map.entry("counter edge_gateway_input_messages_total{input=\"mqtt-in\"}", 0.0),
                Map.entry("counter edge_gateway_input_received_bytes_total{input=\"syslog-tcp\"}", 1000.0),
                Map.entry("counter edge_gateway_input_received_bytes_total{input=\"tcp.in\"}", 0.0),
                Map.entry("counter edge_gateway_input_received_bytes_total{input=\"mqtt-in\"}", 0.0),
                Map.entry("gauge edge_gateway_input_connections{input=\"syslog-tcp\"}", 2.0),
                Map.entry("gauge edge_gateway_input_connections{input=\"tcp.in\"}", 0.0),
                Map.entry("counter edge_gateway_input_lines_total{input=\"tcp.in\"}", 5.0),
                Map.entry("counter edge_gateway_input_records_total{input=\"tcp.in\"}", 4.0),
                Map.entry("gauge edge_gateway_input_paused_connections{input=\"tcp.in\"}", 1.0),
                Map.entry("counter edge_gateway_input_pauses_total{input=\"tcp.in\"}", 3.0),
                Map.entry("counter edge_gateway_input_acknowledged_total{input=\"mqtt-in\"}", 6.0),
                Map.entry("counter edge_gateway_input_unacknowledged_total{input=\"mqtt-in\"}", 1.0),
                Map.entry("counter edge_gateway_input_duplicates_suppressed_total{input=\"mqtt-in\"}", 2.0),
                Map.entry("gauge edge_gateway_input_connected{input=\"mqtt-in\"}", 1.0),
                Map.entry("counter edge_gateway_input_reconnects_total{input=\"mqtt-in\"}", 3.0),
                Map.entry("counter edge_gateway_input_accepted_total{input=\"syslog-tcp\"}", 9.0),
                Map.entry("counter edge_gateway_input_rejected_total{input=\"syslog-tcp\",reason=\"malformed\"}", 2.0),
                Map.entry("counter edge_gateway_pipeline_accepted_total{}", 9.0),
                Map.entry("counter edge_gateway_pipeline_filtered_total{}", 1.0),
                Map.entry("counter edge_gateway_pipeline_buffer_full_total{}", 1.0),
                Map.entry("counter edge_gateway_pipeline_deadlettered_total{}", 1.0),
                Map.entry("counter edge_gateway_buffer_appended_total{lane=\"default\"}", 9.0),
                Map.entry("gauge edge_gateway_buffer_records{lane=\"default\"}", 7.0),
                Map.entry("gauge edge_gateway_buffer_bytes{lane=\"default\"}", 4096.0),
                Map.entry("gauge edge_gateway_buffer_oldest_unsent_age_seconds{lane=\"default\"}", 2.5),
                Map.entry("counter edge_gateway_buffer_dropped_total{lane=\"default\",reason=\"overflow\"}", 1.0),
                Map.entry("counter edge_gateway_buffer_dropped_total{lane=\"default\",reason=\"diskFull\"}", 2.0),
                Map.entry("counter edge_gateway_uplink_records_total{}", 8.0),
                Map.entry("counter edge_gateway_uplink_sent_bytes_total{}", 800.0),
                Map.entry("summary edge_gateway_uplink_batch_latency_seconds{}", 0.04),
                Map.entry("counter edge_gateway_uplink_errors_total{}", 1.0),
                Map.entry("gauge edge_gateway_uplink_state{}", 1.0),
                Map.entry("counter edge_gateway_uplink_transactions_total{}", 4.0),
                Map.entry("counter edge_gateway_uplink_hanging_transactions_aborted_total{}", 1.0),
                Map.entry("counter edge_gateway_uplink_heartbeats_total{outcome=\"sent\"}", 5.0),
                Map.entry("counter edge_gateway_uplink_heartbeats_total{outcome=\"dropped\"}", 1.0),
                Map.entry("counter edge_gateway_web_requests_refused_total{reason=\"notAllowed\"}", 3.0)));
        assertThat(actual).isEqualTo(expected);
    }

    private static void gauge(MetricRegistry r, String name, long value) {
        r.register(name, (Gauge<Long>) () -> value);
    }

    /** {@code type name{labels}} with the exposed sample name ({@code _total} on counters). */
    private static String describe(MetricSnapshot s, DataPointSnapshot d) {
        String type = s instanceof CounterSnapshot ? "counter" : s instanceof GaugeSnapshot ? "gauge"
                : s instanceof SummarySnapshot ? "summary" : s.getClass().getSimpleName();
        String name = s.getMetadata().getPrometheusName() + (s instanceof CounterSnapshot ? "_total" : "");
        List<String> labels = new ArrayList<>();
        d.getLabels().forEach(l -> labels.add(l.getName() + "=\"" + l.getValue() + "\""));
        return type + " " + name + labels.stream().collect(Collectors.joining(",", "{", "}"));
    }

    /** The value; for a summary its median (in seconds). */
    private static double value(DataPointSnapshot d) {
        if (d instanceof CounterSnapshot.CounterDataPointSnapshot c) {
            return c.getValue();
        }
        if (d instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
            return g.getValue();
        }
        return ((SummarySnapshot.SummaryDataPointSnapshot) d).getQuantiles().get(0).getValue();
    }
}
