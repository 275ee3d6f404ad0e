package net.edgegw.adapters.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyslogFrameDecoderPropertiesTest {

    @Property(tries = 500)
    void garbageNeverThrowsAndEverythingIsReleased(@ForAll("streams") byte[] stream,
                                                   @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 400) Integer> cuts,
                                                   @ForAll @IntRange(min = 1, max = 64) int max) {
        EmbeddedChannel ch = new EmbeddedChannel(new SyslogFrameDecoder(max));
        List<ByteBuf> inputs = new ArrayList<>();
        List<ByteBuf> frames = new ArrayList<>();
        int from = 0;
        for (int cut : cuts.stream().sorted().toList()) {
            int to = Math.min(cut, stream.length);
            if (to > from) {
                inputs.add(write(ch, stream, from, to));
                from = to;
            }
        }
        if (stream.length > from) {
            inputs.add(write(ch, stream, from, stream.length));
        }
        ch.finish();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof ByteBuf f) {
                assertThat(f.readableBytes()).isBetween(1, max);
                frames.add(f);
                f.release();
            } else {
                assertThat(o).isInstanceOf(FrameError.class);
            }
        }
        inputs.forEach(b -> assertThat(b.refCnt()).isZero());
        frames.forEach(b -> assertThat(b.refCnt()).isZero());
    }

    /** Octet-counted frames with the right count give back exactly the messages, however the stream is cut. */
    @Property(tries = 300)
    void octetCountingRoundTrip(@ForAll @Size(min = 1, max = 8) List<@Size(min = 1, max = 40) List<Byte>> messages,
                                @ForAll @Size(max = 5) List<@IntRange(min = 0, max = 500) Integer> cuts) {
        List<byte[]> expected = new ArrayList<>();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (List<Byte> m : messages) {
            byte[] b = new byte[m.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = m.get(i);
            }
            expected.add(b);
            out.writeBytes((b.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
        }
        byte[] stream = out.toByteArray();
        EmbeddedChannel ch = new EmbeddedChannel(new SyslogFrameDecoder(100));
        int from = 0;
        for (int cut : cuts.stream().sorted().toList()) {
            int to = Math.min(cut, stream.length);
            if (to > from) {
                write(ch, stream, from, to);
                from = to;
            }
        }
        if (stream.length > from) {
            write(ch, stream, from, stream.length);
        }
        ch.finish();
        List<byte[]> got = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            ByteBuf f = (ByteBuf) o;
            byte[] b = new byte[f.readableBytes()];
            f.readBytes(b);
            f.release();
            got.add(b);
        }
        assertThat(got).containsExactlyElementsOf(expected);
    }

    private static ByteBuf write(EmbeddedChannel ch, byte[] stream, int from, int to) {
        ByteBuf b = Unpooled.copiedBuffer(stream, from, to - from);
        ch.writeInbound(b);
        return b;
    }

    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<byte[]> syslogish = Arbitraries.strings().withChars("0123456789 <>\n\r\0abc").ofMaxLength(400)
                .map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
        return Arbitraries.oneOf(random, syslogish);
    }
}
