package net.edgegw.adapters.syslog;

import net.edgegw.adapters.net.Peers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import net.edgegw.adapters.net.AllowList;
import net.edgegw.core.Rejections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Handles syslog datagrams: checks the allow-list per datagram ({@code source-not-allowed}), refuses datagrams
 * larger than maxMessageBytes ({@code oversized}; the kernel truncated them) and empty ones ({@code malformed}),
 * and emits with {@link net.edgegw.core.Emitter#offer} (UDP cannot push back: a full buffer is reported
 * {@code buffer-full} so the drop is counted).
 *
 * <p>One datagram is one message, except that a datagram holding several messages separated by LF (or NUL) is
 * split where the next message begins with {@code <}; a line break not followed by {@code <} stays inside the
 * message (multi-line messages such as stack traces are kept whole). One instance per channel.
 */
final class SyslogUdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = LoggerFactory.getLogger(SyslogUdpHandler.class);

    private final SyslogIngest ingest;
    private final SyslogMetrics metrics;
    private final AllowList allow;
    private final int maxMessageBytes;
    private InetAddress lastAddress;
    private String lastPeer;
    private boolean lastAllowed;

    SyslogUdpHandler(SyslogIngest ingest, SyslogMetrics metrics, AllowList allow, int maxMessageBytes) {
        super(DatagramPacket.class, true);
        this.ingest = ingest;
        this.metrics = metrics;
        this.allow = allow;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        int len = content.readableBytes();
        metrics.bytes().mark(len);
        InetSocketAddress sender = packet.sender();
        InetAddress address = sender == null ? null : sender.getAddress();
        if (address == null || !address.equals(lastAddress)) {
            lastAddress = address;
            lastPeer = Peers.of(sender);
            lastAllowed = allow.allows(address);
        }
        String peer = lastPeer;
        byte[] b;
        int off;
        if (content.hasArray()) {
            b = content.array();
            off = content.arrayOffset() + content.readerIndex();
        } else {
            b = SyslogIngest.scratch(len);
            content.getBytes(content.readerIndex(), b, 0, len);
            off = 0;
        }
        if (!lastAllowed) {
            ingest.reject(Rejections.NOT_ALLOWED, "source address " + peer + " is not in the allow-list", b, off, len, peer);
            return;
        }
        if (len > maxMessageBytes) {
            ingest.reject(Rejections.OVERSIZED, "datagram larger than maxMessageBytes " + maxMessageBytes, b, off, len, peer);
            return;
        }
        int end = off + len;
        int start = off;
        int messages = 0;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if ((c == '\n' || c == 0) && (i + 1 == end || b[i + 1] == '<' || b[i + 1] == '\n' || b[i + 1] == 0)) {
                messages += emit(b, start, i, peer);
                start = i + 1;
            }
        }
        messages += emit(b, start, end, peer);
        if (messages == 0) {
            ingest.reject(Rejections.MALFORMED, "empty datagram", b, off, len, peer);
        }
    }

    private int emit(byte[] b, int from, int to, String peer) {
        if (to > from && b[to - 1] == '\r') {
            to--;
        }
        if (to <= from) {
            return 0;
        }
        ingest.accept(b, from, to - from, peer, false);
        return 1;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a datagram channel must survive anything: log and go on
        LOG.warn("syslog input '{}': error on the UDP listener", ingest.input(), cause);
    }
}
