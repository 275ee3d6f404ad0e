package net.edgegw.storeforward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
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
 * <h2>Thread-safety</h2>
 * {@link #append} may be called from any number of threads (appends are serialised on one lock and one Chronicle
 * appender); {@link #reader} cursors are single-threaded, one per forwarder; {@link #markReplicated},
 * {@link #backlog}, {@link #housekeep} and {@link #close} are thread-safe.
 *
 * <h2>Platform</h2>
 * Deleting a segment a reader still has mapped relies on POSIX unlink semantics (Linux); not for Windows.
 */
public final class ChronicleLaneBuffer implements LaneBuffer {
    static {
        ChronicleSupport.init();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleLaneBuffer.class);

    static final RollCycle ROLL_CYCLE = RollCycles.FIVE_MINUTELY;
    static final int INDEX_COUNT = 512;
    static final int INDEX_SPACING = 64;
    /** Chronicle's index capacity per cycle is INDEX_COUNT^2 * INDEX_SPACING (16.7 M); roll well before. */
    static final long MAX_RECORDS_PER_SEGMENT = 8_000_000;
    static final long MIN_SEGMENT_BYTES = 256 << 10;
    static final long MAX_SEGMENT_BYTES = 256L << 20;
    /** Chronicle chunk size (mapped window); the largest record is a quarter of it minus 1 KiB. */
    static final long BLOCK_SIZE = Long.getLong("edge.buffer.blockSize", 4L << 20);
    /** Bytes a new segment file costs before its first record (header, index-to-index and first index array). */
    static final int SEGMENT_OVERHEAD = 9 << 10;
    private static final String REPLICATED_ID = "edgegw.replicated";
    private static final DateTimeFormatter FILE_NAMES =
            DateTimeFormatter.ofPattern(ROLL_CYCLE.format()).withZone(ZoneOffset.UTC);

    private final String lane;
    private final BufferSettings settings;
    private final Clock clock;
    private final MetricRegistry metrics;
    private final Path dir;
    private final long segmentBytes;
    private final long blockSize;
    private final int maxRecordBytes;

    private final FileChannel lockChannel;
    private final FileLock dirLock;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final LongValue replicatedValue;
    private final LaneCounters counters;

    /** Serialises appends and every change of the segment table, counters and replicated index. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spaceFreed = lock.newCondition();
    /** Readers hold the read side while they read a batch; deleting a segment takes the write side. */
    private final ReentrantReadWriteLock readGate = new ReentrantReadWriteLock();
    private final RecordCodec encoder = new RecordCodec();
    /** Oldest first; the last one is the segment being written (possibly not created yet). Guarded by lock. */
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private long totalBytes;
    private volatile long segmentClock;
    /** First index still stored (or the first index of the current segment if nothing is stored). */
    private volatile long firstIndex;
    /** Incremented (under the write side of readGate) whenever segments are deleted. */
    private volatile long deletions;
    private volatile long replicatedIndex;
    private volatile long lastAppendedIndex = -1;
    private long appendedSinceStart;
    private final AtomicLong corrupt = new AtomicLong();

    private final Meter appendedMeter;
    private final List<String> gaugeNames = new ArrayList<>();
    private final Syncer syncer;
    private final ScheduledExecutorService housekeeper;
    private final ReaderWakeup wakeup = new ReaderWakeup();
    private final Set<Reader> readers = ConcurrentHashMap.newKeySet();
    private final Object peekLock = new Object();
    private ExcerptTailer peekTailer;
    private long peekIndex = -1;
    private long peekReceivedAt;
    private volatile boolean closed;

    /**
     * Opens (or creates) the buffer of {@code lane}.
     *
     * @throws UncheckedIOException  if the directory cannot be created or is locked by another process
     * @throws IllegalStateException if the counters file is unreadable
     */
    public ChronicleLaneBuffer(String lane, BufferSettings settings, Clock clock, MetricRegistry metrics) {
        if (lane == null || lane.isEmpty()) {
            throw new IllegalArgumentException("lane name is required");
        }
        this.lane = lane;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.dir = settings.dir();
        this.segmentBytes = segmentBytesFor(settings.maxBytes());
        // small mapped chunks: every chunk the appender and the readers touch stays resident (RSS) while mapped
        this.blockSize = Math.min(BLOCK_SIZE, Math.max(4L << 20, Long.highestOneBit(segmentBytes - 1) << 1));
        // Chronicle's largest excerpt is its overlap size, blockSize / 4
        this.maxRecordBytes = (int) Math.min(blockSize / 4 - 1024, settings.maxBytes() / 4);
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("buffer.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create buffer directory " + dir, e);
        }
        FileLock fl;
        try {
            fl = lockChannel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            fl = null;
        }
        if (fl == null) {
            closeQuietly(lockChannel);
            throw new UncheckedIOException(new IOException("buffer directory " + dir + " is in use by another buffer"));
        }
        this.dirLock = fl;
        SingleChronicleQueue q = null;
        try {
            this.counters = LaneCounters.load(dir);
            q = SingleChronicleQueueBuilder.binary(dir.toFile())
                    .rollCycle(ROLL_CYCLE)
                    .timeProvider(() -> segmentClock * ROLL_CYCLE.lengthInMillis())
                    .blockSize(blockSize)
                    .indexCount(INDEX_COUNT)
                    .indexSpacing(INDEX_SPACING)
                    .build();
            this.queue = q;
            this.replicatedValue = q.indexForId(REPLICATED_ID);
            long r = replicatedValue.getVolatileValue();
            this.replicatedIndex = r > 0 ? r : -1;
            recover();
            this.appender = q.createAppender();
            appender.singleThreadedCheckDisabled(true);
        } catch (RuntimeException e) {
            if (q != null) {
                q.close();
            }
            releaseDirLock();
            throw e;
        }
        this.syncer = settings.sync() == SyncMode.NONE ? null : new Syncer();
        this.appendedMeter = metrics.meter(BufferMetrics.name(lane, BufferMetrics.APPENDED));
        registerGauges();
        this.housekeeper = startHousekeeping();
        LOG.info("Buffer lane {} opened in {}: {} segment(s), {} bytes, segment size {}, replicated index {}",
                lane, dir, segments.size() - 1, totalBytes, segmentBytes, replicatedIndex);
    }

    /** Segment size for a buffer bound: maxBytes/16 within [256 KiB, 256 MiB], but at most maxBytes/4. */
    static long segmentBytesFor(long maxBytes) {
        long s = Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, maxBytes / 16));
        return Math.min(s, maxBytes / 4);
    }

    // ---------------------------------------------------------------------------------------------------- open

    /** Rebuilds the segment table from the cycle files; deletes the ones already replicated or already counted. */
    private void recover() {
        int first = queue.firstCycle();
        int last = queue.lastCycle();
        long deletedThrough = counters.deletedThroughCycle();
        long clockStart = Math.max(1, Math.max(deletedThrough + 1, last >= 0 ? last + 1L : 1));
        if (clockStart > Integer.MAX_VALUE) {
            throw new IllegalStateException("buffer " + dir + " has run out of segment numbers");
        }
        boolean deleted = false;
        if (first <= last && last >= 0) {
            NavigableSet<Long> cycles = queue.listCyclesBetween(first, last);
            try (ExcerptTailer t = queue.createTailer()) {
                byte[] head = new byte[RecordCodec.HEADER];
                for (long c : cycles) {
                    int cycle = (int) c;
                    if (cycle <= deletedThrough) {
                        deleteFile(cycle);
                        deleted = true;
                        continue;
                    }
                    long count = t.excerptsInCycle(cycle);
                    Segment s = new Segment(cycle);
                    s.created = true;
                    if (count > 0) {
                        s.count = count;
                        if (!t.moveToIndex(s.lastIndex())) {
                            throw new IllegalStateException("buffer " + dir + ": cannot find the last record "
                                    + Long.toHexString(s.lastIndex()) + " of segment " + cycle);
                        }
                        try (DocumentContext dc = t.readingDocument()) {
                            Bytes<?> b = dc.wire().bytes();
                            s.bytes = b.readLimit();
                            int n = (int) Math.min(head.length, b.readRemaining());
                            b.read(head, 0, n);
                            long at = RecordCodec.receivedAt(head, n);
                            s.maxReceivedAt = at == Long.MIN_VALUE ? 0 : at;
                        }
                    }
                    if (count <= 0 || s.lastIndex() <= replicatedIndex) {
                        counters.recordDeletion(cycle, 0, 0);
                        deleteFile(cycle);
                        deleted = true;
                        continue;
                    }
                    segments.addLast(s);
                    totalBytes += s.bytes;
                    lastAppendedIndex = s.lastIndex();
                }
            }
        }
        if (deleted) {
            queue.refreshDirectoryListing();
        }
        segmentClock = clockStart;
        segments.addLast(new Segment((int) clockStart));
        firstIndex = segments.peekFirst().firstIndex;
    }

    // ---------------------------------------------------------------------------------------------------- append

    @Override
    public String lane() {
        return lane;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the encoded record is larger than {@link #maxRecordBytes()}
     */
    @Override
    public long append(BufferedRecord r, Duration maxWait) {
        long index = appendNoSync(r, maxWait);
        if (index >= 0 && syncer != null && settings.sync() == SyncMode.EVERY_BATCH) {
            syncer.awaitDurable(index);
        }
        return index;
    }

    /** {@inheritDoc} With {@link SyncMode#EVERY_BATCH}, returns after one sync that covers the whole batch. */
    @Override
    public long[] appendAll(List<BufferedRecord> records, Duration maxWait) {
        long[] out = new long[records.size()];
        java.util.Arrays.fill(out, -1);
        long last = -1;
        for (int i = 0; i < out.length; i++) {
            out[i] = appendNoSync(records.get(i), maxWait);
            if (out[i] < 0) {
                break;
            }
            last = out[i];
        }
        if (last >= 0 && syncer != null && settings.sync() == SyncMode.EVERY_BATCH) {
            syncer.awaitDurable(last);
        }
        return out;
    }

    private long appendNoSync(BufferedRecord r, Duration maxWait) {
        long index;
        lock.lock();
        try {
            if (closed) {
                return -1;
            }
            int size = encoder.encodedSize(r);
            if (size > maxRecordBytes) {
                throw new IllegalArgumentException("record of " + size + " bytes is larger than the buffer's limit of "
                        + maxRecordBytes + " bytes (lane " + lane + ")");
            }
            Segment cur = segments.peekLast();
            boolean roll = cur.count > 0 && (cur.bytes >= segmentBytes || cur.count >= MAX_RECORDS_PER_SEGMENT);
            long need = ((size + 4 + 3) & ~3L) + 8 + (roll || !cur.created ? SEGMENT_OVERHEAD : 0);
            if (!makeRoom(need, maxWait)) {
                return -1;
            }
            cur = segments.peekLast(); // may have changed while waiting
            if (cur.count > 0 && (cur.bytes >= segmentBytes || cur.count >= MAX_RECORDS_PER_SEGMENT)) {
                cur = startSegment();
            }
            if (syncer != null && !cur.created) {
                syncer.newSegment(cur.cycle);
            }
            // encode only now: makeRoom may have released the lock while waiting, letting other appenders use encoder
            int len = encoder.encode(r);
            try (DocumentContext dc = appender.writingDocument()) {
                dc.wire().bytes().write(encoder.scratch(), 0, len);
            }
            index = appender.lastIndexAppended();
            if (appender.cycle() != cur.cycle) {
                throw new IllegalStateException("buffer " + lane + " wrote to cycle " + appender.cycle()
                        + " instead of " + cur.cycle);
            }
            long end = appender.wire().bytes().writePosition();
            cur.created = true;
            totalBytes += end - cur.bytes;
            cur.bytes = end;
            cur.count++;
            if (r.receivedAtMillis() > cur.maxReceivedAt) {
                cur.maxReceivedAt = r.receivedAtMillis();
            }
            lastAppendedIndex = index;
            appendedSinceStart++;
        } finally {
            lock.unlock();
        }
        appendedMeter.mark();
        wakeup.wake();
        return index;
    }

    /** Under lock: makes room for {@code need} bytes per the overflow policy; false if BLOCK timed out or closed. */
    private boolean makeRoom(long need, Duration maxWait) {
        long max = settings.maxBytes();
        if (totalBytes + need <= max) {
            return true;
        }
        if (settings.overflow() == Overflow.DROP_OLDEST) {
            while (totalBytes + need > max && segments.size() > 1) {
                deleteHead(Reason.OVERFLOW);
            }
            if (totalBytes + need > max) {
                LOG.warn("Buffer lane {}: the segment being written alone exceeds maxBytes {}", lane, max);
            }
            return true;
        }
        long nanos = maxWait == null ? 0 : maxWait.toNanos();
        while (totalBytes + need > max) {
            if (closed || nanos <= 0) {
                return false;
            }
            try {
                nanos = spaceFreed.awaitNanos(nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !closed;
    }

    /** Under lock: moves the segment clock on; the next write goes to a new cycle file. */
    private Segment startSegment() {
        long next = segmentClock + 1;
        if (next > Integer.MAX_VALUE) {
            throw new IllegalStateException("buffer " + lane + " has run out of segment numbers");
        }
        Segment s = new Segment((int) next);
        segments.addLast(s);
        segmentClock = next;
        return s;
    }

    // ---------------------------------------------------------------------------------------------------- delete

    private enum Reason { REPLICATED, OVERFLOW, EXPIRED }

    /** Under lock: deletes the oldest segment (never the one being written), counting what it loses. */
    private void deleteHead(Reason reason) {
        Segment head = segments.peekFirst();
        if (head == null || head == segments.peekLast()) {
            throw new IllegalStateException("cannot delete the segment being written");
        }
        long lost = head.unreplicated(replicatedIndex);
        readGate.writeLock().lock();
        try {
            segments.pollFirst();
            firstIndex = segments.peekFirst().firstIndex;
            deletions++;
        } finally {
            readGate.writeLock().unlock();
        }
        // Counted durably before the file goes: a crash in between leaves a file the next start deletes uncounted.
        // A replicated segment with a newer segment file on disk needs no record: the next start deletes a leftover
        // (its records are at or below the replicated index) and resumes the segment numbers after the newer file.
        if (reason != Reason.REPLICATED || !newerFileExists(head)) {
            counters.recordDeletion(head.cycle, reason == Reason.OVERFLOW ? lost : 0,
                    reason == Reason.EXPIRED ? lost : 0);
        }
        totalBytes -= head.bytes;
        if (head.created) {
            deleteFile(head.cycle);
            queue.refreshDirectoryListing();
        }
        if (syncer != null) {
            syncer.forget(head.cycle);
        }
        releasePeek();
        if (lost > 0 && reason != Reason.REPLICATED) {
            LOG.warn("Buffer lane {}: dropped {} unreplicated record(s) ({}), segment {}", lane, lost,
                    reason == Reason.OVERFLOW ? "buffer full" : "older than maxAge", head.cycle);
        } else {
            LOG.debug("Buffer lane {}: deleted segment {} ({})", lane, head.cycle, reason);
        }
        spaceFreed.signalAll();
    }

    /** Under lock: whether a segment after {@code s} has a file (so the segment numbers cannot go back). */
    private boolean newerFileExists(Segment s) {
        for (Segment x : segments) {
            if (x.created && x.cycle > s.cycle) {
                return true;
            }
        }
        return false;
    }

    private void deleteFile(int cycle) {
        Path f = fileFor(cycle);
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete buffer segment " + f, e);
        }
    }

    /** The queue file of {@code cycle}. */
    Path fileFor(int cycle) {
        return dir.resolve(FILE_NAMES.format(Instant.ofEpochMilli((long) cycle * ROLL_CYCLE.lengthInMillis()))
                + SingleChronicleQueue.SUFFIX);
    }

    // ---------------------------------------------------------------------------------------------------- replicated

    @Override
    public void markReplicated(long index) {
        if (index <= replicatedIndex) {
            return;
        }
        lock.lock();
        try {
            if (closed || index <= replicatedIndex) {
                return;
            }
            if (index > lastAppendedIndex) {
                if (lastAppendedIndex < 0) {
                    return;
                }
                LOG.warn("Buffer lane {}: markReplicated({}) beyond the last appended index {}; clamped", lane,
                        Long.toHexString(index), Long.toHexString(lastAppendedIndex));
                index = lastAppendedIndex;
                if (index <= replicatedIndex) {
                    return;
                }
            }
            replicatedIndex = index;
            replicatedValue.setOrderedValue(index);
            while (segments.size() > 1
                    && (segments.peekFirst().count == 0 || segments.peekFirst().lastIndex() <= index)) {
                deleteHead(Reason.REPLICATED);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long replicatedIndex() {
        return replicatedIndex;
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
        lock.lock();
        try {
            long cycle = ROLL_CYCLE.toCycle(index);
            if (closed || segmentClock > cycle) {
                return;
            }
            if (cycle + 1 > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("index " + index + " is beyond the buffer's index space");
            }
            Segment cur = segments.peekLast();
            segmentClock = cycle + 1;
            if (cur.count == 0 && !cur.created) {
                segments.pollLast();
            }
            Segment s = new Segment((int) (cycle + 1));
            segments.addLast(s);
            if (segments.size() == 1) {
                firstIndex = s.firstIndex;
            }
            LOG.info("Buffer lane {}: indexes continue above {} (segment {})", lane, Long.toHexString(index), cycle + 1);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------- housekeeping

    private ScheduledExecutorService startHousekeeping() {
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
            ex.scheduleWithFixedDelay(this::housekeepQuietly, period, period, TimeUnit.MILLISECONDS);
        }
        if (interval) {
            long period = Math.max(1, settings.syncInterval().toMillis());
            ex.scheduleWithFixedDelay(this::syncQuietly, period, period, TimeUnit.MILLISECONDS);
        }
        return ex;
    }

    private void housekeepQuietly() {
        try {
            housekeep();
        } catch (RuntimeException e) {
            LOG.error("Buffer lane {}: housekeeping failed", lane, e);
        }
    }

    private void syncQuietly() {
        try {
            syncer.syncNow();
        } catch (RuntimeException e) {
            LOG.error("Buffer lane {}: sync failed", lane, e);
        }
    }

    /**
     * Deletes the segments whose newest record is older than {@code maxAge} (per the injected clock), counting their
     * unreplicated records in {@code droppedExpired}. A segment being written is closed first (the next append starts
     * a new one). Runs periodically on the buffer's own daemon thread when maxAge is set; callable any time.
     */
    public void housekeep() {
        Duration maxAge = settings.maxAge();
        if (maxAge == null) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            long cutoff = clock.millis() - maxAge.toMillis();
            while (true) {
                Segment head = segments.peekFirst();
                if (head.count == 0 && head != segments.peekLast()) {
                    deleteHead(Reason.REPLICATED); // an empty segment left behind: nothing to count
                    continue;
                }
                if (head.count == 0 || head.maxReceivedAt >= cutoff) {
                    break;
                }
                if (head == segments.peekLast()) {
                    closeCurrentSegment();
                }
                deleteHead(Reason.EXPIRED);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under lock: rolls the appender to a new (empty) cycle so that the current one can be deleted. */
    private void closeCurrentSegment() {
        Segment s = startSegment();
        if (syncer != null) {
            syncer.newSegment(s.cycle);
        }
        try (DocumentContext dc = appender.writingDocument(true)) {
            dc.wire().write("edgegw.segment").int64(s.cycle);
        }
        s.created = true;
        long end = appender.wire().bytes().writePosition();
        totalBytes += end;
        s.bytes = end;
    }

    // ---------------------------------------------------------------------------------------------------- backlog

    @Override
    public Backlog backlog() {
        long records = 0;
        long bytes = 0;
        long oldestIndex = -1;
        long dropOverflow;
        long dropExpired;
        long appended;
        lock.lock();
        try {
            long r = replicatedIndex;
            for (Segment s : segments) {
                long u = s.unreplicated(r);
                if (u > 0) {
                    if (oldestIndex < 0) {
                        oldestIndex = Math.max(s.firstIndex, r + 1);
                    }
                    records += u;
                    bytes += u == s.count ? s.bytes : (long) (s.bytes * ((double) u / s.count));
                }
            }
            dropOverflow = counters.droppedOverflow();
            dropExpired = counters.droppedExpired();
            appended = appendedSinceStart;
        } finally {
            lock.unlock();
        }
        long age = 0;
        if (oldestIndex >= 0) {
            long at = receivedAt(oldestIndex);
            if (at != Long.MIN_VALUE) {
                age = Math.max(0, clock.millis() - at);
            }
        }
        return new Backlog(records, bytes, age, dropOverflow, dropExpired, appended);
    }

    /** receivedAt of the record at {@code index}, Long.MIN_VALUE if it is not stored (any more). */
    private long receivedAt(long index) {
        synchronized (peekLock) {
            if (index == peekIndex) {
                return peekReceivedAt;
            }
            readGate.readLock().lock();
            try {
                if (closed || index < firstIndex) {
                    return Long.MIN_VALUE;
                }
                if (peekTailer == null) {
                    peekTailer = queue.createTailer();
                    peekTailer.singleThreadedCheckDisabled(true);
                }
                if (!peekTailer.moveToIndex(index)) {
                    return Long.MIN_VALUE;
                }
                try (DocumentContext dc = peekTailer.readingDocument()) {
                    if (!dc.isPresent() || dc.index() != index) {
                        return Long.MIN_VALUE;
                    }
                    Bytes<?> b = dc.wire().bytes();
                    byte[] head = new byte[RecordCodec.HEADER];
                    int n = (int) Math.min(head.length, b.readRemaining());
                    b.read(head, 0, n);
                    long at = RecordCodec.receivedAt(head, n);
                    if (at != Long.MIN_VALUE) {
                        peekIndex = index;
                        peekReceivedAt = at;
                    }
                    return at;
                }
            } finally {
                readGate.readLock().unlock();
            }
        }
    }

    /** Lets the peek tailer drop its mapping of deleted segments (so their disk space is freed). */
    private void releasePeek() {
        synchronized (peekLock) {
            if (peekTailer != null) {
                peekTailer.close();
                peekTailer = null;
            }
            peekIndex = -1;
        }
    }

    private void registerGauges() {
        gauge(BufferMetrics.RECORDS, () -> backlog().records());
        gauge(BufferMetrics.BYTES, () -> backlog().bytes());
        gauge(BufferMetrics.OLDEST_AGE_MS, () -> backlog().oldestUnsentAgeMs());
        gauge(BufferMetrics.DROPPED_OVERFLOW, this::droppedOverflow);
        gauge(BufferMetrics.DROPPED_EXPIRED, this::droppedExpired);
        gauge(BufferMetrics.DROPPED_CORRUPT, corrupt::get);
    }

    private void gauge(String suffix, Gauge<Long> g) {
        String name = BufferMetrics.name(lane, suffix);
        metrics.remove(name);
        metrics.register(name, g);
        gaugeNames.add(name);
    }

    private long droppedOverflow() {
        lock.lock();
        try {
            return counters.droppedOverflow();
        } finally {
            lock.unlock();
        }
    }

    private long droppedExpired() {
        lock.lock();
        try {
            return counters.droppedExpired();
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            return totalBytes;
        } finally {
            lock.unlock();
        }
    }

    /** How many times segment files were forced to storage (0 with SyncMode NONE). */
    long syncCount() {
        return syncer == null ? 0 : syncer.forces.get();
    }

    /** Number of segment files (including the one being written once it exists). */
    int segmentCount() {
        lock.lock();
        try {
            int n = 0;
            for (Segment s : segments) {
                if (s.created) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------- reader

    @Override
    public LaneReader reader(long afterIndex) {
        if (closed) {
            throw new IllegalStateException("buffer " + lane + " is closed");
        }
        Reader r = new Reader();
        readers.add(r);
        r.seekAfter(afterIndex);
        return r;
    }

    /** {@inheritDoc} A backward tailer of its own; holds off segment deletion while it runs. */
    @Override
    public void scanNewest(int maxRecords, Predicate<StoredRecord> visitor) {
        readGate.readLock().lock();
        try {
            if (closed || maxRecords <= 0) {
                return;
            }
            long first = firstIndex;
            RecordCodec decoder = new RecordCodec();
            ExcerptTailer tailer = queue.createTailer();
            try {
                tailer.direction(TailerDirection.BACKWARD).toEnd();
                for (int seen = 0; seen < maxRecords; ) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        if (!dc.isPresent()) {
                            return;
                        }
                        long idx = dc.index();
                        if (idx < first) {
                            return; // a deleted segment that is still mapped: nothing older counts
                        }
                        Bytes<?> b = dc.wire().bytes();
                        int len = (int) b.readRemaining();
                        byte[] buf = decoder.ensureScratch(len);
                        b.read(buf, 0, len);
                        BufferedRecord rec = decoder.decode(buf, len);
                        if (rec == null) {
                            continue;
                        }
                        seen++;
                        if (!visitor.test(new StoredRecord(idx, rec))) {
                            return;
                        }
                    }
                }
            } finally {
                tailer.close();
            }
        } finally {
            readGate.readLock().unlock();
        }
    }

    /** A cursor: a Chronicle tailer plus the last index it handed out. */
    private final class Reader implements LaneReader {
        private final ExcerptTailer tailer;
        private final RecordCodec decoder = new RecordCodec();
        private long cursor = -1;
        private long seenDeletions = -1;
        private boolean readerClosed;

        Reader() {
            tailer = queue.createTailer();
            tailer.singleThreadedCheckDisabled(true); // owned by one thread at a time, per the LaneReader contract
        }

        @Override
        public List<StoredRecord> poll(int maxRecords, long maxBytes, Duration wait) {
            if (maxRecords <= 0) {
                return List.of();
            }
            List<StoredRecord> out = readBatch(maxRecords, maxBytes);
            if (!out.isEmpty() || wait == null || wait.isZero() || wait.isNegative()) {
                return out;
            }
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed || readerClosed) {
                    return out;
                }
                wakeup.arm();
                try {
                    out = readBatch(maxRecords, maxBytes);
                    if (!out.isEmpty()) {
                        return out;
                    }
                    // park at most 50 ms at a time: a safety net, appenders unpark us
                    wakeup.park(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                } finally {
                    wakeup.disarm();
                }
            }
        }

        private List<StoredRecord> readBatch(int maxRecords, long maxBytes) {
            readGate.readLock().lock();
            try {
                if (closed || readerClosed) {
                    return List.of();
                }
                long first = firstIndex;
                if (seenDeletions != deletions) {
                    seenDeletions = deletions;
                    if (cursor < first - 1 || tailer.index() < first) {
                        moveTo(first);
                    }
                }
                List<StoredRecord> out = null;
                long bytes = 0;
                byte[] buf = decoder.scratch();
                while (true) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        if (!dc.isPresent()) {
                            break;
                        }
                        long idx = dc.index();
                        if (idx <= cursor || idx < first) {
                            continue; // dropped (a deleted segment still mapped) or before the seek position
                        }
                        Bytes<?> b = dc.wire().bytes();
                        int len = (int) b.readRemaining();
                        buf = decoder.ensureScratch(len);
                        b.read(buf, 0, len);
                        BufferedRecord rec = decoder.decode(buf, len);
                        if (rec == null) {
                            cursor = idx;
                            corrupt.incrementAndGet();
                            LOG.error("Buffer lane {}: record {} is corrupt ({} bytes); skipped", lane,
                                    Long.toHexString(idx), len);
                            continue;
                        }
                        if (out != null && bytes + rec.wireSize() > maxBytes) {
                            dc.rollbackOnClose(); // re-read by the next poll
                            break;
                        }
                        cursor = idx;
                        if (out == null) {
                            out = new ArrayList<>(Math.min(maxRecords, 1024));
                        }
                        out.add(new StoredRecord(idx, rec));
                        bytes += rec.wireSize();
                        if (out.size() >= maxRecords || bytes >= maxBytes) {
                            break;
                        }
                    }
                }
                return out == null ? List.of() : out;
            } finally {
                readGate.readLock().unlock();
            }
        }

        /** Positions the tailer so that the next read returns {@code index} or the first record after it. */
        private void moveTo(long index) {
            if (!tailer.moveToIndex(index)) {
                if (index > lastAppendedIndex) {
                    tailer.toEnd();
                } else {
                    tailer.toStart();
                }
            }
        }

        @Override
        public void seekAfter(long index) {
            readGate.readLock().lock();
            try {
                if (closed || readerClosed) {
                    return;
                }
                seenDeletions = deletions;
                cursor = index;
                long first = firstIndex;
                if (index < first) {
                    moveTo(first);
                } else if (index >= lastAppendedIndex) {
                    tailer.toEnd();
                } else {
                    moveTo(index); // the read loop skips index itself (idx <= cursor)
                }
            } finally {
                readGate.readLock().unlock();
            }
        }

        @Override
        public void close() {
            readGate.writeLock().lock();
            try {
                if (!readerClosed) {
                    readerClosed = true;
                    readers.remove(this);
                    if (!closed) {
                        tailer.close();
                    }
                }
            } finally {
                readGate.writeLock().unlock();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- sync

    /**
     * Forces segment files to storage with {@code FileChannel.force(false)} (fdatasync: data, Chronicle's header and
     * index, file size), plus the directory when a new segment file was created. One caller forces at a time; callers
     * that arrive meanwhile wait and are covered by the next force (group commit).
     */
    private final class Syncer {
        private final ReentrantLock syncLock = new ReentrantLock();
        private final Condition synced = syncLock.newCondition();
        private boolean syncing;
        private long durable = -1;
        /** Guarded by the buffer lock: cycles written since the last force other than the current one. */
        private final List<Integer> pending = new ArrayList<>();
        private int currentCycle = -1;
        private boolean newFile;
        private final AtomicLong forces = new AtomicLong();

        /** Under buffer lock: the appender moves to {@code cycle}. */
        void newSegment(int cycle) {
            if (currentCycle >= 0) {
                pending.add(currentCycle);
            }
            currentCycle = cycle;
            newFile = true;
        }

        /** Under buffer lock: {@code cycle} is deleted. */
        void forget(int cycle) {
            pending.remove(Integer.valueOf(cycle));
        }

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

        void syncNow() {
            long last = lastAppendedIndex;
            if (last >= 0) {
                awaitDurable(last);
            }
        }

        /** Forces everything written so far; returns the index it covers. */
        private long force() {
            long target;
            int[] cycles;
            boolean dirNeeded;
            lock.lock();
            try {
                target = lastAppendedIndex;
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
                lock.unlock();
            }
            for (int c : cycles) {
                forceFile(fileFor(c));
            }
            if (dirNeeded) {
                LaneCounters.forceDirectory(dir);
            }
            forces.incrementAndGet();
            return target;
        }
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
                } catch (java.nio.file.NoSuchFileException e) {
                    return; // deleted meanwhile (dropped or replicated): nothing to keep
                } catch (java.nio.channels.ClosedByInterruptException e) {
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

    // ---------------------------------------------------------------------------------------------------- close

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            readGate.writeLock().lock();
            try {
                closed = true;
            } finally {
                readGate.writeLock().unlock();
            }
            spaceFreed.signalAll();
        } finally {
            lock.unlock();
        }
        wakeup.wake();
        if (housekeeper != null) {
            housekeeper.shutdown(); // lets a running pass finish (an interrupt would abort a force); cancels the rest
            try {
                housekeeper.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (syncer != null) {
            try {
                syncer.syncNow();
            } catch (RuntimeException e) {
                LOG.error("Buffer lane {}: final sync failed", lane, e);
            }
        }
        for (String name : gaugeNames) {
            metrics.remove(name);
        }
        releasePeek();
        for (Reader r : readers) {
            r.tailer.close();
        }
        readers.clear();
        lock.lock();
        try {
            appender.close();
            queue.close();
        } finally {
            lock.unlock();
        }
        releaseDirLock();
        LOG.info("Buffer lane {} closed", lane);
    }

    private void releaseDirLock() {
        try {
            if (dirLock != null) {
                dirLock.release();
            }
        } catch (IOException e) {
            // closing the channel releases it anyway
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing useful to do
        }
    }

    @Override
    public String toString() {
        return "ChronicleLaneBuffer{" + lane + ", " + dir + '}';
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** One cycle file. Guarded by the buffer lock. */
    private static final class Segment {
        final int cycle;
        final long firstIndex;
        long count;
        long bytes;
        long maxReceivedAt = Long.MIN_VALUE;
        boolean created;

        Segment(int cycle) {
            this.cycle = cycle;
            this.firstIndex = ROLL_CYCLE.toIndex(cycle, 0);
        }

        long lastIndex() {
            return firstIndex + count - 1;
        }

        /** Records with an index above {@code replicated}. */
        long unreplicated(long replicated) {
            if (count == 0 || lastIndex() <= replicated) {
                return 0;
            }
            return replicated < firstIndex ? count : lastIndex() - replicated;
        }
    }

    /** Lets waiting readers sleep until an append (no lost wake-ups: arm, re-check, park). */
    private static final class ReaderWakeup {
        private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

        void arm() {
            waiters.add(Thread.currentThread());
            waiting.incrementAndGet();
        }

        void disarm() {
            waiting.decrementAndGet();
            waiters.remove(Thread.currentThread());
        }

        void park(long nanos) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, nanos);
        }

        void wake() {
            if (waiting.get() > 0) {
                for (Thread t : waiters) {
                    java.util.concurrent.locks.LockSupport.unpark(t);
                }
            }
        }
    }
}
