package net.edgegw.adapters.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;

import java.util.Arrays;
import java.util.Collections;
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
final class PahoV3Connection extends PahoConnectionBase<MqttAsyncClient> {

    private final Set<Integer> restoredQos2 = ConcurrentHashMap.newKeySet();

    PahoV3Connection(Setup setup) {
        super(setup);
    }

    @Override
    public void replayPersisted() throws MqttException {
        MqttDefaultFilePersistence p = new MqttDefaultFilePersistence(persistenceDir.toString());
        p.open(clientId, settings.broker());
        try {
            for (String k : keysStartingWith(p.keys(), "r-")) {
                restoredQos2.add(Integer.parseInt(k.substring(2)));
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
    void connectClient() throws MqttException {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(false);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(keepAliveSeconds());
        o.setConnectionTimeout(CONNECTION_TIMEOUT_S);
        applyLogin(o::setUserName, pass -> o.setPassword(pass.toCharArray()), o::setSocketFactory);
        client.connect(o).waitForCompletion(WAIT_MS);
    }

    @Override
    int[] subscribeAll() throws MqttException {
        int[] qos = new int[settings.topics().size()];
        Arrays.fill(qos, settings.qos());
        IMqttToken t = client.subscribe(settings.topics().toArray(new String[0]), qos);
        t.waitForCompletion(WAIT_MS);
        return t.getGrantedQos();
    }

    @Override
    boolean refused(int code) {
        return code == 0x80;
    }

    @Override
    Exception refusal(int i, int code) {
        return new MqttException(MqttException.REASON_CODE_SUBSCRIBE_FAILED,
                new IllegalStateException("the broker refused the subscription to '" + settings.topics().get(i) + "'"));
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
    boolean isConnected(MqttAsyncClient c) {
        return c.isConnected();
    }

    @Override
    void disconnectForcibly(MqttAsyncClient c, long timeoutMs) throws MqttException {
        c.disconnectForcibly(0, timeoutMs);
    }

    @Override
    void close(MqttAsyncClient c) throws MqttException {
        c.close(true);
    }

    Set<Integer> restoredQos2() {
        return Collections.unmodifiableSet(new HashSet<>(restoredQos2));
    }
}
