package net.edgegw.storeforward;

import java.time.Duration;

import com.codahale.metrics.Meter;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Writes records to a lane's current segment with its one Chronicle appender, rolling to a new segment (moving the
 * segment clock on) when the current one is full, after {@link Bounds} made room. Thread-safety: {@link #append}
 * may be called from any thread (it takes the lane's lock); {@link #closeCurrentSegment} runs under that lock.
 */
final class SegmentWriter {
    private final LaneState state;
    private final ExcerptAppender appender;
    private final Bounds bounds;
    private final Syncer syncer;
    private final Meter appendedMeter;
    private final ReaderWakeup wakeup;
    private final long segmentBytes;
    private final int maxRecordBytes;
    /** Guarded by the lane lock. */
    private final RecordCodec encoder = new RecordCodec();

    /** {@code syncer} is null with {@link SyncMode#NONE}. */
    SegmentWriter(LaneState state, ExcerptAppender appender, Bounds bounds, Syncer syncer, Meter appendedMeter,
                  ReaderWakeup wakeup, long segmentBytes, int maxRecordBytes) {
        this.state = state;
        this.appender = appender;
        this.bounds = bounds;
        this.syncer = syncer;
        this.appendedMeter = appendedMeter;
        this.wakeup = wakeup;
        this.segmentBytes = segmentBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Appends {@code r} (not synced); its index, or -1 if closed or BLOCK found no room in time. */
    long append(BufferedRecord r, Duration maxWait) {
        long index;
        state.lock.lock();
        try {
            if (state.closed()) {
                return -1;
            }
            int size = encoder.encodedSize(r);
            if (size > maxRecordBytes) {
                throw new IllegalArgumentException("record of " + size + " bytes is larger than the buffer's limit of "
                        + maxRecordBytes + " bytes (lane " + state.lane + ")");
            }
            Segment cur = state.current();
            boolean roll = cur.full(segmentBytes);
            if (!bounds.makeRoom(SegmentFiles.appendCost(size, roll || !cur.created), maxWait)) {
                return -1;
            }
            cur = state.current(); // may have changed while waiting
            if (cur.full(segmentBytes)) {
                cur = state.startSegment();
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
                throw new IllegalStateException("buffer " + state.lane + " wrote to cycle " + appender.cycle()
                        + " instead of " + cur.cycle);
            }
            state.grew(cur, appender.wire().bytes().writePosition());
            state.appended(cur, index, r.receivedAtMillis());
        } finally {
            state.lock.unlock();
        }
        appendedMeter.mark();
        wakeup.wake();
        return index;
    }

    /** Under lock: rolls the appender to a new (empty) cycle so that the current one can be deleted. */
    void closeCurrentSegment() {
        Segment s = state.startSegment();
        if (syncer != null) {
            syncer.newSegment(s.cycle);
        }
        try (DocumentContext dc = appender.writingDocument(true)) {
            dc.wire().write("edgegw.segment").int64(s.cycle);
        }
        state.grew(s, appender.wire().bytes().writePosition());
    }

    /** Under lock: releases the appender. */
    void close() {
        appender.close();
    }
}
