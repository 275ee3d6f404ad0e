package net.edgegw.bench.aggregator;

import net.edgegw.aggregator.config.AggregatorConfig;
import net.edgegw.aggregator.config.AggregatorConfig.Topics;
import net.edgegw.aggregator.streams.HealthCounters;
import net.edgegw.aggregator.streams.HealthTopology;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The fleet mode's aggregator process: nothing but one KafkaStreams with the health topology (the same
 * configuration as the other modes). Prints {@code CHILD READY} once RUNNING; reads commands on stdin:
 * {@code gc} (two System.gc(), then {@code CHILD HEAP used=... committed=... max=... nonheap=...}, bytes),
 * {@code threads} ({@code CHILD THREADS name=cpu-ms,...}), {@code counters}, {@code quit}.
 */
final class AggregatorChild {

    private AggregatorChild() {
    }

    static void run(Map<String, String> a) throws Exception {
        Topics topics = Support.topics(a.get("alarms"), a.get("sites"));
        AggregatorConfig cfg = Support.config(a.get("bootstrap"), a.get("app-id"), Path.of(a.get("state-dir")),
                Integer.parseInt(a.get("threads")), topics,
                Support.correlation(Duration.ofSeconds(Long.parseLong(a.get("hold-down-s")))), Map.of());
        HealthCounters counters = new HealthCounters();
        StreamsBuilder b = new StreamsBuilder();
        HealthTopology.addTo(b, cfg, counters);
        KafkaStreams streams = new KafkaStreams(b.build(), HealthTopology.streamsProperties(cfg, counters));
        streams.start();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("streams failed to start");
            }
            Support.sleep(50);
        }
        say("CHILD READY pid=" + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String cmd;
        while ((cmd = in.readLine()) != null) {
            switch (cmd.trim()) {
                case "gc" -> {
                    System.gc();
                    System.gc();
                    MemoryUsage h = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    MemoryUsage nh = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
                    say("CHILD HEAP used=" + h.getUsed() + " committed=" + h.getCommitted() + " max=" + h.getMax()
                            + " nonheap=" + nh.getUsed());
                }
                case "threads" -> {
                    StringBuilder sb = new StringBuilder();
                    Support.threadCpuMs().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",")
                            .append(k.replace(' ', '_').replace(',', '_').replace('=', '_')).append('=').append(v));
                    say("CHILD THREADS " + sb);
                }
                case "counters" -> say("CHILD COUNTERS " + ThroughputMode.compact(counters.snapshot())
                        + " state=" + streams.state());
                case "quit" -> {
                    streams.close(Duration.ofSeconds(60));
                    say("CHILD CLOSED");
                    return;
                }
                default -> say("CHILD ? " + cmd);
            }
        }
        streams.close(Duration.ofSeconds(60));
    }

    private static void say(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
