package net.edgegw.uplink;

import net.edgegw.storeforward.Backlog;
import net.edgegw.storeforward.BufferedRecord;
import net.edgegw.storeforward.LaneBuffer;
import net.edgegw.storeforward.LaneReader;
import net.edgegw.storeforward.StoredRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An obviously correct in-memory {@link LaneBuffer} for tests: unbounded, nothing dropped, indexes 0, 1, 2, ...
 * (or above what {@link #ensureIndexesAbove} asked for).
 * Thread-safe (one lock). "Persisted" mode: the state lives in a {@link Store} that outlives the buffer, so a new
 * buffer over the same store behaves like the same lane after a gateway restart.
 */
final class InMemoryLaneBuffer implements LaneBuffer {

    /** The state of one lane; survives the buffers created over it. */
    static final class Store {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final List<StoredRecord> records = new ArrayList<>(); // indexes strictly increasing
        private long nextIndex;
        private long replicated = -1;

        /** Position in {@link #records} of the first record with an index > {@code index}. */
        private int firstAfter(long index) {
            int lo = 0;
            int hi = records.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (records.get(mid).index() <= index) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** The index of the last appended record, -1 if none. */
        long lastIndex() {
            lock.lock();
            try {
                return records.isEmpty() ? -1 : records.get(records.size() - 1).index();
            } finally {
                lock.unlock();
            }
        }

        /** Test backdoor: sets the persisted position (a hint) to any value, also backwards. */
        void forceReplicatedIndex(long index) {
            lock.lock();
            try {
                replicated = index;
            } finally {
                lock.unlock();
            }
        }

        long replicated() {
            lock.lock();
            try {
                return replicated;
            } finally {
                lock.unlock();
            }
        }
    }

    private final String lane;
    private final Store store;
    private volatile boolean closed;
    private long appendedHere; // guarded by store.lock

    /** A volatile buffer (its own store). */
    InMemoryLaneBuffer(String lane) {
        this(lane, new Store());
    }

    /** A buffer over a store that survives it ("persisted"). */
    InMemoryLaneBuffer(String lane, Store store) {
        this.lane = lane;
        this.store = store;
    }

    Store store() {
        return store;
    }

    @Override
    public String lane() {
        return lane;
    }

    @Override
    public long append(BufferedRecord r, Duration maxWait) {
        if (closed) {
            return -1;
        }
        store.lock.lock();
        try {
            long index = store.nextIndex++;
            store.records.add(new StoredRecord(index, r));
            appendedHere++;
            store.changed.signalAll();
            return index;
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public LaneReader reader(long afterIndex) {
        return new Reader(afterIndex);
    }

    @Override
    public void markReplicated(long index) {
        store.lock.lock();
        try {
            if (index > store.replicated) {
                store.replicated = index;
            }
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public void ensureIndexesAbove(long index) {
        store.lock.lock();
        try {
            store.nextIndex = Math.max(store.nextIndex, index + 1);
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public long replicatedIndex() {
        return store.replicated();
    }

    @Override
    public Backlog backlog() {
        store.lock.lock();
        try {
            int from = store.firstAfter(store.replicated);
            long records = store.records.size() - from;
            long bytes = 0;
            for (int i = from; i < store.records.size(); i++) {
                bytes += store.records.get(i).record().wireSize();
            }
            long oldest = records > 0
                    ? Math.max(0, System.currentTimeMillis() - store.records.get(from).record().receivedAtMillis()) : 0;
            return new Backlog(records, bytes, oldest, 0, 0, appendedHere);
        } finally {
            store.lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        store.lock.lock();
        try {
            store.changed.signalAll();
        } finally {
            store.lock.unlock();
        }
    }

    private final class Reader implements LaneReader {
        private long cursor; // last index returned

        Reader(long afterIndex) {
            this.cursor = Math.max(-1, afterIndex);
        }

        @Override
        public List<StoredRecord> poll(int maxRecords, long maxBytes, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            store.lock.lock();
            try {
                while (store.firstAfter(cursor) >= store.records.size() && !closed) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return List.of();
                    }
                    try {
                        store.changed.await(remaining, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return List.of();
                    }
                }
                List<StoredRecord> out = new ArrayList<>();
                long bytes = 0;
                for (int i = store.firstAfter(cursor); i < store.records.size() && out.size() < maxRecords; i++) {
                    StoredRecord r = store.records.get(i);
                    if (!out.isEmpty() && bytes + r.record().wireSize() > maxBytes) {
                        break;
                    }
                    out.add(r);
                    bytes += r.record().wireSize();
                    cursor = r.index();
                }
                return out;
            } finally {
                store.lock.unlock();
            }
        }

        @Override
        public void seekAfter(long index) {
            cursor = Math.max(-1, index);
        }

        @Override
        public void close() {
        }
    }
}
