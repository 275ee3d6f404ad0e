package net.edgegw.adapters.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyslogFrameDecoderTest {

    private static final String M1 = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed";
    private static final String M2 = "<13>Oct  3 08:09:10 host app[123]: hello";
    private static final String M3 = "<189>123: *Mar  1 00:01:02.345: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down";

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    /** Feeds the chunks, closes the channel, and returns frames as text and errors as "!reason" / "!!reason" (fatal). */
    private static List<String> decode(int max, byte[]... chunks) {
        EmbeddedChannel ch = new EmbeddedChannel(new SyslogFrameDecoder(max));
        List<ByteBuf> written = new ArrayList<>();
        List<ByteBuf> frames = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (byte[] c : chunks) {
            ByteBuf buf = Unpooled.buffer(c.length).writeBytes(c);
            written.add(buf);
            ch.writeInbound(buf);
            drain(ch, out, frames);
        }
        ch.finish();
        drain(ch, out, frames);
        for (ByteBuf b : written) {
            assertThat(b.refCnt()).as("input buffer released").isZero();
        }
        for (ByteBuf f : frames) {
            assertThat(f.refCnt()).as("frame and the buffer it slices released").isZero();
        }
        return out;
    }

    private static void drain(EmbeddedChannel ch, List<String> out, List<ByteBuf> frames) {
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof ByteBuf b) {
                out.add(b.toString(StandardCharsets.UTF_8));
                frames.add(b);
                b.release();
            } else if (o instanceof FrameError e) {
                assertThat(e.raw().length).isLessThanOrEqualTo(SyslogFrameDecoder.MAX_RAW_BYTES);
                out.add((e.fatal() ? "!!" : "!") + e.reason());
            } else {
                throw new AssertionError("unexpected " + o);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String octet(String m) {
        return bytes(m).length + " " + m;
    }

    /** Every way of cutting the input in two, plus one byte at a time, gives the same result as one write. */
    private static void assertSplitInvariant(int max, String input, List<String> expected) {
        byte[] all = bytes(input);
        assertThat(decode(max, all)).isEqualTo(expected);
        for (int i = 0; i <= all.length; i++) {
            assertThat(decode(max, Arrays.copyOfRange(all, 0, i), Arrays.copyOfRange(all, i, all.length)))
                    .as("split at %d", i).isEqualTo(expected);
        }
        byte[][] single = new byte[all.length][];
        for (int i = 0; i < all.length; i++) {
            single[i] = new byte[]{all[i]};
        }
        assertThat(decode(max, single)).as("byte by byte").isEqualTo(expected);
    }

    @Test
    void octetCountingAtEveryBoundary() {
        assertSplitInvariant(1024, octet(M1) + octet(M2) + octet("<13>ü ünïcode") + octet(M3), List.of(M1, M2, "<13>ü ünïcode", M3));
    }

    @Test
    void lfFramingAtEveryBoundaryWithCrLfNulAndEmptyLines() {
        assertSplitInvariant(1024, M1 + "\n" + M2 + "\r\n\r\n" + M3 + "\0" + "\n<13>last", List.of(M1, M2, M3, "<13>last"));
    }

    @Test
    void octetCountingToleratesNewlinesBetweenFrames() {
        assertThat(decode(1024, bytes(octet(M1) + "\n" + octet(M2) + "\r\n"))).containsExactly(M1, M2);
    }

    @Test
    void messageContainingNewlinesSurvivesOctetCounting() {
        String multi = "<13>1 - h a - - - line1\nline2";
        assertThat(decode(1024, bytes(octet(multi)))).containsExactly(multi);
    }

    @Test
    void oversizedOctetFrameIsSkippedExactlyAtEveryBoundary() {
        String big = "<13>" + "x".repeat(60);
        assertSplitInvariant(40, octet(M2) + octet(big) + octet("<13>after"), List.of(M2, "!oversized", "<13>after"));
    }

    @Test
    void oversizedLineIsDiscardedUpToTheNextLfAtEveryBoundary() {
        String big = "<13>" + "y".repeat(70);
        assertSplitInvariant(40, M2 + "\n" + big + "\n<13>after\n", List.of(M2, "!oversized", "<13>after"));
    }

    @Test
    void oversizedLineArrivingInManyPiecesIsReportedOnce() {
        byte[][] chunks = new byte[12][];
        chunks[0] = bytes("<13>");
        for (int i = 1; i < 11; i++) {
            chunks[i] = bytes("z".repeat(20));
        }
        chunks[11] = bytes("\n<13>ok\n");
        assertThat(decode(50, chunks)).containsExactly("!oversized", "<13>ok");
    }

    @Test
    void lineOfExactlyMaxBytesWithCrLfIsAccepted() {
        String exact = "<13>" + "a".repeat(36);
        assertSplitInvariant(40, exact + "\r\n" + exact + "\n", List.of(exact, exact));
    }

    @Test
    void badOctetCountHeaderIsFatal() {
        assertThat(decode(1024, bytes("12x<34>1 - - - - - -"), bytes(octet(M2)))).containsExactly("!!malformed");
        assertThat(decode(1024, bytes(octet(M2) + "1234567890123 <13>x"), bytes(octet(M2)))).containsExactly(M2, "!!malformed");
        assertThat(decode(1024, bytes(octet(M2) + "<13>no count"))).containsExactly(M2, "!!malformed");
    }

    @Test
    void tenDigitCountIsAHeaderButOversized() {
        assertThat(decode(1024, bytes("9999999999 <13>xyz"))).containsExactly("!oversized");
    }

    @Test
    void zeroCountIsAnEmptyFrameAndTheStreamContinues() {
        assertThat(decode(1024, bytes("0 " + octet(M2)))).containsExactly("!malformed", M2);
    }

    @Test
    void connectionClosedMidFrame() {
        assertThat(decode(1024, bytes(octet(M2) + "50 <13>trunc"))).containsExactly(M2, "!malformed");
        assertThat(decode(1024, bytes(octet(M2) + "50"))).containsExactly(M2, "!malformed");
    }

    @Test
    void detectionIsPerConnectionFromTheFirstByte() {
        EmbeddedChannel octet = new EmbeddedChannel(new SyslogFrameDecoder(100));
        SyslogFrameDecoder d = octet.pipeline().get(SyslogFrameDecoder.class);
        octet.writeInbound(Unpooled.wrappedBuffer(bytes("5 <13>a")));
        assertThat(d.octetCounting()).isTrue();
        ByteBuf f = octet.readInbound();
        assertThat(f.toString(StandardCharsets.US_ASCII)).isEqualTo("<13>a");
        f.release();
        assertThat(octet.finishAndReleaseAll()).isFalse();
        assertThat(decode(100, bytes("\n<13>a\n"))).containsExactly("<13>a");
        assertThat(decode(100, bytes("no pri at all\n"))).containsExactly("no pri at all");
    }
}
