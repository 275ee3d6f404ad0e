package net.edgegw.buffer;

/**
 * When buffer writes are forced to stable storage (config {@code buffer.sync}).
 * <ul>
 *   <li>{@link #NONE}: writes go to the memory-mapped file; the OS writes them back. Survives a process crash
 *   ({@code kill -9}); a power loss may lose what the OS had not yet written.</li>
 *   <li>{@link #INTERVAL}: additionally forced to disk every {@code syncInterval}; a power loss loses at most that
 *   window.</li>
 *   <li>{@link #EVERY_BATCH}: {@link LaneBuffer#append} returns only after the record is on stable storage
 *   (group commit: concurrent appenders share one sync); survives power loss, costs throughput.</li>
 * </ul>
 */
public enum SyncMode { NONE, INTERVAL, EVERY_BATCH }
