package net.edgegw.gateway.notify;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The systemd end of the notify protocol, for tests: a bound {@code AF_UNIX} datagram socket (path or
 * {@code @abstract}) whose datagrams a reader thread collects, in arrival order.
 */
final class NotifyReceiver implements AutoCloseable {

    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int EAGAIN = 11;

    interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] addr, int len) throws LastErrorException;

        int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

        NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final String path;
    private final int fd;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile Consumer<String> listener = m -> { };
    private volatile boolean closed;

    NotifyReceiver(String path) {
        this.path = path;
        byte[] addr = NotifySocket.address(path);
        fd = LibC.C.socket(1, 2, 0);
        LibC.C.bind(fd, addr, addr.length);
        ByteBuffer tv = ByteBuffer.allocate(Native.LONG_SIZE * 2).order(ByteOrder.nativeOrder());
        if (Native.LONG_SIZE == 8) {
            tv.putLong(0).putLong(100_000); // 100 ms, so close() is noticed
        } else {
            tv.putInt(0).putInt(100_000);
        }
        LibC.C.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv.array(), tv.capacity());
        reader = new Thread(this::read, "notify-receiver");
        reader.setDaemon(true);
        reader.start();
    }

    String path() {
        return path;
    }

    /** Called on the reader thread with each message as it arrives (before it is in {@link #messages()}). */
    void onMessage(Consumer<String> l) {
        listener = l;
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    /** The messages that contain the line {@code line} exactly. */
    List<String> withLine(String line) {
        return messages().stream().filter(m -> m.lines().anyMatch(line::equals)).toList();
    }

    private void read() {
        byte[] buf = new byte[4096];
        while (!closed) {
            try {
                int n = LibC.C.recv(fd, buf, new NativeLong(buf.length), 0).intValue();
                String m = new String(buf, 0, n, StandardCharsets.UTF_8);
                listener.accept(m);
                messages.add(m);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EAGAIN && !closed) {
                    messages.add("RECEIVER-ERROR=" + e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        reader.join(2_000);
        LibC.C.close(fd);
    }
}
