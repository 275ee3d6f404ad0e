package net.edgegw.storeforward;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory {@link LaneBuffer} with the same semantics as {@link ChronicleLaneBuffer} at record granularity:
 * simple enough to be obviously correct, for tests of the buffer itself (as the model of property tests) and of
 * its users (forwarder tests). Nothing survives the JVM.
 * <ul>
 *   <li>Indexes are 0, 1, 2, ... (or above {@link #ensureIndexesAbove}).</li>
 *   <li>Each record costs {@link #cost(BufferedRecord)} bytes; the stored records never cost more than maxBytes.
 *   {@link Overflow#DROP_OLDEST} removes the oldest records (one at a time) and counts those above the replicated
 *   index; {@link Overflow#BLOCK} waits for {@link #markReplicated}.</li>
 *   <li>Replicated records are removed at once. {@link #housekeep()} removes records older than maxAge.</li>
 * </ul>
 * Thread-safe (one lock).
 */
public final class MemoryLaneBuffer implements LaneBuffer {
    /** Per-record overhead added to the wire size in {@link #cost}. */
    public static final int RECORD_OVERHEAD = 32;

    private final String lane;
    private final BufferSettings settings;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<StoredRecord> records = new ArrayDeque<>();
    private long bytes;
    private long nextIndex;
    private long replicated = -1;
    private long droppedOverflow;
    private long droppedExpired;
    private long appended;
    private boolean closed;

    public MemoryLaneBuffer(String lane, BufferSettings settings, Clock clock) {
        this.lane = lane;
        this.settings = settings;
        this.clock = clock;
    }

    /** What one record counts against maxBytes. */
    public static long cost(BufferedRecord r) {
        return (long) r.wireSize() + r.topic().length() + RECORD_OVERHEAD;
    }

    @Override
    public String lane() {
        return lane;
    }

    @Override
    public long append(BufferedRecord r, Duration maxWait) {
        long c = cost(r);
        if (c > settings.maxBytes()) {
            throw new IllegalArgumentException("record of " + c + " bytes is larger than maxBytes");
        }
        lock.lock();
        try {
            long nanos = maxWait == null ? 0 : maxWait.toNanos();
            while (!closed && bytes + c > settings.maxBytes()) {
                if (settings.overflow() == Overflow.DROP_OLDEST) {
                    StoredRecord head = records.pollFirst();
                    bytes -= cost(head.record());
                    if (head.index() > replicated) {
                        droppedOverflow++;
                    }
                } else {
                    if (nanos <= 0) {
                        return -1;
                    }
                    nanos = changed.awaitNanos(nanos);
                }
            }
            if (closed) {
                return -1;
            }
            long index = nextIndex++;
            records.addLast(new StoredRecord(index, r));
            bytes += c;
            appended++;
            changed.signalAll();
            return index;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            lock.unlock();
        }
    }

    /** {@inheritDoc} Only records not yet marked replicated are still held. */
    @Override
    public void scanNewest(int maxRecords, java.util.function.Predicate<StoredRecord> visitor) {
        List<StoredRecord> newest = new java.util.ArrayList<>();
        lock.lock();
        try {
            for (var it = records.descendingIterator(); it.hasNext() && newest.size() < maxRecords; ) {
                newest.add(it.next());
            }
        } finally {
            lock.unlock();
        }
        for (StoredRecord r : newest) {
            if (!visitor.test(r)) {
                return;
            }
        }
    }

    @Override
    public LaneReader reader(long afterIndex) {
        return new Reader(afterIndex);
    }

    @Override
    public void markReplicated(long index) {
        lock.lock();
        try {
            if (index <= replicated) {
                return;
            }
            replicated = Math.min(index, nextIndex - 1);
            while (!records.isEmpty() && records.peekFirst().index() <= replicated) {
                bytes -= cost(records.pollFirst().record());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long replicatedIndex() {
        lock.lock();
        try {
            return replicated;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void ensureIndexesAbove(long index) {
        lock.lock();
        try {
            nextIndex = Math.max(nextIndex, index + 1);
        } finally {
            lock.unlock();
        }
    }

    /** Removes the records older than maxAge, counting the unreplicated ones. */
    public void housekeep() {
        if (settings.maxAge() == null) {
            return;
        }
        lock.lock();
        try {
            long cutoff = clock.millis() - settings.maxAge().toMillis();
            Iterator<StoredRecord> it = records.iterator();
            while (it.hasNext()) {
                StoredRecord s = it.next();
                if (s.record().receivedAtMillis() < cutoff) {
                    it.remove();
                    bytes -= cost(s.record());
                    if (s.index() > replicated) {
                        droppedExpired++;
                    }
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Backlog backlog() {
        lock.lock();
        try {
            long n = 0;
            long b = 0;
            long oldest = Long.MAX_VALUE;
            for (StoredRecord s : records) {
                if (s.index() > replicated) {
                    n++;
                    b += cost(s.record());
                    oldest = Math.min(oldest, s.record().receivedAtMillis());
                }
            }
            long age = n == 0 ? 0 : Math.max(0, clock.millis() - oldest);
            return new Backlog(n, b, age, droppedOverflow, droppedExpired, appended);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private final class Reader implements LaneReader {
        private long cursor;

        Reader(long afterIndex) {
            cursor = afterIndex;
        }

        @Override
        public List<StoredRecord> poll(int maxRecords, long maxBytes, Duration wait) {
            long deadline = System.nanoTime() + (wait == null ? 0 : wait.toNanos());
            lock.lock();
            try {
                while (true) {
                    List<StoredRecord> out = new ArrayList<>();
                    long b = 0;
                    for (StoredRecord s : records) {
                        if (s.index() <= cursor) {
                            continue;
                        }
                        if (out.size() >= maxRecords || (!out.isEmpty() && b + s.record().wireSize() > maxBytes)) {
                            break;
                        }
                        out.add(s);
                        b += s.record().wireSize();
                    }
                    if (!out.isEmpty()) {
                        cursor = out.get(out.size() - 1).index();
                        return out;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed || maxRecords <= 0) {
                        return List.of();
                    }
                    changed.await(left, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void seekAfter(long index) {
            lock.lock();
            try {
                cursor = index;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
