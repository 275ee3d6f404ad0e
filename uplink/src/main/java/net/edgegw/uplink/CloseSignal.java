package net.edgegw.uplink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The forwarder's closing flag and the waits it cuts short: every wait of the forwarder thread (idle, bandwidth cap,
 * checkpoint reads) goes through {@link #sleep(long)}, which {@link #close()} wakes at once.
 *
 * <p>Thread-safe: {@link #close()} and {@link #closing()} from any thread.
 */
final class CloseSignal implements Sleeper {

    private static final Logger LOG = LoggerFactory.getLogger(CloseSignal.class);

    private final Object wake = new Object();
    private volatile boolean closing;

    /** Whether the forwarder is closing. */
    boolean closing() {
        return closing;
    }

    /** Sets the flag and wakes every waiter. */
    void close() {
        closing = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Waits up to {@code millis}; false if cut short because the forwarder is closing. */
    @Override
    public boolean sleep(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (wake) {
            while (!closing) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(wake, remaining);
                } catch (InterruptedException e) {
                    // nobody but close() should disturb this thread, and close() uses notifyAll: ignore
                    LOG.debug("uplink: sleep interrupted");
                }
            }
        }
        return false;
    }
}
