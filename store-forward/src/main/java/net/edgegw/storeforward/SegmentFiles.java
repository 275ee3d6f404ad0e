package net.edgegw.storeforward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.LongSupplier;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * The on-disk layout of a lane's segments: Chronicle's roll cycle and index settings, the sizes derived from
 * {@code maxBytes}, the file of each segment (cycle) and opening the queue on a segment clock.
 * Stateless; thread-safe.
 */
final class SegmentFiles {
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
    private static final DateTimeFormatter FILE_NAMES =
            DateTimeFormatter.ofPattern(ROLL_CYCLE.format()).withZone(ZoneOffset.UTC);

    private SegmentFiles() {
    }

    /** Segment size for a buffer bound: maxBytes/16 within [256 KiB, 256 MiB], but at most maxBytes/4. */
    static long segmentBytesFor(long maxBytes) {
        long s = Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, maxBytes / 16));
        return Math.min(s, maxBytes / 4);
    }

    /** Small mapped chunks: every chunk the appender and the readers touch stays resident (RSS) while mapped. */
    static long blockSizeFor(long segmentBytes) {
        return Math.min(BLOCK_SIZE, Math.max(4L << 20, Long.highestOneBit(segmentBytes - 1) << 1));
    }

    /** Chronicle's largest excerpt is its overlap size, blockSize / 4; a record is also at most maxBytes / 4. */
    static int maxRecordBytesFor(long blockSize, long maxBytes) {
        return (int) Math.min(blockSize / 4 - 1024, maxBytes / 4);
    }

    /** Bytes an append of an encoded record of {@code size} bytes may add, with a new segment file or without. */
    static long appendCost(int size, boolean newFile) {
        return ((size + 4 + 3) & ~3L) + 8 + (newFile ? SEGMENT_OVERHEAD : 0);
    }

    /** Opens the queue in {@code dir}; its time provider reads the segment clock ({@code segment * 5 min}). */
    static SingleChronicleQueue openQueue(Path dir, long blockSize, LongSupplier segmentClock) {
        return SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(ROLL_CYCLE)
                .timeProvider(() -> segmentClock.getAsLong() * ROLL_CYCLE.lengthInMillis())
                .blockSize(blockSize)
                .indexCount(INDEX_COUNT)
                .indexSpacing(INDEX_SPACING)
                .build();
    }

    /** The queue file of {@code cycle} in {@code dir}. */
    static Path fileFor(Path dir, int cycle) {
        return dir.resolve(FILE_NAMES.format(Instant.ofEpochMilli((long) cycle * ROLL_CYCLE.lengthInMillis()))
                + SingleChronicleQueue.SUFFIX);
    }

    static void deleteFile(Path dir, int cycle) {
        Path f = fileFor(dir, cycle);
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete buffer segment " + f, e);
        }
    }
}
