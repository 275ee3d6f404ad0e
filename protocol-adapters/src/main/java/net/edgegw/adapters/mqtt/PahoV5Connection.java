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

import javax.net.SocketFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * MQTT 5 with Paho's {@code mqttv5} client: clean start off, a session expiry interval, manual acknowledgement for
 * QoS 1 (PUBACK only after the buffer took the message), and for QoS 2 the {@link Qos2Journal} (Paho 1.2.5 sends
 * PUBREC before the application saw the message; the journal keeps the message until it is settled).
 */
final class PahoV5Connection implements MqttConnection {

    private final MqttInputSettings settings;
    private final String clientId;
    private final Path persistenceDir;
    private final SocketFactory socketFactory;
    private final Listener listener;
    private Qos2Journal journal;
    private MqttAsyncClient client;

    PahoV5Connection(MqttInputSettings settings, String clientId, Path persistenceDir, SocketFactory socketFactory,
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
        p.open(clientId);
        try {
            List<String> keys = new ArrayList<>();
            for (Enumeration<String> e = p.keys(); e.hasMoreElements(); ) {
                String k = e.nextElement();
                if (k.startsWith(Qos2Journal.RECEIVED)) {
                    keys.add(k);
                }
            }
            Collections.sort(keys);
            for (String k : keys) {
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
    public void connect() throws MqttException {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        o.setAutomaticReconnect(false);
        o.setReceiveMaximum(MqttIngest.REDELIVERY_WINDOW);
        o.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        o.setConnectionTimeout(10);
        if (settings.username() != null) {
            o.setUserName(settings.username());
        }
        if (settings.password() != null) {
            o.setPassword(settings.password().getBytes(StandardCharsets.UTF_8));
        }
        if (socketFactory != null) {
            o.setSocketFactory(socketFactory);
        }
        client.connect(o).waitForCompletion(15_000);
        MqttSubscription[] subs = settings.topics().stream().map(t -> new MqttSubscription(t, settings.qos()))
                .toArray(MqttSubscription[]::new);
        IMqttToken t = client.subscribe(subs);
        t.waitForCompletion(15_000);
        int[] codes = t.getReasonCodes();
        for (int i = 0; codes != null && i < codes.length; i++) {
            if (codes[i] >= 0x80) {
                client.disconnectForcibly(0, 1000, false);
                throw new MqttException(codes[i], new IllegalStateException("the broker refused the subscription to '"
                        + settings.topics().get(Math.min(i, subs.length - 1)) + "' (reason code 0x"
                        + Integer.toHexString(codes[i]) + ")"));
            }
        }
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
    public void disconnectQuietly() {
        try {
            if (client != null && client.isConnected()) {
                client.disconnectForcibly(0, 2000, false);
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
}
