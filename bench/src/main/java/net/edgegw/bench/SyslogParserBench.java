package net.edgegw.bench;

import com.codahale.metrics.MetricRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import net.edgegw.core.Admission;
import net.edgegw.core.Envelope;
import net.edgegw.core.SourceContext;
import net.edgegw.adapters.syslog.ParsedSyslog;
import net.edgegw.adapters.syslog.SyslogFrameDecoder;
import net.edgegw.adapters.syslog.SyslogIngest;
import net.edgegw.adapters.syslog.SyslogMetrics;
import net.edgegw.adapters.syslog.SyslogParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Syslog hot path: parsing alone (RFC 5424, Cisco IOS over BSD, a key=value firewall line) and the whole TCP path
 * frame -> parse -> Envelope -> emitter, single-threaded. Throughput in messages per second.
 *
 * <pre>
 * mvn -B -o -q -pl protocol-adapters install -DskipTests &amp;&amp; mvn -B -o -q -pl bench compile
 * mvn -B -o -q -pl bench dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp bench/target/classes:$(cat /tmp/cp.txt) org.openjdk.jmh.Main SyslogParserBench -f 1 -wi 2 -i 3 -r 2 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SyslogParserBench {

    static final String RFC5424 = "<165>1 2024-06-15T12:00:00.123456+02:00 core-router-01.site-0042.example.net bgpd 4711 "
            + "BGP_NEIGHBOR [origin@32473 ip=\"10.20.30.40\" software=\"FRR\"][meta sequenceId=\"12345\"] "
            + "BGP neighbor 192.0.2.1 state changed from Established to Idle";
    static final String CISCO = "<189>123: *Mar  1 00:01:02.345: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, "
            + "changed state to down";
    static final String KEY_VALUE = "<189>date=2024-01-01 time=10:00:00 devname=FW01 devid=FGT60E logid=0000000013 "
            + "type=traffic subtype=forward level=notice srcip=10.0.0.1 srcport=51234 dstip=192.0.2.10 dstport=443 "
            + "action=accept msg=\"allowed by policy\"";
    static final int FRAMES_PER_BATCH = 100;

    private final Instant now = Instant.parse("2024-06-15T12:00:00Z");
    private SyslogParser parser;
    private byte[] rfc5424;
    private byte[] cisco;
    private byte[] keyValue;

    @Setup
    public void setup() {
        parser = new SyslogParser();
        rfc5424 = RFC5424.getBytes(StandardCharsets.UTF_8);
        cisco = CISCO.getBytes(StandardCharsets.UTF_8);
        keyValue = KEY_VALUE.getBytes(StandardCharsets.UTF_8);
        for (byte[] m : new byte[][]{rfc5424, cisco, keyValue}) {
            ParsedSyslog check = parser.parse(m, now);
            if (check.isMalformed() || check.fields().message() == null) {
                throw new IllegalStateException("benchmark input does not parse: " + check);
            }
        }
    }

    /** The TCP path: frame decoder and ingest (parse, envelope, emit) in an EmbeddedChannel. */
    @State(Scope.Thread)
    public static class Pipeline {
        EmbeddedChannel channel;
        ByteBuf batch;
        Envelope last;
        long emitted;

        @Setup
        public void setup() {
            SourceContext ctx = new SourceContext("site-0042", "gw-1", Clock.systemUTC(), e -> {
                last = e;
                emitted++;
                return Admission.ACCEPTED;
            }, (input, reason, detail, raw, peer) -> {
                throw new IllegalStateException("unexpected rejection " + reason + ": " + detail);
            });
            SyslogIngest ingest = new SyslogIngest("syslog-tcp", new SyslogParser(), ctx,
                    new SyslogMetrics(new MetricRegistry(), "syslog-tcp"));
            channel = new EmbeddedChannel(new SyslogFrameDecoder(65536), new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    ByteBuf frame = (ByteBuf) msg;
                    try {
                        ingest.accept(frame, "192.0.2.7", true);
                    } finally {
                        frame.release();
                    }
                }
            });
            byte[] one = RFC5424.getBytes(StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < FRAMES_PER_BATCH; i++) {
                sb.append(one.length).append(' ').append(RFC5424);
            }
            batch = Unpooled.directBuffer().writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        }

        @TearDown
        public void tearDown() {
            channel.finishAndReleaseAll();
            batch.release();
            if (emitted == 0 || emitted % FRAMES_PER_BATCH != 0) {
                throw new IllegalStateException("frames lost: " + emitted);
            }
        }
    }

    @Benchmark
    public ParsedSyslog parseRfc5424() {
        return parser.parse(rfc5424, 0, rfc5424.length, now);
    }

    @Benchmark
    public ParsedSyslog parseCiscoBsd() {
        return parser.parse(cisco, 0, cisco.length, now);
    }

    @Benchmark
    public ParsedSyslog parseKeyValue() {
        return parser.parse(keyValue, 0, keyValue.length, now);
    }

    /** 100 octet-counted RFC 5424 frames from a direct buffer through decoder, parser, envelope and emitter. */
    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_BATCH)
    public Envelope framedToEnvelope(Pipeline p) {
        p.channel.writeInbound(p.batch.retainedDuplicate());
        return p.last;
    }
}
