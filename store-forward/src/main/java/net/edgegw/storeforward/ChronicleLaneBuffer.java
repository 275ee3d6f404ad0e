package net.edgegw.storeforward;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.codahale.metrics.MetricRegistry;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LaneBuffer} on one Chronicle Queue (open-source {@code SingleChronicleQueue}) in
 * {@link BufferSettings#dir()}.
 *
 * <h2>On disk</h2>
 * <ul>
 *   <li>{@code *.cq4}: the queue's cycle files. Each is one <em>segment</em> of at most about {@link #segmentBytes()}
 *   bytes. Chronicle rolls files by time; this buffer gives the queue a "segment clock" (its
 *   {@code TimeProvider}) that reads {@code segment * 5 min}, with the {@code FIVE_MINUTELY} roll cycle, and moves
 *   it one step when the current segment is full. The file names therefore look like dates in 1970
 *   ({@code 19700101-0005V.cq4} is segment 1); they encode the segment number, not a time. After a restart the
 *   clock resumes after the last existing (or deleted) segment, so segments are never reused.</li>
 *   <li>{@code metadata.cq4t}: Chronicle's table store (directory listing, write lock) which also holds the
 *   replicated position (a memory-mapped long, key {@code index.edgegw.replicated}).</li>
 *   <li>{@code counters.properties}: the persistent drop counters (see {@link LaneCounters}).</li>
 *   <li>{@code buffer.lock}: an OS file lock held while the buffer is open: a second process fails fast.</li>
 * </ul>
 * Each record is one excerpt in the layout of {@link RecordCodec} (versioned, CRC-32C checked).
 *
 * <h2>Indexes</h2>
 * The record index is Chronicle's excerpt index: {@code (cycle << 30) | sequenceInCycle} for {@code FIVE_MINUTELY}
 * (so a segment holds at most 2^30 records; this buffer rolls much earlier). Indexes are strictly increasing,
 * unique and stable across restarts; they are not dense (they jump at every segment boundary).
 *
 * <h2>Bounds</h2>
 * {@code maxBytes} bounds the real bytes written in all existing segment files (Chronicle's write position, not
 * the sparse file length), including their headers and index arrays. Segments that hold only replicated records
 * are deleted at once (except the one being written). When an append would exceed {@code maxBytes}:
 * {@link Overflow#DROP_OLDEST} deletes the oldest segment(s) and counts every deleted record whose index is above
 * the replicated index in {@code droppedOverflow}; {@link Overflow#BLOCK} waits (without spinning) for
 * {@link #markReplicated} to free a segment. Records older than {@code maxAge} are deleted by whole segments (a
 * segment goes when its newest record is older) and counted in {@code droppedExpired}. A record counted as dropped
 * may have been handed to the uplink already (read but not yet confirmed): the counts are an upper bound of the
 * loss, never an undercount.
 *
 * <h2>Disk space</h2>
 * The buffer never fills its filesystem: when an append would leave less than {@code minFreeDisk} free (a new
 * segment file counts as a whole segment), the overflow policy applies as if {@code maxBytes} were reached
 * ({@link DiskGuard}): DROP_OLDEST deletes the oldest segments (counted in {@code droppedOverflow}) and, if only the
 * segment being written is left, refuses the record ({@link LaneBuffer#DROPPED}, counted in {@code droppedDiskFull});
 * BLOCK waits for replication or for free space to come back. A write that still fails for lack of space (another
 * process filled the disk) is caught at the append ({@link SegmentWriter}): never thrown to the caller, the excerpt
 * rolled back, the record counted (DROP_OLDEST) or handed back (BLOCK, -1). One WARN when a lane enters that state,
 * one INFO when it leaves it.
 *
 * <h2>Thread-safety</h2>
 * {@link #append} may be called from any number of threads (appends are serialised on one lock and one Chronicle
 * appender); {@link #reader} cursors are single-threaded, one per forwarder; {@link #markReplicated},
 * {@link #backlog}, {@link #housekeep} and {@link #close} are thread-safe.
 *
 * <h2>Structure</h2>
 * This class wires the lane's parts and implements {@link LaneBuffer} on them: {@link LaneState} (segment table,
 * clock, locks), {@link LaneDirectoryLock}, {@link Recovery}, {@link SegmentWriter} (append and rolling),
 * {@link Bounds} (overflow), {@link SegmentReclaimer} (deleting and counting), {@link ReplicatedPosition},
 * {@link Expiry} and {@link Housekeeper} (maxAge and interval sync), {@link Syncer} (fsync), {@link LaneCursor}
 * (readers), {@link NewestFirstScan}, {@link BacklogView} with {@link OldestRecordPeek} and {@link LaneGauges}.
 *
 * <h2>Platform</h2>
 * Deleting a segment a reader still has mapped relies on POSIX unlink semantics (Linux); not for Windows.
 */
public final class ChronicleLaneBuffer implements LaneBuffer {
    static {
        ChronicleSupport.init();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);

    private final String lane;
    private final BufferSettings settings;
    private final long segmentBytes;
    private final int maxRecordBytes;

    /** How often the free space of the lane's filesystem is asked for (at most). */
    static final Duration FREE_SPACE_SAMPLE = Duration.ofMillis(500);

    private final LaneState state;
    private final LaneDirectoryLock dirLock;
    private final LaneCounters counters;
    private final DiskGuard disk;
    private final SingleChronicleQueue queue;
    private final ReplicatedPosition replicated;
    private final Syncer syncer;
    private final OldestRecordPeek peek;
    private final SegmentReclaimer reclaimer;
    private final SegmentWriter writer;
    private final Expiry expiry;
    private final NewestFirstScan newestFirst;
    private final BacklogView backlogView;
    private final LaneGauges gauges;
    private final Housekeeper housekeeper;
    private final ReaderWakeup wakeup = new ReaderWakeup();
    private final Set<LaneCursor> readers = ConcurrentHashMap.newKeySet();
    private final AtomicLong corrupt = new AtomicLong();

    /**
     * Opens (or creates) the buffer of {@code lane}; the free space for {@code minFreeDisk} comes from the lane
     * directory's {@link java.nio.file.FileStore}.
     *
     * @throws UncheckedIOException  if the directory cannot be created or is locked by another process
     * @throws IllegalStateException if the counters file is unreadable
     */
    public ChronicleLaneBuffer(String lane, BufferSettings settings, Clock clock, MetricRegistry metrics) {
        this(lane, settings, clock, metrics, FreeSpace.FILE_STORE, FREE_SPACE_SAMPLE);
    }

    /** As above, with the free space from {@code freeSpace}, asked at most every {@code sampleEvery}. */
    ChronicleLaneBuffer(String lane, BufferSettings settings, Clock clock, MetricRegistry metrics,
                        FreeSpace freeSpace, Duration sampleEvery) {
        if (lane == null || lane.isEmpty()) {
            throw new IllegalArgumentException("lane name is required");
        }
        this.lane = lane;
        this.settings = settings;
        this.segmentBytes = SegmentFiles.segmentBytesFor(settings.maxBytes());
        long blockSize = SegmentFiles.blockSizeFor(segmentBytes);
        this.maxRecordBytes = SegmentFiles.maxRecordBytesFor(blockSize, settings.maxBytes());
        this.state = new LaneState(lane, settings.dir());
        this.dirLock = LaneDirectoryLock.acquire(settings.dir());
        SingleChronicleQueue q = null;
        LaneCounters counters;
        try {
            counters = LaneCounters.load(settings.dir());
            q = SegmentFiles.openQueue(settings.dir(), blockSize, state::segmentClock);
            this.queue = q;
            this.replicated = new ReplicatedPosition(q, state);
            Recovery.recover(q, state, counters, replicated.index());
        } catch (RuntimeException e) {
            if (q != null) {
                q.close();
            }
            dirLock.release();
            throw e;
        }
        this.counters = counters;
        this.syncer = settings.sync() == SyncMode.NONE ? null : new Syncer(state);
        this.peek = new OldestRecordPeek(queue, state);
        this.disk = new DiskGuard(state, settings.minFreeDisk(), freeSpace, sampleEvery.toNanos(), System::nanoTime,
                counters, 3 * segmentBytes);
        this.reclaimer = new SegmentReclaimer(state, queue, counters, replicated, syncer, peek, disk);
        this.writer = new SegmentWriter(state, queue, new Bounds(state, settings, reclaimer, disk), disk,
                settings.overflow(), syncer, metrics.meter(BufferMetrics.name(lane, BufferMetrics.APPENDED)), wakeup,
                segmentBytes, maxRecordBytes);
        this.expiry = new Expiry(state, settings.maxAge(), clock, reclaimer, writer);
        this.newestFirst = new NewestFirstScan(queue, state);
        this.backlogView = new BacklogView(state, replicated, counters, peek, clock);
        this.gauges = new LaneGauges(lane, metrics);
        gauges.register(this, backlogView::droppedOverflow, backlogView::droppedExpired, backlogView::droppedDiskFull,
                corrupt::get);
        this.housekeeper = Housekeeper.start(lane, settings, expiry, syncer);
        LOG.info("Buffer lane {} opened in {}: {} segment(s), {} bytes, segment size {}, replicated index {}",
                lane, settings.dir(), state.size() - 1, state.totalBytes(), segmentBytes, replicated.index());
    }

    @Override
    public String lane() {
        return lane;
    }

    /**
     * {@inheritDoc}
     *
     * @return the record's index; -1 if closed or (BLOCK) no room in time; {@link LaneBuffer#DROPPED} if
     *         (DROP_OLDEST) the disk is full and the record was refused and counted in {@code droppedDiskFull}
     * @throws IllegalArgumentException if the encoded record is larger than {@link #maxRecordBytes()}
     */
    @Override
    public long append(BufferedRecord r, Duration maxWait) {
        long index = writer.append(r, maxWait);
        if (index >= 0) {
            syncBatch(index);
        }
        return index;
    }

    /** {@inheritDoc} With {@link SyncMode#EVERY_BATCH}, returns after one sync that covers the whole batch. */
    @Override
    public long[] appendAll(List<BufferedRecord> records, Duration maxWait) {
        long[] out = new long[records.size()];
        Arrays.fill(out, -1);
        long last = -1;
        for (int i = 0; i < out.length; i++) {
            out[i] = writer.append(records.get(i), maxWait);
            if (out[i] == -1) {
                break;
            }
            last = Math.max(last, out[i]);
        }
        if (last >= 0) {
            syncBatch(last);
        }
        return out;
    }

    /** With {@link SyncMode#EVERY_BATCH}: returns once everything up to {@code index} is on storage. */
    private void syncBatch(long index) {
        if (syncer != null && settings.sync() == SyncMode.EVERY_BATCH) {
            syncer.awaitDurable(index);
        }
    }

    @Override
    public void markReplicated(long index) {
        if (index <= replicated.index()) {
            return;
        }
        state.lock.lock();
        try {
            if (state.closed()) {
                return;
            }
            long to = replicated.advance(index);
            if (to >= 0) {
                reclaimer.reclaimReplicated(to);
            }
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public long replicatedIndex() {
        return replicated.index();
    }

    /**
     * Makes every index appended from now on greater than {@code index}, by starting a new segment if needed. For an
     * uplink that knows a position from elsewhere (a Kafka checkpoint) and must not see indexes (record ids) reused
     * after the buffer directory was lost or replaced.
     */
    @Override
    public void ensureIndexesAbove(long index) {
        if (index < 0) {
            return;
        }
        state.lock.lock();
        try {
            if (state.closed()) {
                return;
            }
            long cycle = state.continueAbove(index);
            if (cycle >= 0) {
                LOG.info("Buffer lane {}: indexes continue above {} (segment {})", lane, Long.toHexString(index),
                        cycle);
            }
        } finally {
            state.lock.unlock();
        }
    }

    /**
     * Deletes the segments whose newest record is older than {@code maxAge} (per the injected clock), counting their
     * unreplicated records in {@code droppedExpired}. A segment being written is closed first (the next append starts
     * a new one). Runs periodically on the buffer's own daemon thread when maxAge is set; callable any time.
     */
    public void housekeep() {
        expiry.run();
    }

    @Override
    public Backlog backlog() {
        return backlogView.snapshot();
    }

    /** Stored records skipped by readers since start because they failed their checksum or layout check. */
    public long corruptRecords() {
        return corrupt.get();
    }

    /** Target size of one segment file. */
    public long segmentBytes() {
        return segmentBytes;
    }

    /** The largest encoded record {@link #append} accepts (record topic, key and body plus about 20 bytes). */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Real bytes written in the existing segment files (what maxBytes bounds). */
    public long diskBytes() {
        return state.underLock(state::totalBytes);
    }

    /** Appends that failed for lack of disk space (caught, see {@link SegmentWriter}) since start. */
    long diskFaults() {
        return state.underLock(writer::faults);
    }

    /** How many times segment files were forced to storage (0 with SyncMode NONE). */
    long syncCount() {
        return syncer == null ? 0 : syncer.forces();
    }

    /** Number of segment files (including the one being written once it exists). */
    int segmentCount() {
        return (int) state.underLock(state::fileCount);
    }

    @Override
    public LaneReader reader(long afterIndex) {
        if (state.closed()) {
            throw new IllegalStateException("buffer " + lane + " is closed");
        }
        LaneCursor r = new LaneCursor(queue, state, wakeup, corrupt, readers);
        r.seekAfter(afterIndex);
        return r;
    }

    /** {@inheritDoc} A backward tailer of its own; holds off segment deletion while it runs. */
    @Override
    public void scanNewest(int maxRecords, Predicate<StoredRecord> visitor) {
        newestFirst.scan(maxRecords, visitor);
    }

    @Override
    public void close() {
        state.lock.lock();
        try {
            if (state.closed()) {
                return;
            }
            state.markClosed();
            state.spaceFreed.signalAll();
        } finally {
            state.lock.unlock();
        }
        wakeup.wake();
        if (housekeeper != null) {
            housekeeper.stop();
        }
        if (syncer != null) {
            try {
                syncer.syncNow();
            } catch (RuntimeException e) {
                LOG.error("Buffer lane {}: final sync failed", lane, e);
            }
        }
        gauges.remove();
        peek.release();
        for (LaneCursor r : readers) {
            r.release();
        }
        readers.clear();
        state.lock.lock();
        try {
            if (!counters.flush()) {
                LOG.warn("Buffer lane {}: could not write dropped.diskFull to {} (disk full?)", lane, LaneCounters.FILE);
            }
            writer.close();
            queue.close();
        } finally {
            state.lock.unlock();
        }
        dirLock.release();
        LOG.info("Buffer lane {} closed", lane);
    }

    @Override
    public String toString() {
        return "ChronicleLaneBuffer{" + lane + ", " + state.dir + '}';
    }
}
