package net.edgegw.bench.aggregator;

import java.nio.file.Path;
import java.util.Map;

/**
 * Benchmark of the cloud aggregator's health topology (Kafka Streams, exactly-once v2), each mode on its own
 * embedded KRaft broker (child JVM):
 * <pre>
 * java -cp "bench/target/bench.jar:bench/target/lib/*" net.edgegw.bench.aggregator.AggregatorBench MODE [--key value]...
 *   throughput [--count 1000000] [--sites 500] [--rounds 3] [--threads 1,2] [--dup-pct 2] [--mirror-pct 1]
 *   latency    [--rate 5000] [--sites 500] [--seconds 60] [--trigger-ms 100] [--hold-downs 0,20] [--threads 2]
 *   fleet      [--sites 10000] [--seconds 180] [--telemetry-rate 1000] [--threads 2] [--child-heap 1g]
 *              [--child-jfr FILE] [--child-jvm-opts "-XX:NativeMemoryTracking=summary ..."]
 *   coldstart  [--sites 2000] [--backlog 300] [--silent 120] [--telemetry-rate 2000] [--live-rate 2000]
 *              [--after 90] [--max-run 600] [--threads 2] [--child-heap 1g]
 *   child      (internal: the fleet and coldstart modes' aggregator JVM)
 * common: --out DIR (default /tmp/bench-out/aggregator)
 * </pre>
 * Prints RESULT / SUMMARY lines on stdout (key=value), progress on stderr.
 */
public final class AggregatorBench {

    private AggregatorBench() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length < 1) {
            System.err.println("usage: AggregatorBench throughput|latency|fleet|coldstart [--key value]...");
            System.exit(2);
        }
        Map<String, String> a = Support.args(argv, 1);
        Path out = Path.of(a.getOrDefault("out", "/tmp/bench-out/aggregator")).toAbsolutePath();
        switch (argv[0]) {
            case "throughput" -> new ThroughputMode(a, out.resolve("throughput")).run();
            case "latency" -> new LatencyMode(a, out.resolve("latency")).run();
            case "fleet" -> new FleetMode(a, out.resolve("fleet")).run();
            case "coldstart" -> new ColdStartMode(a, out.resolve("coldstart")).run();
            case "child" -> AggregatorChild.run(a);
            default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
        }
        System.exit(0); // the broker's shutdown hook and non-daemon client threads must not keep us
    }
}
