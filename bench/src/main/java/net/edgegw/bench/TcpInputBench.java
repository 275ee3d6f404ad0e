package net.edgegw.bench;

import com.codahale.metrics.MetricRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import net.edgegw.core.Admission;
import net.edgegw.core.Emitter;
import net.edgegw.core.Envelope;
import net.edgegw.core.SourceContext;
import net.edgegw.adapters.tcp.InfluxLineParser;
import net.edgegw.adapters.tcp.TcpInputSettings;
import net.edgegw.adapters.tcp.TcpSource;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * TCP input hot path: the InfluxDB line protocol parser alone (parse, and parse + JSON payload), and the whole line
 * path of a connection (framing -> convert -> Envelope -> emitter) for ndjson, lines and influx, driven through the
 * real decoder and handler in an {@code EmbeddedChannel}, 1000 lines per invocation. Throughput in lines per second.
 *
 * <pre>
 * mvn -B -o -q install -DskipTests
 * java -cp "bench/target/bench.jar:bench/target/lib/*" org.openjdk.jmh.Main TcpInputBench -f 1 -wi 2 -i 3 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TcpInputBench {

    static final String INFLUX = "weather,location=us-midwest,station=KORD\\ 2,season=summer temperature=82.5,"
            + "humidity=71i,wind=12.25,note=\"gusty, \\\"hot\\\"\",ok=t 1465839830100400200";
    static final String NDJSON = "{\"device\":\"pump-7\",\"ts\":\"2024-06-15T12:00:00.123Z\",\"temp\":21.5,"
            + "\"pressure\":1013.25,\"status\":\"ok\",\"alarms\":[],\"meta\":{\"fw\":\"1.2.3\",\"uptime\":123456}}";
    static final String LINE = "2024-06-15 12:00:00.123 pump-7 INFO pressure nominal at 1013.25 hPa, temperature 21.5 C";
    static final int LINES = 1000;

    private final InfluxLineParser parser = new InfluxLineParser(TcpInputSettings.Precision.NS);
    private final byte[] influx = INFLUX.getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public InfluxLineParser.Outcome influxParse() {
        return parser.parse(influx, 0, influx.length);
    }

    @Benchmark
    public byte[] influxParseToJson() {
        parser.parse(influx, 0, influx.length);
        return parser.toJson();
    }

    /** One connection's pipeline with an emitter that accepts everything (into a blackhole). */
    @State(Scope.Thread)
    public static class Connection {
        @Param({"ndjson", "lines", "influx"})
        String format;
        EmbeddedChannel channel;
        ByteBuf chunk;
        Blackhole sink;

        @Setup(Level.Trial)
        public void setUp(Blackhole bh) {
            sink = bh;
            TcpInputSettings.Format f = TcpInputSettings.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
            TcpInputSettings s = TcpInputSettings.defaults("bench", new InetSocketAddress("127.0.0.1", 0), f)
                    .withHostField(f == TcpInputSettings.Format.NDJSON ? "device" : null);
            Emitter emitter = new Emitter() {
                @Override
                public Admission emit(Envelope e) {
                    sink.consume(e);
                    return Admission.ACCEPTED;
                }
            };
            SourceContext ctx = new SourceContext("site-1", "gw-1", Clock.systemUTC(), emitter,
                    (input, reason, detail, raw, peer) -> {
                        throw new IllegalStateException("unexpected rejection " + reason + ": " + detail);
                    });
            channel = new EmbeddedChannel(TcpSource.connectionHandlers(s, ctx, new MetricRegistry()));
            String line = switch (f) {
                case NDJSON -> NDJSON;
                case LINES -> LINE;
                case INFLUX -> INFLUX;
            };
            byte[] one = (line + "\n").getBytes(StandardCharsets.UTF_8);
            chunk = PooledByteBufAllocator.DEFAULT.directBuffer(one.length * LINES);
            for (int i = 0; i < LINES; i++) {
                chunk.writeBytes(one);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            channel.finishAndReleaseAll();
            chunk.release();
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void linePath(Connection c) {
        c.channel.writeInbound(c.chunk.retainedDuplicate());
    }
}
