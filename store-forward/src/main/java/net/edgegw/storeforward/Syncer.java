package net.edgegw.storeforward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Forces a lane's segment files to storage with {@code FileChannel.force(false)} (fdatasync: data, Chronicle's header
 * and index, file size), plus the directory when a new segment file was created. One caller forces at a time; callers
 * that arrive meanwhile wait and are covered by the next force (group commit).
 *
 * <p>Thread-safety: {@link #awaitDurable} and {@link #syncNow} may be called from any thread; {@link #newSegment}
 * and {@link #forget} only under the lane's lock ({@link LaneState#lock}).
 */
final class Syncer {
    private final LaneState state;
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition synced = syncLock.newCondition();
    private boolean syncing;
    private long durable = -1;
    /** Guarded by the lane lock: cycles written since the last force other than the current one. */
    private final List<Integer> pending = new ArrayList<>();
    private int currentCycle = -1;
    private boolean newFile;
    private final AtomicLong forces = new AtomicLong();

    Syncer(LaneState state) {
        this.state = state;
    }

    /** Under the lane lock: the appender moves to {@code cycle}. */
    void newSegment(int cycle) {
        if (currentCycle >= 0) {
            pending.add(currentCycle);
        }
        currentCycle = cycle;
        newFile = true;
    }

    /** Under the lane lock: {@code cycle} is deleted. */
    void forget(int cycle) {
        pending.remove(Integer.valueOf(cycle));
    }

    /** How many times segment files were forced to storage. */
    long forces() {
        return forces.get();
    }

    /** Returns once everything up to {@code index} is on storage (forcing it, or waiting for a force that does). */
    void awaitDurable(long index) {
        syncLock.lock();
        try {
            while (durable < index) {
                if (syncing) {
                    synced.awaitUninterruptibly();
                } else {
                    syncing = true;
                    syncLock.unlock();
                    long done = -1;
                    try {
                        done = force();
                    } finally {
                        syncLock.lock();
                        syncing = false;
                        durable = Math.max(durable, done);
                        synced.signalAll();
                    }
                }
            }
        } finally {
            syncLock.unlock();
        }
    }

    /** Forces everything appended so far. */
    void syncNow() {
        long last = state.lastAppendedIndex();
        if (last >= 0) {
            awaitDurable(last);
        }
    }

    /** Forces everything written so far; returns the index it covers. */
    private long force() {
        long target;
        int[] cycles;
        boolean dirNeeded;
        state.lock.lock();
        try {
            target = state.lastAppendedIndex();
            cycles = new int[pending.size() + (currentCycle >= 0 ? 1 : 0)];
            int i = 0;
            for (int c : pending) {
                cycles[i++] = c;
            }
            if (currentCycle >= 0) {
                cycles[i] = currentCycle;
            }
            pending.clear();
            dirNeeded = newFile;
            newFile = false;
        } finally {
            state.lock.unlock();
        }
        for (int c : cycles) {
            forceFile(SegmentFiles.fileFor(state.dir, c));
        }
        if (dirNeeded) {
            LaneCounters.forceDirectory(state.dir);
        }
        forces.incrementAndGet();
        return target;
    }

    /**
     * fdatasync of one segment file. An interrupt of the calling thread does not abort it (FileChannel would close
     * itself and fail): the force is retried with the interrupt flag cleared, and the flag is restored afterwards.
     */
    private static void forceFile(Path f) {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    ch.force(false);
                    return;
                } catch (NoSuchFileException e) {
                    return; // deleted meanwhile (dropped or replicated): nothing to keep
                } catch (ClosedByInterruptException e) {
                    interrupted |= Thread.interrupted();
                    if (attempt >= 3) {
                        throw new UncheckedIOException("cannot force buffer segment " + f + " (interrupted)", e);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot force buffer segment " + f + " to storage", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
