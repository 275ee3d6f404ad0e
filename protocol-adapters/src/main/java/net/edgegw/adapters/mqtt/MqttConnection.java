package net.edgegw.adapters.mqtt;

/** One Paho client of one MQTT protocol version, as the {@link MqttSource} drives it. */
interface MqttConnection {

    /** Connects (persistent session) and subscribes to every filter; throws if either fails. Blocking. */
    void connect() throws Exception;

    /** Messages kept by the client's own persistence from before a restart, handed to the listener; before connect. */
    void replayPersisted() throws Exception;

    /** Acknowledges a QoS 1/2 message to the broker (after it was settled). */
    void ack(int packetId, int qos) throws Exception;

    /** True when a message held back (not acknowledged) will come again after a reconnect. */
    boolean redeliveredAfterReconnect(int qos);

    /** Drops the network connection (the session stays on the broker); quiet. */
    void disconnectQuietly();

    /** Releases the client and its persistence; quiet. */
    void close();

    /** What the connection reports to its source. Called on Paho's threads. */
    interface Listener {
        MqttIngest.Outcome message(String topic, byte[] payload, int qos, boolean retained, int packetId, boolean dup,
                                   boolean replayed);

        void connectionLost(Throwable cause);
    }
}
