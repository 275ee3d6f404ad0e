package net.edgegw.uplink;

import net.edgegw.buffer.Backlog;
import net.edgegw.buffer.BufferedRecord;
import net.edgegw.buffer.LaneBuffer;
import net.edgegw.buffer.LaneReader;
import net.edgegw.buffer.StoredRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An obviously correct in-memory {@link LaneBuffer} for tests: unbounded, nothing dropped, indexes 0, 1, 2, ...
 * Thread-safe (one lock). "Persisted" mode: the state lives in a {@link Store} that outlives the buffer, so a new
 * buffer over the same store behaves like the same lane after a gateway restart.
 */
final class InMemoryLaneBuffer implements LaneBuffer {

    /** The state of one lane; survives the buffers created over it. */
    static final class Store {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final List<BufferedRecord> records = new ArrayList<>();
        private long replicated = -1;

        /** The index of the last appended record, -1 if none. */
        long lastIndex() {
            lock.lock();
            try {
                return records.size() - 1L;
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
            store.records.add(r);
            appendedHere++;
            store.changed.signalAll();
            return store.records.size() - 1L;
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
    public long replicatedIndex() {
        return store.replicated();
    }

    @Override
    public Backlog backlog() {
        store.lock.lock();
        try {
            long records = store.records.size() - 1L - store.replicated;
            long bytes = 0;
            for (long i = store.replicated + 1; i < store.records.size(); i++) {
                bytes += store.records.get((int) i).wireSize();
            }
            long oldest = records > 0
                    ? Math.max(0, System.currentTimeMillis()
                    - store.records.get((int) (store.replicated + 1)).receivedAtMillis()) : 0;
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
                while (cursor + 1 >= store.records.size() && !closed) {
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
                while (cursor + 1 < store.records.size() && out.size() < maxRecords) {
                    BufferedRecord r = store.records.get((int) (cursor + 1));
                    if (!out.isEmpty() && bytes + r.wireSize() > maxBytes) {
                        break;
                    }
                    cursor++;
                    out.add(new StoredRecord(cursor, r));
                    bytes += r.wireSize();
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
