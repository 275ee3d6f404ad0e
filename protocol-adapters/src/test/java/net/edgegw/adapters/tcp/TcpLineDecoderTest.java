package net.edgegw.adapters.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.edgegw.core.Rejections;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TcpLineDecoderTest {

    /** Writes the chunks, finishes the channel, and returns lines as text and errors as "!reason:rawText". */
    static List<String> decode(int max, String... chunks) {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpLineDecoder(max));
        List<ByteBuf> inputs = new ArrayList<>();
        for (String c : chunks) {
            ByteBuf b = Unpooled.copiedBuffer(c, StandardCharsets.UTF_8);
            b.retain();
            inputs.add(b);
            ch.writeInbound(b);
        }
        ch.finish();
        List<String> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof ByteBuf line) {
                out.add(line.toString(StandardCharsets.UTF_8));
                line.release();
            } else {
                LineError e = (LineError) m;
                out.add("!" + e.reason() + ":" + new String(e.raw(), StandardCharsets.UTF_8));
            }
        }
        for (ByteBuf b : inputs) {
            assertThat(b.refCnt()).as("input buffers are released").isEqualTo(1);
            b.release();
        }
        return out;
    }

    @Test
    void lfAndCrlfLinesEmptyLinesSkipped() {
        assertThat(decode(100, "a\nb\r\n\n\r\nc\n")).containsExactly("a", "b", "c");
    }

    @Test
    void linesSplitAcrossReadsAreJoined() {
        assertThat(decode(100, "hel", "lo\r", "\nwor", "ld\n", "x")).containsExactly("hello", "world", "x");
    }

    @Test
    void unterminatedLastLineIsDelivered() {
        assertThat(decode(100, "a\nlast\r")).containsExactly("a", "last");
    }

    @Test
    void lineOfExactlyMaxIsAcceptedWithOrWithoutCr() {
        assertThat(decode(5, "12345\n12345\r\n123456\n")).containsExactly("12345", "12345", "!oversized:123456");
    }

    @Test
    void oversizedLineIsReportedOnceWithItsFirstBytesAndTheRestDiscarded() {
        String big = "x".repeat(10_000);
        List<String> out = decode(100, "ok1\n" + big.substring(0, 3000), big.substring(3000), "\nok2\n");
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isEqualTo("ok1");
        assertThat(out.get(1)).startsWith("!" + Rejections.OVERSIZED + ":xxx");
        assertThat(out.get(2)).isEqualTo("ok2");
    }

    @Test
    void oversizedRawBytesAreCappedAt4KiB() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpLineDecoder(100));
        ch.writeInbound(Unpooled.copiedBuffer("y".repeat(20_000) + "\nz\n", StandardCharsets.US_ASCII));
        LineError e = ch.readInbound();
        assertThat(e.raw()).hasSize(TcpLineDecoder.MAX_RAW_BYTES);
        assertThat(e.detail()).contains("maxLineBytes 100");
        ByteBuf z = ch.readInbound();
        assertThat(z.toString(StandardCharsets.US_ASCII)).isEqualTo("z");
        z.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void oversizedLineInOneReadIsReportedWithItsLength() {
        List<String> out = decode(4, "abcdefgh\nok\n");
        assertThat(out).containsExactly("!oversized:abcdefgh", "ok");
    }

    @Test
    void oversizedUnterminatedTailDoesNotLeakIntoTheNextLine() {
        assertThat(decode(4, "abcdefgh", "ij")).containsExactly("!oversized:abcdefgh");
    }
}
