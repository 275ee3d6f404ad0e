package net.edgegw.adapters.mqtt;

import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;

import java.util.HashSet;
import java.util.Set;

/**
 * Paho MQTT 5 client persistence (files in the input's state directory) that keeps each inbound QoS 2 PUBLISH until
 * the gateway's buffer has it.
 *
 * <p>Why: Paho 1.2.5's {@code mqttv5} client does not honour manual acknowledgement for QoS 2 (see its
 * ClientState.notifyReceivedMsg and CommsCallback.messageArrivedComplete, and paho.mqtt.java issues 994 and 1054): it
 * writes the PUBLISH to its persistence as {@code r-<id>}, queues it for the application and sends PUBREC at once;
 * when PUBREL comes it sends PUBCOMP and removes {@code r-<id>}, whether or not the application has processed the
 * message; and {@code messageArrivedComplete(id, 2)} sends a second PUBCOMP (a protocol error), so the source never
 * calls it for QoS 2. Once the broker has the PUBREC it will not send that PUBLISH again, so the persisted copy is the
 * only one: this class turns Paho's removal of {@code r-<id>} into a no-op until the source {@link #settled settled}
 * the message, and {@link MqttSource} replays whatever is left at the next start (before connecting).
 *
 * <p>Thread-safe (Paho calls it from its receiver and sender threads, the source from its callback thread).
 */
final class Qos2Journal implements MqttClientPersistence {

    static final String RECEIVED = "r-";

    private final MqttDefaultFilePersistence delegate;
    private final Set<String> unsettled = new HashSet<>();
    private final Set<String> removalDeferred = new HashSet<>();

    Qos2Journal(String dir) {
        this.delegate = new MqttDefaultFilePersistence(dir);
    }

    @Override
    public synchronized void open(String clientId) throws MqttPersistenceException {
        delegate.open(clientId);
    }

    @Override
    public synchronized void close() throws MqttPersistenceException {
        delegate.close();
    }

    @Override
    public synchronized void put(String key, MqttPersistable p) throws MqttPersistenceException {
        if (key.startsWith(RECEIVED)) {
            unsettled.add(key);
            removalDeferred.remove(key);
        }
        delegate.put(key, p);
    }

    @Override
    public synchronized MqttPersistable get(String key) throws MqttPersistenceException {
        return delegate.get(key);
    }

    @Override
    public synchronized void remove(String key) throws MqttPersistenceException {
        if (unsettled.contains(key)) {
            removalDeferred.add(key);
            return;
        }
        delegate.remove(key);
    }

    /** The source settled (stored, filtered or rejected-and-counted) the QoS 2 message with this packet id. */
    synchronized void settled(int packetId) throws MqttPersistenceException {
        String key = RECEIVED + packetId;
        unsettled.remove(key);
        if (removalDeferred.remove(key)) {
            delegate.remove(key);
        }
    }

    @Override
    public synchronized java.util.Enumeration<String> keys() throws MqttPersistenceException {
        return delegate.keys();
    }

    @Override
    public synchronized void clear() throws MqttPersistenceException {
        unsettled.clear();
        removalDeferred.clear();
        delegate.clear();
    }

    @Override
    public synchronized boolean containsKey(String key) throws MqttPersistenceException {
        return delegate.containsKey(key);
    }
}
