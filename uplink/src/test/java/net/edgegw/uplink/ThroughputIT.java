package net.edgegw.uplink;

import net.edgegw.storeforward.MemoryLaneBuffer;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import net.edgegw.testkit.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A measurement, not a test: drains a backlog of 300k records of ~400 bytes through exactly-once into a local
 * broker and logs records/s. Off by default; run with
 * {@code mvn -o -pl uplink verify -Dit.test=ThroughputIT -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Duplink.throughput=true} (optionally {@code -Duplink.throughput.delivery=AT_LEAST_ONCE}).
 */
@EnabledIfSystemProperty(named = "uplink.throughput", matches = "true")
class ThroughputIT {

    private static final Logger LOG = LoggerFactory.getLogger(ThroughputIT.class);

    @TempDir
    Path dir;

    @Test
    void drainBacklog() {
        int n = Integer.getInteger("uplink.throughput.records", 300_000);
        int size = Integer.getInteger("uplink.throughput.size", 400);
        Delivery delivery = Delivery.valueOf(System.getProperty("uplink.throughput.delivery", "EXACTLY_ONCE"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            kafka.createTopic("tp.telemetry", 3, false);
            ItSupport.Ledger ledger = new ItSupport.Ledger("site-tp", "gw-1");
            MemoryLaneBuffer buffer = ItSupport.buffer("main");
            ledger.append(buffer, "tp.telemetry", n, 50, size);
            MetricRegistry metrics = new MetricRegistry();
            java.util.Map<String, String> props = new java.util.HashMap<>();
            for (String kv : System.getProperty("uplink.throughput.props", "").split(",")) {
                if (kv.contains("=")) {
                    props.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            UplinkSettings s = UplinkSettings.defaults(kafka.bootstrapServers()).withDelivery(delivery)
                    .withCompression(System.getProperty("uplink.throughput.compression", "zstd"))
                    .withClientProperties(props);
            LOG.info("measuring with {}", s);
            long t0 = System.nanoTime();
            try (Forwarder f = new Forwarder("site-tp", "gw-1", List.of(new Lane(buffer, 0)), s, Clock.systemUTC(),
                    metrics)) {
                f.start();
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                        .until(() -> f.status().lanes().get(0).committedIndex() == n - 1L);
                double secs = (System.nanoTime() - t0) / 1e9;
                long bytes = metrics.meter(UplinkMetrics.BYTES).getCount(); // key + value as sent
                Snapshot lat = metrics.timer(UplinkMetrics.BATCH_LATENCY).getSnapshot();
                LOG.info("THROUGHPUT {} {} {}: {} records ({} MB key+value, ~{} B each) in {} s = {} records/s, {} MB/s; "
                                + "{} transactions, batch latency p50 {} ms p99 {} ms",
                        delivery, s.compression(), props, n, String.format("%.1f", bytes / 1e6), bytes / n, String.format("%.2f", secs),
                        String.format("%.0f", n / secs), String.format("%.1f", bytes / 1e6 / secs),
                        metrics.counter(UplinkMetrics.TRANSACTIONS).getCount(),
                        String.format("%.1f", lat.getMedian() / TimeUnit.MILLISECONDS.toNanos(1)),
                        String.format("%.1f", lat.get99thPercentile() / TimeUnit.MILLISECONDS.toNanos(1)));
                assertThat(f.status().recordsSent()).isEqualTo(n);
            }
        }
    }
}
