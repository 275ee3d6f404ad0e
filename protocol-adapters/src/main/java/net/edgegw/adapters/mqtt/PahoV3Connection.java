package net.edgegw.adapters.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;

import javax.net.SocketFactory;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MQTT 3.1.1 with Paho's {@code mqttv3} client: clean session off, manual acknowledgement, file persistence in the
 * input's state directory.
 *
 * <p>How Paho 1.2.5 handles inbound QoS 2 here (read from its ClientState/CommsCallback): the PUBLISH is written to
 * the client persistence ({@code r-<id>}) and PUBREC sent at once; the message is handed to the application only when
 * the PUBREL arrives; with manual acks, PUBCOMP is sent (and {@code r-<id>} removed) by {@code messageArrivedComplete}.
 * After a crash the persisted PUBLISH is delivered again when the broker resends PUBREL: those packet ids are marked
 * {@code replayed} so that the ack ledger can recognise a message already in the buffer.
 */
final class PahoV3Connection implements MqttConnection {

    private final MqttInputSettings settings;
    private final String clientId;
    private final Path persistenceDir;
    private final SocketFactory socketFactory;
    private final Listener listener;
    private final Set<Integer> restoredQos2 = ConcurrentHashMap.newKeySet();
    private MqttAsyncClient client;

    PahoV3Connection(MqttInputSettings settings, String clientId, Path persistenceDir, SocketFactory socketFactory,
                     Listener listener) {
        this.settings = settings;
        this.clientId = clientId;
        this.persistenceDir = persistenceDir;
        this.socketFactory = socketFactory;
        this.listener = listener;
    }

    @Override
    public void replayPersisted() throws MqttException {
        MqttDefaultFilePersistence p = new MqttDefaultFilePersistence(persistenceDir.toString());
        p.open(clientId, settings.broker());
        try {
            for (Enumeration<String> keys = p.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                if (k.startsWith("r-")) {
                    restoredQos2.add(Integer.parseInt(k.substring(2)));
                }
            }
        } finally {
            p.close();
        }
        client = new MqttAsyncClient(settings.broker(), clientId, new MqttDefaultFilePersistence(persistenceDir.toString()));
        client.setManualAcks(true);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                listener.connectionLost(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                boolean replayed = m.getQos() == 2 && restoredQos2.remove(m.getId());
                MqttIngest.Outcome o = listener.message(topic, m.getPayload(), m.getQos(), m.isRetained(), m.getId(),
                        m.isDuplicate(), replayed);
                if (o == MqttIngest.Outcome.HOLD && replayed) {
                    restoredQos2.add(m.getId());
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // the gateway publishes nothing
            }
        });
    }

    @Override
    public void connect() throws MqttException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(false);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        o.setConnectionTimeout(10);
        if (settings.username() != null) {
            o.setUserName(settings.username());
        }
        if (settings.password() != null) {
            o.setPassword(settings.password().toCharArray());
        }
        if (socketFactory != null) {
            o.setSocketFactory(socketFactory);
        }
        client.connect(o).waitForCompletion(15_000);
        int n = settings.topics().size();
        int[] qos = new int[n];
        java.util.Arrays.fill(qos, settings.qos());
        IMqttToken t = client.subscribe(settings.topics().toArray(new String[0]), qos);
        t.waitForCompletion(15_000);
        int[] granted = t.getGrantedQos();
        for (int i = 0; granted != null && i < granted.length; i++) {
            if (granted[i] == 0x80) {
                client.disconnectForcibly(0, 1000);
                throw new MqttException(MqttException.REASON_CODE_SUBSCRIBE_FAILED,
                        new IllegalStateException("the broker refused the subscription to '" + settings.topics().get(i) + "'"));
            }
        }
    }

    @Override
    public void ack(int packetId, int qos) throws MqttException {
        if (qos > 0) {
            client.messageArrivedComplete(packetId, qos);
        }
    }

    @Override
    public boolean redeliveredAfterReconnect(int qos) {
        return qos > 0;
    }

    @Override
    public void disconnectQuietly() {
        try {
            if (client != null && client.isConnected()) {
                client.disconnectForcibly(0, 2000);
            }
        } catch (MqttException | RuntimeException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        disconnectQuietly();
        try {
            if (client != null) {
                client.close(true);
            }
        } catch (MqttException | RuntimeException ignored) {
            // nothing more to release
        }
    }

    Set<Integer> restoredQos2() {
        return Collections.unmodifiableSet(new HashSet<>(restoredQos2));
    }
}
