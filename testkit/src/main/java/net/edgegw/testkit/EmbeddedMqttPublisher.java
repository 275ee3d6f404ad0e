package net.edgegw.testkit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A test publisher for any MQTT broker (the embedded one or Mosquitto): Paho, MQTT 5 or 3.1.1, synchronous publishes
 * (each QoS 1/2 publish returns after the broker's acknowledgement), clean session. Not thread-safe.
 */
public final class EmbeddedMqttPublisher implements AutoCloseable {

    private final MqttClient v3;
    private final org.eclipse.paho.mqttv5.client.MqttClient v5;

    private EmbeddedMqttPublisher(MqttClient v3, org.eclipse.paho.mqttv5.client.MqttClient v5) {
        this.v3 = v3;
        this.v5 = v5;
    }

    /** Connects to {@code uri} with MQTT 5 ({@code v5}) or 3.1.1, optionally with a username and password. */
    public static EmbeddedMqttPublisher connect(String uri, boolean v5, String user, String password) {
        String id = "pub-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            if (v5) {
                var c = new org.eclipse.paho.mqttv5.client.MqttClient(uri, id,
                        new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
                MqttConnectionOptions o = new MqttConnectionOptions();
                o.setCleanStart(true);
                o.setAutomaticReconnect(false);
                if (user != null) {
                    o.setUserName(user);
                    o.setPassword(password.getBytes(StandardCharsets.UTF_8));
                }
                c.connect(o);
                return new EmbeddedMqttPublisher(null, c);
            }
            MqttClient c = new MqttClient(uri, id, new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(true);
            o.setMaxInflight(1000);
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password.toCharArray());
            }
            c.connect(o);
            return new EmbeddedMqttPublisher(c, null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect a test publisher to " + uri + ": " + e, e);
        }
    }

    /** Connects anonymously. */
    public static EmbeddedMqttPublisher connect(String uri, boolean v5) {
        return connect(uri, v5, null, null);
    }

    /**
     * Publishes one message; returns after the broker acknowledged it (QoS 1/2). Paho's "too many publishes in
     * progress" (32202, refused before anything was sent: its in-flight count lags the PUBACK) is retried.
     */
    public void publish(String topic, byte[] payload, int qos, boolean retained) {
        for (int attempt = 0; ; attempt++) {
            try {
                if (v5 != null) {
                    v5.publish(topic, payload, qos, retained);
                } else {
                    v3.publish(topic, payload, qos, retained);
                }
                return;
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                if (e.getReasonCode() != 32202 || attempt >= 2000) {
                    throw new IllegalStateException("publish to " + topic + " failed: " + e, e);
                }
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || attempt >= 2000) {
                    throw new IllegalStateException("publish to " + topic + " failed: " + e, e);
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", ie);
            }
        }
    }

    /** Publishes UTF-8 text. */
    public void publish(String topic, String text, int qos) {
        publish(topic, text.getBytes(StandardCharsets.UTF_8), qos, false);
    }

    /** The JSON payload {@code {"seq":N}} the test tools use to count what arrived. */
    public static String seqPayload(int seq) {
        return "{\"seq\":" + seq + "}";
    }

    public boolean isConnected() {
        return v5 != null ? v5.isConnected() : v3.isConnected();
    }

    @Override
    public void close() {
        try {
            if (v5 != null) {
                if (v5.isConnected()) {
                    v5.disconnect();
                }
                v5.close();
            } else {
                if (v3.isConnected()) {
                    v3.disconnect();
                }
                v3.close();
            }
        } catch (MqttException | org.eclipse.paho.mqttv5.common.MqttException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
