package net.edgegw.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.codahale.metrics.MetricRegistry;
import net.edgegw.storeforward.BufferSettings;
import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.storeforward.ChronicleLaneBuffer;
import net.edgegw.storeforward.Overflow;
import net.edgegw.storeforward.SyncMode;
import net.edgegw.core.SourceKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of the durable lane buffer with the uplink down (nothing is ever replicated): the buffer fills
 * up to {@code maxBytes} and then drops its oldest segments, so the steady state includes segment deletion and the
 * durable drop counters. Records per second, for 200-byte and 1 KiB bodies; {@code SyncMode.NONE} with one and two
 * appending threads; {@code SyncMode.EVERY_BATCH} with four threads calling {@code append} (one fdatasync per group
 * of concurrent appends) and with one thread calling {@code appendAll} on batches of 100 (one fdatasync per batch).
 * The buffer lives in {@code -Dbench.dir} (default: java.io.tmpdir), which should be on the disk under test.
 *
 * <pre>
 * mvn -B -o -q -pl store-forward install -DskipTests &amp;&amp; mvn -B -o -q -pl bench compile
 * mvn -B -o -q -pl bench dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java $CHRONICLE_JVM_ARGS -cp bench/target/classes:$(cat /tmp/cp.txt) org.openjdk.jmh.Main BufferAppendBench -f 1 -wi 2 -i 3
 * </pre>
 * ({@code CHRONICLE_JVM_ARGS}: the parent pom's {@code chronicle.jvm.args}; JMH passes them on to the fork.)
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class BufferAppendBench {
    static final int BATCH = 100;

    /** One buffer per trial, shared by the benchmark threads. */
    @State(Scope.Benchmark)
    public static class Buffer {
        @Param({"200", "1024"})
        public int bodySize;

        /** The buffer bound: large enough to hold several seconds of appends, small enough to reach overflow. */
        @Param({"536870912"})
        public long maxBytes;

        ChronicleLaneBuffer none;
        ChronicleLaneBuffer everyBatch;
        BufferedRecord record;
        List<BufferedRecord> batch;
        Path dir;

        @Setup(Level.Trial)
        public void open() throws IOException {
            // keep the console to the numbers: no per-segment drop warnings, no Chronicle INFO
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.ERROR);
            Path base = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
            dir = Files.createTempDirectory(base, "buffer-bench");
            byte[] body = new byte[bodySize];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) ('a' + i % 26);
            }
            record = new BufferedRecord("telemetry.syslog", "site-0042/router-7".getBytes(StandardCharsets.UTF_8),
                    SourceKind.SYSLOG, System.currentTimeMillis(), body);
            batch = Collections.nCopies(BATCH, record);
            none = new ChronicleLaneBuffer("bench", settings(dir.resolve("none"), SyncMode.NONE), Clock.systemUTC(),
                    new MetricRegistry());
            everyBatch = new ChronicleLaneBuffer("bench", settings(dir.resolve("sync"), SyncMode.EVERY_BATCH),
                    Clock.systemUTC(), new MetricRegistry());
        }

        private BufferSettings settings(Path d, SyncMode sync) {
            return new BufferSettings(d, maxBytes, null, Overflow.DROP_OLDEST, sync, null);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            System.out.printf("%n  none: %s%n  everyBatch: %s%n", none.backlog(), everyBatch.backlog());
            none.close();
            everyBatch.close();
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Benchmark
    @Threads(1)
    public long appendSyncNone(Buffer b) {
        return b.none.append(b.record, Duration.ZERO);
    }

    @Benchmark
    @Threads(2)
    public long appendSyncNoneTwoThreads(Buffer b) {
        return b.none.append(b.record, Duration.ZERO);
    }

    @Benchmark
    @Threads(4)
    public long appendSyncEveryBatchFourThreads(Buffer b) {
        return b.everyBatch.append(b.record, Duration.ZERO);
    }

    /** Batches of 100 records, one fdatasync per batch; the score is records per second. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public long[] appendAllSyncEveryBatch(Buffer b) {
        return b.everyBatch.appendAll(b.batch, Duration.ZERO);
    }
}
