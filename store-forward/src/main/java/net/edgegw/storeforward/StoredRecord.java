package net.edgegw.storeforward;

/**
 * A record read back from a lane buffer with its index. Indexes are unique and strictly increasing within a lane
 * and never reused, also across restarts; the record id is {@code <site>:<gateway>:<lane>:<index>}.
 */
public record StoredRecord(long index, BufferedRecord record) {
}
