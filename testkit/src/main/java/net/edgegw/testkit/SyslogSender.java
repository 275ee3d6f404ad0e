package net.edgegw.testkit;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends RFC 5424 syslog messages to a syslog listener, over TCP (RFC 6587 octet counting or LF framing) or
 * UDP, for load and correctness tests.
 *
 * <p>Every generated message carries its sequence number twice, so a test can find it in whatever the gateway
 * made of the message: in the structured data as {@code [meta sequenceId="123"]} and at the start of MSG as
 * {@code seq=000123} (at least six digits); MSG is then padded with {@code x} to the requested total size
 * (bytes, without framing). See {@link #rfc5424} and {@link #sequenceOf}.
 *
 * <p>TCP output is buffered (64 KiB) and flushed only when the buffer is full, before the sender sleeps for
 * the rate limit, and at the end, so hundreds of thousands of messages go out over one connection quickly.
 * "Sent" means handed to the socket: a message in flight when the receiver dies may still be lost.
 *
 * <p>Thread-safety: a {@code SyslogSender} is immutable and thread-safe; each {@link #send} call uses its
 * own connection. A {@link Connection} is not thread-safe.
 */
public final class SyslogSender {
    /** How messages are carried. */
    public enum Transport {
        /** TCP, each message preceded by its length in bytes and a space (RFC 6587 3.4.1). */
        TCP_OCTET_COUNTING,
        /** TCP, each message followed by LF (RFC 6587 3.4.2, non-transparent framing). */
        TCP_LF,
        /** UDP, one message per datagram (RFC 5426). */
        UDP
    }

    /** local0.info */
    private static final int PRI = 134;
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    private static final Pattern SEQ = Pattern.compile("seq=(\\d+)");
    private static final Pattern SD_SEQ = Pattern.compile("sequenceId=\"(\\d+)\"");

    private final String host;
    private final int port;
    private final Transport transport;
    private final String hostname;
    private final String appName;
    private final int messageSize;
    private final int ratePerSecond;

    private SyslogSender(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.transport = b.transport;
        this.hostname = b.hostname;
        this.appName = b.appName;
        this.messageSize = b.messageSize;
        this.ratePerSecond = b.ratePerSecond;
    }

    /** A builder for messages to {@code host:port}. */
    public static Builder to(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * One RFC 5424 message: {@code <134>1 TIMESTAMP HOST APP - - [meta sequenceId="SEQ"] seq=00000SEQ xxx...},
     * padded with {@code x} to {@code size} bytes (UTF-8) if shorter; never truncated.
     */
    public static String rfc5424(int seq, String host, String app, int size) {
        return rfc5424(seq, host, app, size, TS.format(Instant.now()));
    }

    private static String rfc5424(int seq, String host, String app, int size, String timestamp) {
        StringBuilder sb = new StringBuilder(Math.max(size, 96));
        sb.append('<').append(PRI).append(">1 ").append(timestamp).append(' ').append(host).append(' ')
                .append(app).append(" - - [meta sequenceId=\"").append(seq).append("\"] seq=");
        String digits = Integer.toString(seq);
        for (int i = digits.length(); i < 6; i++) {
            sb.append('0');
        }
        sb.append(digits);
        // only HOSTNAME and APP-NAME may hold non-ASCII characters: correct the char count to UTF-8 bytes
        int bytes = sb.length() + extraUtf8Bytes(host) + extraUtf8Bytes(app);
        if (bytes + 1 < size) {
            sb.append(' ');
            for (int i = bytes + 1; i < size; i++) {
                sb.append('x');
            }
        }
        return sb.toString();
    }

    private static int extraUtf8Bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length - s.length();
    }

    /**
     * The sequence number of a message built by {@link #rfc5424}, found in any text that contains its MSG
     * ({@code seq=123}) or its structured data ({@code sequenceId="123"}); empty if there is none.
     */
    public static OptionalInt sequenceOf(CharSequence text) {
        Matcher m = SEQ.matcher(text);
        if (m.find()) {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        m = SD_SEQ.matcher(text);
        if (m.find()) {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        return OptionalInt.empty();
    }

    /**
     * Opens one connection (or UDP socket), sends {@code count} messages with sequence numbers
     * {@code firstSeq, firstSeq+1, ...} at the configured rate, flushes and closes. Returns the number sent.
     *
     * @throws SendFailedException if the connection fails; it tells how many messages were sent before
     */
    public long send(int firstSeq, int count) {
        long sent = 0;
        try (Connection c = connect()) {
            long interval = ratePerSecond <= 0 ? 0 : 1_000_000_000L / ratePerSecond;
            long t0 = System.nanoTime();
            long tsMillis = -1;
            String ts = null;
            for (int i = 0; i < count; i++) {
                if (interval > 0) {
                    long ahead = t0 + i * interval - System.nanoTime();
                    if (ahead > 1_000_000) { // pace in steps of at least a millisecond
                        c.flush();
                        LockSupport.parkNanos(ahead);
                    }
                }
                long now = System.currentTimeMillis();
                if (now != tsMillis) {
                    tsMillis = now;
                    ts = TS.format(Instant.ofEpochMilli(now));
                }
                c.send(rfc5424(firstSeq + i, hostname, appName, messageSize, ts));
                sent++;
            }
            c.flush();
        } catch (IOException | UncheckedIOException e) {
            IOException io = e instanceof IOException ? (IOException) e : ((UncheckedIOException) e).getCause();
            throw new SendFailedException(sent, io);
        }
        return sent;
    }

    /** {@link #send(int, int)} starting at sequence number 0. */
    public long send(int count) {
        return send(0, count);
    }

    /** Opens a connection (TCP) or socket (UDP) for sending messages one by one. */
    public Connection connect() throws IOException {
        return new Connection(this);
    }

    /**
     * An open connection to the listener. Not thread-safe. For TCP, messages are buffered until
     * {@link #flush()} or {@link #close()}.
     */
    public static final class Connection implements Closeable {
        private final SyslogSender cfg;
        private final Socket socket;
        private final OutputStream out;
        private final DatagramSocket udp;
        private final InetSocketAddress target;

        private Connection(SyslogSender cfg) throws IOException {
            this.cfg = cfg;
            this.target = new InetSocketAddress(cfg.host, cfg.port);
            if (cfg.transport == Transport.UDP) {
                this.udp = new DatagramSocket();
                this.socket = null;
                this.out = null;
            } else {
                this.udp = null;
                this.socket = new Socket();
                socket.setTcpNoDelay(false);
                socket.setSendBufferSize(256 * 1024);
                socket.connect(target, 5000);
                this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            }
        }

        /** Sends the generated message with this sequence number (timestamp now). */
        public void sendSeq(int seq) throws IOException {
            send(rfc5424(seq, cfg.hostname, cfg.appName, cfg.messageSize));
        }

        /** Sends one message as it is, framed for the transport (any text: RFC 3164, garbage...). */
        public void send(String message) throws IOException {
            send(message.getBytes(StandardCharsets.UTF_8));
        }

        /** Sends one message's bytes, framed for the transport. */
        public void send(byte[] message) throws IOException {
            switch (cfg.transport) {
                case TCP_OCTET_COUNTING -> {
                    out.write(Integer.toString(message.length).getBytes(StandardCharsets.US_ASCII));
                    out.write(' ');
                    out.write(message);
                }
                case TCP_LF -> {
                    out.write(message);
                    out.write('\n');
                }
                case UDP -> udp.send(new DatagramPacket(message, message.length, target));
                default -> throw new IllegalStateException(cfg.transport.toString());
            }
        }

        /** Writes raw bytes without any framing (TCP only), e.g. to test a broken frame. */
        public void sendRaw(byte[] bytes) throws IOException {
            if (out == null) {
                udp.send(new DatagramPacket(bytes, bytes.length, target));
            } else {
                out.write(bytes);
            }
        }

        /** Pushes buffered TCP output to the socket. */
        public void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (udp != null) {
                udp.close();
                return;
            }
            try {
                out.flush();
            } finally {
                socket.close();
            }
        }
    }

    /** A send that failed part-way; {@link #sent()} messages were handed to the socket before. */
    public static final class SendFailedException extends UncheckedIOException {
        private static final long serialVersionUID = 1L;
        private final long sent;

        public SendFailedException(long sent, IOException cause) {
            super("syslog send failed after " + sent + " messages: " + cause.getMessage(), cause);
            this.sent = sent;
        }

        public long sent() {
            return sent;
        }
    }

    /** Options for {@link SyslogSender}. Not thread-safe. */
    public static final class Builder {
        private final String host;
        private final int port;
        private Transport transport = Transport.TCP_OCTET_COUNTING;
        private String hostname = "edge-device-1";
        private String appName = "testkit";
        private int messageSize = 200;
        private int ratePerSecond;

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host);
            this.port = port;
        }

        /** Default {@link Transport#TCP_OCTET_COUNTING}. */
        public Builder transport(Transport t) {
            this.transport = Objects.requireNonNull(t);
            return this;
        }

        /** The HOSTNAME field (default {@code edge-device-1}). */
        public Builder hostname(String h) {
            this.hostname = Objects.requireNonNull(h);
            return this;
        }

        /** The APP-NAME field (default {@code testkit}). */
        public Builder appName(String a) {
            this.appName = Objects.requireNonNull(a);
            return this;
        }

        /** Total bytes per message without framing (default 200); short sizes just are not padded. */
        public Builder messageSize(int bytes) {
            this.messageSize = bytes;
            return this;
        }

        /** Messages per second; 0 (default) means as fast as possible. */
        public Builder ratePerSecond(int rate) {
            this.ratePerSecond = rate;
            return this;
        }

        public SyslogSender build() {
            return new SyslogSender(this);
        }
    }
}
