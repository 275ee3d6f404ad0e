package net.edgegw.adapters.mqtt;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * The per-input record of "which message did the gateway last accept under each MQTT packet id": a memory-mapped
 * file of 65,536 slots (one per packet id), each holding a 64-bit fingerprint of (topic, payload, qos), written
 * right after the durable buffer accepted the message and before it is acknowledged to the broker.
 *
 * <p>Why: between "appended to the buffer" and "the broker processed our PUBACK/PUBCOMP" a crash (SIGKILL, power
 * loss) makes the broker redeliver the message (MQTT requires it for an unacknowledged QoS 1/2 message in a
 * persistent session, with the DUP flag set). The source looks the redelivery up here: same packet id and same
 * fingerprint = already in the buffer, so it is acknowledged and skipped instead of being stored twice.
 *
 * <p>Each slot also records an accept sequence number, so that the source can tell whether an entry is among the
 * last few accepted messages (the only ones a broker can still redeliver: its in-flight window is bounded).
 *
 * <p>The crash window between "appended to the buffer" and "ledger written" is closed by a pending entry in the
 * header: before the append the source records {@link #prepare} (packet id, fingerprint, receivedAt), after it
 * {@link #put} and {@link #clearPending}. A crash in between leaves the entry pending, and the next start asks the
 * buffer whether it holds the record accepted at that instant ({@code RecentRecords#holdsRecent}): if so the entry is
 * completed (the redelivery will be skipped), else dropped (the redelivery will be stored). The receivedAt of an input
 * is strictly increasing (also across restarts, via {@link #lastReceivedAt}; see MqttIngest for clock steps back),
 * so that instant names one record.
 *
 * <p>Writes go to the page cache through the mapping, so they survive a process crash (SIGKILL) without an fsync;
 * after an OS crash or power loss the slot may be lost (then the redelivery is stored again: a duplicate, never a
 * loss). The header binds the file to one broker + client id: a different session starts from an empty table.
 *
 * <p>Not thread-safe for concurrent writers of the same slot; the source writes from its single MQTT callback thread.
 */
public final class AckLedger implements AutoCloseable {

    static final int SLOTS = 65536;
    private static final long MAGIC = 0x4547_574D_5154_5401L; // "EGWMQTT" v1
    private static final int HEADER = 64;
    private static final int SEQ_BASE = HEADER + SLOTS * 8;
    private static final int SIZE = SEQ_BASE + SLOTS * 8;
    private static final int COUNTER = 16;
    /** Header fields of the pending entry; the packet id is written last and is 0 when nothing is pending. */
    private static final int PENDING_PACKET = 24;
    private static final int PENDING_FP = 32;
    /** The receivedAt of the last prepared message (pending or not): seconds and nanos. */
    private static final int AT_SECONDS = 40;
    private static final int AT_NANOS = 48;

    private final FileChannel channel;
    private final MappedByteBuffer map;
    private long counter;

    private AckLedger(FileChannel channel, MappedByteBuffer map) {
        this.channel = channel;
        this.map = map;
    }

    /**
     * Opens (or creates) the ledger at {@code file}, cleared when it belongs to another session.
     *
     * @param session identifies the MQTT session (broker URI and client id)
     */
    public static AckLedger open(Path file, String session) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (ch.size() != SIZE) {
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.allocate(SIZE), 0);
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
            m.order(ByteOrder.LITTLE_ENDIAN);
            long sessionHash = fingerprint(session, new byte[0], 0);
            if (m.getLong(0) != MAGIC || m.getLong(8) != sessionHash) {
                for (int i = 0; i < SIZE; i += 8) {
                    m.putLong(i, 0L);
                }
                m.putLong(8, sessionHash);
                m.putLong(0, MAGIC);
            }
            AckLedger l = new AckLedger(ch, m);
            l.counter = m.getLong(COUNTER);
            return l;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The fingerprint stored for this packet id, 0 when none. */
    public long get(int packetId) {
        return map.getLong(HEADER + slot(packetId) * 8);
    }

    /** Records that the message with this fingerprint was accepted under this packet id. */
    public void put(int packetId, long fingerprint) {
        int s = slot(packetId);
        map.putLong(HEADER + s * 8, fingerprint);
        if (fingerprint != 0) {
            counter++;
            map.putLong(SEQ_BASE + s * 8, counter);
            map.putLong(COUNTER, counter);
        }
    }

    /** True when this packet id's entry is among the last {@code window} accepted messages. */
    public boolean recent(int packetId, int window) {
        long seq = map.getLong(SEQ_BASE + slot(packetId) * 8);
        return seq > 0 && counter - seq < window;
    }

    /** Forgets the packet id (the broker reused it for a new message, so the previous one was acknowledged). */
    public void clear(int packetId) {
        put(packetId, 0L);
    }

    /** True when a message with this fingerprint was the last one accepted under this packet id. */
    public boolean contains(int packetId, long fingerprint) {
        return get(packetId) == fingerprint;
    }

    /** A message whose append may or may not have completed before a crash. */
    record Pending(int packetId, long fingerprint, Instant receivedAt) {
    }

    /**
     * Records, before the append, that the message with this fingerprint and receivedAt is being stored under this
     * packet id.
     */
    public void prepare(int packetId, long fingerprint, Instant receivedAt) {
        slot(packetId);
        map.putLong(PENDING_FP, fingerprint);
        map.putLong(AT_SECONDS, receivedAt.getEpochSecond());
        map.putLong(AT_NANOS, receivedAt.getNano());
        map.putLong(PENDING_PACKET, packetId); // last: the entry is complete once this is set
    }

    /** Ends the pending entry (after the append's outcome is known and {@link #put} was called if it was stored). */
    public void clearPending() {
        map.putLong(PENDING_PACKET, 0L);
    }

    /** The entry a crash left pending, if any. */
    public Pending pending() {
        int packetId = (int) map.getLong(PENDING_PACKET);
        if (packetId < 1 || packetId > 65535) {
            return null;
        }
        return new Pending(packetId, map.getLong(PENDING_FP), lastReceivedAt());
    }

    /** The receivedAt of the last message prepared under this session, null if none. */
    public Instant lastReceivedAt() {
        long sec = map.getLong(AT_SECONDS);
        long nanos = map.getLong(AT_NANOS);
        return sec == 0 && nanos == 0 ? null : Instant.ofEpochSecond(sec, nanos);
    }

    private static int slot(int packetId) {
        if (packetId < 1 || packetId > 65535) {
            throw new IllegalArgumentException("packet id out of range 1-65535: " + packetId);
        }
        return packetId;
    }

    /**
     * A 64-bit fingerprint of a message: CRC-32C and a second, independent 32-bit polynomial hash over topic, qos
     * and payload (lengths included). Never 0 (0 marks an empty slot).
     */
    public static long fingerprint(String topic, byte[] payload, int qos) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(t);
        crc.update(qos);
        crc.update(payload);
        int h = 0x811C9DC5 ^ t.length ^ (payload.length << 8) ^ qos;
        for (byte b : t) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        int h2 = h * 31 + qos;
        for (byte b : payload) {
            h2 = h2 * 0x5bd1e995 + (b & 0xFF);
        }
        h2 ^= h2 >>> 15;
        long f = (crc.getValue() << 32) | (h2 & 0xFFFF_FFFFL);
        return f == 0 ? 1 : f;
    }

    @Override
    public void close() {
        try {
            map.force();
        } catch (RuntimeException ignored) {
            // best effort: the page cache holds the writes anyway
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
