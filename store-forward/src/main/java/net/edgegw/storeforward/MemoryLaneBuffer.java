package net.edgegw.storeforward;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * An in-memory {@link LaneBuffer} with the same semantics as {@link ChronicleLaneBuffer} at record granularity:
 * simple enough to be obviously correct, for tests of the buffer itself (as the model of property tests) and of
 * its users (pipeline and uplink tests). Nothing survives the JVM.
 * <ul>
 *   <li>Indexes are 0, 1, 2, ... (or above {@link #ensureIndexesAbove}).</li>
 *   <li>Each record costs {@link #cost(BufferedRecord)} bytes; the stored records never cost more than maxBytes.
 *   {@link Overflow#DROP_OLDEST} removes the oldest records (one at a time) and counts those above the replicated
 *   index; {@link Overflow#BLOCK} waits for {@link #markReplicated}.</li>
 *   <li>Replicated records are removed at once, unless the {@link Store} keeps them
 *   ({@link Store#keepingReplicated()}). {@link #housekeep()} removes records older than maxAge.</li>
 *   <li>The state lives in a {@link Store}: a new buffer over the same store behaves like the same lane after a
 *   restart (records, indexes, replicated position and drop counts are kept; {@link Backlog#appended()} counts
 *   this buffer's appends only).</li>
 * </ul>
 * Thread-safe (one lock, the store's).
 */
public final class MemoryLaneBuffer implements LaneBuffer {
    /** Per-record overhead added to the wire size in {@link #cost}. */
    public static final int RECORD_OVERHEAD = 32;

    /**
     * The state of one lane, as its directory is for {@link ChronicleLaneBuffer}: it outlives the buffers opened over
     * it. Thread-safe (one lock).
     */
    public static final class Store {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final NavigableMap<Long, StoredRecord> records = new TreeMap<>();
        private final boolean keepReplicated;
        private long bytes;
        private long nextIndex;
        private long lastIndex = -1;
        private long replicated = -1;
        private long droppedOverflow;
        private long droppedExpired;

        /** A store from which replicated records are removed at once. */
        public Store() {
            this(false);
        }

        private Store(boolean keepReplicated) {
            this.keepReplicated = keepReplicated;
        }

        /**
         * A store that keeps replicated records (they still count against maxBytes until dropped), so that a reader
         * can read them again: for tests that move the replicated position back with {@link #forceReplicatedIndex},
         * as if a crash had lost the last confirmations before their segments were deleted.
         */
        public static Store keepingReplicated() {
            return new Store(true);
        }

        /** The index of the last appended record, -1 if none. */
        public long lastIndex() {
            lock.lock();
            try {
                return lastIndex;
            } finally {
                lock.unlock();
            }
        }

        /** The replicated position (what {@link LaneBuffer#replicatedIndex()} of a buffer over it returns). */
        public long replicated() {
            lock.lock();
            try {
                return replicated;
            } finally {
                lock.unlock();
            }
        }

        /** Test backdoor: sets the replicated position (a hint) to any value, also backwards. */
        public void forceReplicatedIndex(long index) {
            lock.lock();
            try {
                replicated = index;
            } finally {
                lock.unlock();
            }
        }

        /** Under lock: removes the oldest record. */
        private StoredRecord removeFirst() {
            StoredRecord head = records.pollFirstEntry().getValue();
            bytes -= cost(head.record());
            return head;
        }
    }

    private final String lane;
    private final BufferSettings settings;
    private final Clock clock;
    private final Store store;
    private final ReentrantLock lock;
    private long appended;
    private boolean closed;

    /** A buffer with a store of its own. */
    public MemoryLaneBuffer(String lane, BufferSettings settings, Clock clock) {
        this(lane, settings, clock, new Store());
    }

    /** A buffer over {@code store}, which may have been used by an earlier buffer of the lane. */
    public MemoryLaneBuffer(String lane, BufferSettings settings, Clock clock, Store store) {
        this.lane = lane;
        this.settings = settings;
        this.clock = clock;
        this.store = store;
        this.lock = store.lock;
    }

    /** A buffer without a byte bound or maxAge (nothing is dropped) over {@code store}, on the system clock. */
    public static MemoryLaneBuffer unbounded(String lane, Store store) {
        return new MemoryLaneBuffer(lane, new BufferSettings(Path.of("memory", lane), Long.MAX_VALUE, null,
                Overflow.BLOCK, SyncMode.NONE, null), Clock.systemUTC(), store);
    }

    /** What one record counts against maxBytes. */
    public static long cost(BufferedRecord r) {
        return (long) r.wireSize() + r.topic().length() + RECORD_OVERHEAD;
    }

    /** The state this buffer works on. */
    public Store store() {
        return store;
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
            while (!closed && store.bytes + c > settings.maxBytes()) {
                if (settings.overflow() == Overflow.DROP_OLDEST) {
                    if (store.removeFirst().index() > store.replicated) {
                        store.droppedOverflow++;
                    }
                } else {
                    if (nanos <= 0) {
                        return -1;
                    }
                    nanos = store.changed.awaitNanos(nanos);
                }
            }
            if (closed) {
                return -1;
            }
            long index = store.nextIndex++;
            store.records.put(index, new StoredRecord(index, r));
            store.bytes += c;
            store.lastIndex = index;
            appended++;
            store.changed.signalAll();
            return index;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            lock.unlock();
        }
    }

    /** {@inheritDoc} Only the records still held (see {@link Store#keepingReplicated()}) are visited. */
    @Override
    public void scanNewest(int maxRecords, Predicate<StoredRecord> visitor) {
        List<StoredRecord> newest = new ArrayList<>();
        lock.lock();
        try {
            for (var it = store.records.descendingMap().values().iterator();
                 it.hasNext() && newest.size() < maxRecords; ) {
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
            if (index <= store.replicated) {
                return;
            }
            store.replicated = Math.min(index, store.nextIndex - 1);
            while (!store.keepReplicated && !store.records.isEmpty()
                    && store.records.firstKey() <= store.replicated) {
                store.removeFirst();
            }
            store.changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long replicatedIndex() {
        return store.replicated();
    }

    @Override
    public void ensureIndexesAbove(long index) {
        lock.lock();
        try {
            store.nextIndex = Math.max(store.nextIndex, index + 1);
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
            Iterator<StoredRecord> it = store.records.values().iterator();
            while (it.hasNext()) {
                StoredRecord s = it.next();
                if (s.record().receivedAtMillis() < cutoff) {
                    it.remove();
                    store.bytes -= cost(s.record());
                    if (s.index() > store.replicated) {
                        store.droppedExpired++;
                    }
                }
            }
            store.changed.signalAll();
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
            for (StoredRecord s : store.records.tailMap(store.replicated, false).values()) {
                n++;
                b += cost(s.record());
                oldest = Math.min(oldest, s.record().receivedAtMillis());
            }
            long age = n == 0 ? 0 : Math.max(0, clock.millis() - oldest);
            return new Backlog(n, b, age, store.droppedOverflow, store.droppedExpired, appended);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            store.changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A cursor: the last index it handed out. */
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
                    for (Map.Entry<Long, StoredRecord> e : store.records.tailMap(cursor, false).entrySet()) {
                        StoredRecord s = e.getValue();
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
                    store.changed.await(left, TimeUnit.NANOSECONDS);
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
