package net.edgegw.adapters.net;

/** Where the connections of one listening input report what they refuse (the input's ingest). Thread-safe. */
public interface ConnectionRejections {

    /** The input name. */
    String input();

    /** Reports a rejection with the input's cap on raw bytes of {@code b[off..off+len)} (copied). Never throws. */
    void reject(String reason, String detail, byte[] b, int off, int len, String peer);

    /** Reports a refused connection or a failed handshake: a rejection without bytes. Never throws. */
    default void refuse(String reason, String detail, String peer) {
        reject(reason, detail, null, 0, 0, peer);
    }
}
