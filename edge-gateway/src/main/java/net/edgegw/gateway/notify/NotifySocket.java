package net.edgegw.gateway.notify;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The sending end of systemd's notify socket ({@code man sd_notify}): one {@code AF_UNIX} datagram per message to
 * the path of {@code $NOTIFY_SOCKET} (a leading {@code @} is the abstract namespace). Java has no Unix datagram
 * sockets, so this calls the C library through JNA (already on the classpath for Chronicle Queue, and portable to
 * every Linux architecture the {@code _all} package may land on). A failure is logged once as a warning, then at
 * debug level; it never throws: the gateway runs the same without systemd.
 *
 * <p>Thread-safe.
 */
final class NotifySocket implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NotifySocket.class);
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** {@code sizeof(sun_path)} on Linux. */
    static final int MAX_PATH = 108;

    /** The few libc calls used. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final String path;
    private final byte[] address;
    private int fd = -1; // guarded by this
    private boolean warned; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param path the value of {@code $NOTIFY_SOCKET}: an absolute path or {@code @name}
     * @throws IllegalArgumentException if it is neither, or too long for a Unix socket address
     */
    NotifySocket(String path) {
        this.path = path;
        this.address = address(path);
    }

    /** The {@code struct sockaddr_un} of {@code path}, exactly as long as the address needs. */
    static byte[] address(String path) {
        if (path == null || !(path.startsWith("/") || path.startsWith("@")) || path.length() < 2) {
            throw new IllegalArgumentException("NOTIFY_SOCKET must be an absolute path or @abstract-name, got '"
                    + path + "'");
        }
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name[0] == '@';
        int len = abstractName ? name.length : name.length + 1; // a path is NUL-terminated, an abstract name not
        if (len > MAX_PATH) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is longer than " + MAX_PATH + " bytes: " + path);
        }
        ByteBuffer b = ByteBuffer.allocate(2 + len).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_UNIX);
        b.put(name);
        if (abstractName) {
            b.put(2, (byte) 0);
        }
        return b.array();
    }

    String path() {
        return path;
    }

    /** Sends one message; false (logged) if it could not be sent. */
    synchronized boolean send(String message) {
        if (closed) {
            return false;
        }
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        try {
            LibC c = LibCHolder.LIBC;
            if (fd < 0) {
                fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            }
            c.sendto(fd, msg, new NativeLong(msg.length), MSG_NOSIGNAL, address, address.length);
            return true;
        } catch (LastErrorException | LinkageError e) {
            failed(e);
            return false;
        }
    }

    private void failed(Throwable e) {
        String why = e instanceof LastErrorException l ? "errno " + l.getErrorCode() + " (" + l.getMessage() + ")"
                : e.toString();
        if (!warned) {
            warned = true;
            LOG.warn("systemd notify socket {} cannot be used: {}; readiness and watchdog messages are not sent "
                    + "(the gateway runs on)", path, why);
        } else {
            LOG.debug("systemd notify socket {}: {}", path, why);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (fd >= 0) {
            try {
                LibCHolder.LIBC.close(fd);
            } catch (LastErrorException e) {
                LOG.debug("closing the notify socket: {}", e.toString());
            }
            fd = -1;
        }
    }

    /** Loaded on first use only: nothing native is touched when NOTIFY_SOCKET is unset. */
    private static final class LibCHolder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }
}
