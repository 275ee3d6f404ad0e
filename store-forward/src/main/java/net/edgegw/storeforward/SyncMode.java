package net.edgegw.storeforward;

/**
 * When buffer writes are forced to stable storage (config {@code buffer.sync}).
 * <ul>
 *   <li>{@link #NONE}: records are written to the memory-mapped segment file and the OS writes them back when it
 *   likes (typically within 30 s on Linux). Survives a process crash ({@code kill -9}, OOM kill, JVM crash): the page
 *   cache belongs to the kernel. A power loss or kernel panic may lose what was not yet written back; a record
 *   half-written at that moment fails its checksum on read and is skipped and counted
 *   ({@link BufferMetrics#DROPPED_CORRUPT}), never returned.</li>
 *   <li>{@link #INTERVAL}: as NONE, plus every {@code syncInterval} the segment files written since the last sync
 *   are forced with {@code fdatasync} (data, Chronicle's header and index, and the file length), and the directory
 *   when a new segment file was created. A power loss loses at most about one interval.</li>
 *   <li>{@link #EVERY_BATCH}: {@link LaneBuffer#append} returns only after its record was forced as above;
 *   {@link LaneBuffer#appendAll} forces once per batch. Concurrent appenders share one force (group commit: while
 *   one thread forces, the others queue up behind the next force). Survives power loss for every record whose
 *   append returned; costs one fdatasync per batch (0.1-1 ms on an SSD, tens of ms on an SD card).</li>
 * </ul>
 * Not used: Chronicle's own {@code syncMode} (msync of the current memory-mapped chunk), which covers one chunk of
 * one file rather than the whole segment with its index. In every mode the persistent drop counters are forced
 * before a segment is deleted; the replicated position is a hint and is never forced (after a power loss it may
 * go back, which causes re-sends, never loss).
 */
public enum SyncMode { NONE, INTERVAL, EVERY_BATCH }
