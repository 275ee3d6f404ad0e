package net.edgegw.adapters.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;

import java.nio.charset.StandardCharsets;

/**
 * MQTT 5 with Paho's {@code mqttv5} client: clean start off, a session expiry interval, manual acknowledgement for
 * QoS 1 (PUBACK only after the buffer took the message), and for QoS 2 the {@link Qos2Journal} (Paho 1.2.5 sends
 * PUBREC before the application saw the message; the journal keeps the message until it is settled).
 */
final class PahoV5Connection extends PahoConnectionBase<MqttAsyncClient> {

    private Qos2Journal journal;

    PahoV5Connection(Setup setup) {
        super(setup);
    }

    @Override
    public void replayPersisted() throws MqttException {
        MqttDefaultFilePersistence p = new MqttDefaultFilePersistence(persistenceDir.toString());
        p.open(clientId);
        try {
            for (String k : keysStartingWith(p.keys(), Qos2Journal.RECEIVED)) {
                MqttWireMessage w = MqttWireMessage.createWireMessage(p.get(k));
                if (!(w instanceof MqttPublish pub) || pub.getTopicName() == null || pub.getTopicName().isEmpty()) {
                    p.remove(k); // a PUBLISH that used a topic alias cannot be resolved any more: nothing to replay
                    continue;
                }
                MqttMessage m = pub.getMessage();
                MqttIngest.Outcome o = listener.message(pub.getTopicName(), m.getPayload(), m.getQos(), m.isRetained(),
                        pub.getMessageId(), m.isDuplicate(), true);
                if (o == MqttIngest.Outcome.ACK) {
                    p.remove(k);
                } else {
                    break; // the gateway is not taking records: keep the rest for the next start
                }
            }
        } finally {
            p.close();
        }
        journal = new Qos2Journal(persistenceDir.toString());
        client = new MqttAsyncClient(settings.broker(), clientId, journal);
        client.setManualAcks(true);
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                listener.connectionLost(r.getException() != null ? r.getException()
                        : new IllegalStateException("disconnected by the broker: reason " + r.getReturnCode()
                        + (r.getReasonString() == null ? "" : " " + r.getReasonString())));
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
                listener.connectionLost(e);
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                listener.message(topic, m.getPayload(), m.getQos(), m.isRetained(), m.getId(), m.isDuplicate(), false);
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
                // the gateway publishes nothing
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                // the source drives connects
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
                // no enhanced authentication
            }
        });
    }

    @Override
    void connectClient() throws MqttException {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        o.setAutomaticReconnect(false);
        o.setReceiveMaximum(MqttIngest.REDELIVERY_WINDOW);
        o.setKeepAliveInterval(keepAliveSeconds());
        o.setConnectionTimeout(CONNECTION_TIMEOUT_S);
        applyLogin(o::setUserName, pass -> o.setPassword(pass.getBytes(StandardCharsets.UTF_8)), o::setSocketFactory);
        client.connect(o).waitForCompletion(WAIT_MS);
    }

    @Override
    int[] subscribeAll() throws MqttException {
        MqttSubscription[] subs = settings.topics().stream().map(t -> new MqttSubscription(t, settings.qos()))
                .toArray(MqttSubscription[]::new);
        IMqttToken t = client.subscribe(subs);
        t.waitForCompletion(WAIT_MS);
        return t.getReasonCodes();
    }

    @Override
    boolean refused(int code) {
        return code >= 0x80;
    }

    @Override
    Exception refusal(int i, int code) {
        return new MqttException(code, new IllegalStateException("the broker refused the subscription to '"
                + settings.topics().get(Math.min(i, settings.topics().size() - 1)) + "' (reason code 0x"
                + Integer.toHexString(code) + ")"));
    }

    @Override
    public void ack(int packetId, int qos) throws MqttException {
        if (qos == 1) {
            client.messageArrivedComplete(packetId, 1);
        } else if (qos == 2 && journal != null) { // null while replaying before the client exists
            journal.settled(packetId); // Paho sends PUBREC/PUBCOMP itself (see Qos2Journal)
        }
    }

    @Override
    public boolean redeliveredAfterReconnect(int qos) {
        return qos == 1; // QoS 2: the broker has the PUBREC; the journal replays it at the next start
    }

    @Override
    boolean isConnected(MqttAsyncClient c) {
        return c.isConnected();
    }

    @Override
    void disconnectForcibly(MqttAsyncClient c, long timeoutMs) throws MqttException {
        c.disconnectForcibly(0, timeoutMs, false);
    }

    @Override
    void close(MqttAsyncClient c) throws MqttException {
        c.close(true);
    }
}
