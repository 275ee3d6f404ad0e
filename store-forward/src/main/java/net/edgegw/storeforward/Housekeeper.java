package net.edgegw.storeforward;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lane's own daemon thread ({@code buffer-<lane>-housekeeping}) that runs {@link Expiry} when maxAge is set and
 * {@link Syncer#syncNow} with {@link SyncMode#INTERVAL}; absent (null from {@link #start}) when neither applies.
 * Failures are logged, never thrown. Thread-safe.
 */
final class Housekeeper {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);

    private final ScheduledExecutorService executor;

    private Housekeeper(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** Starts the thread if there is anything to do; {@code syncer} may be null unless the mode is INTERVAL. */
    static Housekeeper start(String lane, BufferSettings settings, Expiry expiry, Syncer syncer) {
        boolean interval = settings.sync() == SyncMode.INTERVAL;
        if (settings.maxAge() == null && !interval) {
            return null;
        }
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "buffer-" + lane + "-housekeeping");
            t.setDaemon(true);
            return t;
        });
        if (settings.maxAge() != null) {
            long period = Math.max(100, Math.min(10_000, settings.maxAge().toMillis() / 20));
            ex.scheduleWithFixedDelay(() -> quietly(lane, "housekeeping", expiry::run), period, period,
                    TimeUnit.MILLISECONDS);
        }
        if (interval) {
            long period = Math.max(1, settings.syncInterval().toMillis());
            ex.scheduleWithFixedDelay(() -> quietly(lane, "sync", syncer::syncNow), period, period,
                    TimeUnit.MILLISECONDS);
        }
        return new Housekeeper(ex);
    }

    private static void quietly(String lane, String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("Buffer lane {}: {} failed", lane, what, e);
        }
    }

    /** Lets a running pass finish (an interrupt would abort a force), cancels the rest; waits up to 10 s. */
    void stop() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
